using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Reflections;
using NodaTime;

namespace ImproveBot.Core.Experiment;

/// <summary>Reads the history the experiment statistics need from the stores and hands it to <see cref="ExperimentStats"/>.</summary>
internal sealed class ExperimentHistory(IIdeaStore ideas, IRoundStore rounds, TimeProvider time)
{
    private const int MemberWeeks = 12;
    private const int MaxIdeas = 50_000;

    /// <summary>A member's own comparison (their private ideas included) for <c>/improve stats</c>.</summary>
    public async Task<MemberStats> ForMemberAsync(Member member, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var since = now.AddDays(-7 * MemberWeeks);
        var own = await ideas.SearchAsync(
            new IdeaQuery(member.TeamId, member.Id, AuthorId: member.Id, Limit: MaxIdeas, CreatedSince: since), ct);
        var reflections = await rounds.ListReflectionHistoryAsync(member.TeamId, member.Id, since, ct);
        // The streak may reach back further than the statistics' window.
        var today = LocalDate.FromDateTime(now.UtcDateTime);
        var teamRounds = await rounds.ListRoundsAsync(member.TeamId, today.PlusYears(-1), ct);
        return ExperimentStats.ForMember(member.Id, own.Select(ToFact).ToList(), reflections.Select(ToFact).ToList(),
            teamRounds.Select(r => new RoundFact(r.PromptDate.ToDateOnly(), now < r.ClosesAt)).ToList(), now);
    }

    /// <summary>The team's comparison over the weeks before <paramref name="until"/>; private ideas never count.</summary>
    public async Task<TeamExperiment> ForTeamAsync(long teamId, DateTimeOffset until, int weeks, CancellationToken ct)
    {
        var since = until.AddDays(-7 * weeks);
        var teamIdeas = await ideas.SearchAsync(new IdeaQuery(teamId, ViewerId: null, Limit: MaxIdeas, CreatedSince: since), ct);
        var reflections = await rounds.ListReflectionHistoryAsync(teamId, memberId: null, since, ct);
        return ExperimentStats.ForTeam(
            teamIdeas.Where(i => i.CreatedAt < until).Select(ToFact).ToList(),
            reflections.Where(r => r.SubmittedAt < until).Select(ToFact).ToList(),
            until, weeks);
    }

    internal static IdeaFact ToFact(IdeaView idea) => new(
        idea.Id,
        idea.AuthorId,
        idea.Source,
        idea.Visibility,
        idea.Status,
        idea.CreatedAt,
        Tried: idea.Status is IdeaStatus.Trying or IdeaStatus.Adopted || idea.Outcome is IdeaOutcome.Helped or IdeaOutcome.DidNotHelp,
        Helped: idea.Outcome == IdeaOutcome.Helped,
        idea.Value);

    private static ReflectionFact ToFact(ReflectionRecord reflection) =>
        new(reflection.MemberId, reflection.PromptDate.ToDateOnly(), reflection.Duration, reflection.SubmittedAt);
}
