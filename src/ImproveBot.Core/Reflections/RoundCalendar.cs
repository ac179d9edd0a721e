using ImproveBot.Core.Scheduling;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using NodaTime;

namespace ImproveBot.Core.Reflections;

/// <summary>Finds or creates a team's rounds; shared by the prompt, reflection and digest features.</summary>
public sealed class RoundCalendar(IRoundStore rounds, IUnitOfWork unitOfWork)
{
    /// <summary>The zone a member is prompted in: their own, else the team's, else UTC.</summary>
    public static DateTimeZone ZoneOf(string? memberZone, Team team) =>
        PromptCalendar.FindZone(memberZone) ?? PromptCalendar.FindZone(team.TimeZone) ?? DateTimeZone.Utc;

    /// <summary>When the round named by <paramref name="promptDate"/> closes: the prompt in the team's zone plus the reflection window.</summary>
    public static DateTimeOffset ClosesAt(Team team, LocalDate promptDate) =>
        (PromptCalendar.At(promptDate, team.PromptTime, ZoneOf(null, team)).DueAt + team.ReflectionWindow).ToDateTimeOffset();

    /// <summary>
    /// The round a request "now" belongs to: the latest one by the team's clock while it is still open,
    /// otherwise the coming one (so running the prompt early stands in for the coming week's prompt).
    /// </summary>
    public static LocalDate CurrentPromptDate(Team team, DateTimeOffset now)
    {
        var zone = ZoneOf(null, team);
        var instant = Instant.FromDateTimeOffset(now);
        var latest = PromptCalendar.LatestAtOrBefore(instant, team.PromptDay, team.PromptTime, zone);
        return now < ClosesAt(team, latest.Date)
            ? latest.Date
            : PromptCalendar.NextAfter(instant, team.PromptDay, team.PromptTime, zone).Date;
    }

    /// <summary>Returns the round for a date, creating and committing it if needed (safe against a concurrent creator).</summary>
    public async Task<ReflectionRound> GetOrCreateAsync(Team team, LocalDate promptDate, DateTimeOffset now, CancellationToken ct)
    {
        var round = await rounds.FindRoundAsync(team.Id, promptDate, ct);
        if (round is not null) return round;
        rounds.AddRound(new ReflectionRound(team.Id, promptDate, ClosesAt(team, promptDate), now));
        try
        {
            await unitOfWork.SaveChangesAsync(ct);
        }
        catch (DuplicateKeyException)
        {
            unitOfWork.Reset();
        }
        return await rounds.FindRoundAsync(team.Id, promptDate, ct)
            ?? throw new InvalidOperationException($"Round {promptDate} of team {team.Id} could not be created.");
    }
}
