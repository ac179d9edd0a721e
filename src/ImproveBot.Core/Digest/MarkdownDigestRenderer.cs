using System.Globalization;
using System.Text;
using static ImproveBot.Core.Digest.DigestWording;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Digest;

/// <summary>
/// Renders a <see cref="TeamDigest"/> as GitHub-flavoured Markdown. Every piece of user text goes through
/// <see cref="MarkdownText.Escape"/>; numbers and dates use the invariant culture so output does not depend on the host.
/// Lines end in <c>\n</c> whatever the platform.
/// </summary>
internal static class MarkdownDigestRenderer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Renders the whole digest; sections with nothing in them are left out.</summary>
    public static string Render(TeamDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var md = new StringBuilder();
        md.Append("# Improvement digest: ").Append(MarkdownText.Escape(digest.TeamName))
          .Append(" · week of ").Append(digest.RoundDate.ToString("yyyy-MM-dd", Invariant)).Append('\n');

        if (digest.IsEmpty)
        {
            md.Append('\n')
              .Append("A quiet week: no reflections or new ideas this time, and that is fine. ")
              .Append("Spotted something worth improving? Log it any time with `/idea`.\n");
            AppendExperiment(md, digest.Experiment);
            return md.ToString();
        }

        md.Append('\n').Append(ParticipationLine(digest.Participation)).Append('\n');
        AppendNewIdeas(md, digest.NewIdeaGroups);
        AppendMostVoted(md, digest.MostVoted);
        AppendStatusChanges(md, digest.StatusChanges);
        AppendOutcomes(md, digest.Outcomes);
        AppendSources(md, digest.SourceCounts);
        AppendExperiment(md, digest.Experiment);

        if (digest.NewIdeaGroups.Count > 0 || digest.MostVoted.Count > 0 || digest.StatusChanges.Count > 0)
            md.Append('\n').Append("Back an idea you like with `/improve vote <id>`.\n");
        return md.ToString();
    }

    /// <summary>Counts only, e.g. "7 of 9 reflected this week · 1 skipped · median 18 min": nobody is named or singled out.</summary>
    private static string ParticipationLine(DigestParticipation p)
    {
        var parts = new List<string>
        {
            p.Prompted > 0
                ? $"{Number(p.Reflected)} of {Number(p.Prompted)} reflected this week"
                : $"{Number(p.Reflected)} reflected this week",
        };
        if (p.Skipped > 0) parts.Add($"{Number(p.Skipped)} skipped");
        if (p.MedianReflectionMinutes is { } median)
        {
            var untimed = p.UnknownDurations > 0 ? $" ({Number(p.UnknownDurations)} without a time)" : "";
            parts.Add($"median {OneDecimal(median)} min{untimed}");
        }
        return string.Join(" · ", parts);
    }

    private static void AppendNewIdeas(StringBuilder md, IReadOnlyList<DigestIdeaGroup> groups)
    {
        if (groups.Count == 0) return;
        md.Append("\n## New ideas\n");
        foreach (var group in groups)
        {
            md.Append("\n### #").Append(MarkdownText.Escape(group.Tag)).Append("\n\n");
            foreach (var idea in group.Ideas)
            {
                var details = new List<string> { SourceName(idea.Source) };
                if (idea.Votes > 0) details.Add(VoteCount(idea.Votes));
                md.Append("- ").Append(IdeaLine(idea)).Append(" (").Append(string.Join(", ", details)).Append(")\n");
            }
        }
    }

    private static void AppendMostVoted(StringBuilder md, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        md.Append("\n## Most voted\n\n");
        for (var i = 0; i < ideas.Count; i++)
        {
            var idea = ideas[i];
            var details = new List<string> { VoteCount(idea.Votes) };
            if (idea.Status == IdeaStatus.Trying) details.Add("trying");
            md.Append(Number(i + 1)).Append(". ").Append(IdeaLine(idea))
              .Append(" (").Append(string.Join(", ", details)).Append(")\n");
        }
    }

    private static void AppendStatusChanges(StringBuilder md, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        md.Append("\n## Status changes\n\n");
        foreach (var idea in ideas)
            md.Append("- **").Append(StatusName(idea.Status)).Append(":** ").Append(IdeaLine(idea)).Append('\n');
    }

    private static void AppendSources(StringBuilder md, DigestSourceCounts counts)
    {
        if (counts.InFlow == 0 && counts.Reflection == 0) return;
        md.Append("\n## In-flow vs reflection\n\n");
        md.Append("- In-flow: ").Append(IdeaCount(counts.InFlow)).Append('\n');
        md.Append("- Reflection: ").Append(IdeaCount(counts.Reflection));
        if (counts.IdeasPerReflectionHour is { } perHour)
            md.Append(" from ").Append(OneDecimal(counts.KnownReflectionHours)).Append(" h of reflection (")
              .Append(OneDecimal(perHour)).Append(" per hour)");
        md.Append('\n');
    }

    /// <summary>What authors said when asked whether they tried their ideas: the loop closed, in the team's view.</summary>
    private static void AppendOutcomes(StringBuilder md, IReadOnlyList<DigestIdea>? outcomes)
    {
        if (outcomes is not { Count: > 0 }) return;
        md.Append("\n## Outcomes\n\n");
        foreach (var idea in outcomes)
        {
            md.Append("- ").Append(OutcomeName(idea.Outcome)).Append(": ").Append(IdeaLine(idea)).Append(ValueSuffix(idea.Value)).Append('\n');
        }
    }

    /// <summary>The monthly experiment section: numbers only, no user text.</summary>
    private static void AppendExperiment(StringBuilder md, Experiment.TeamExperiment? experiment)
    {
        if (experiment is null) return;
        md.Append('\n').Append(Experiment.ExperimentText.ForTeamMarkdown(experiment).TrimEnd('\n')).Append('\n');
    }

    /// <summary>"#42 text — Ada", or "— anonymous": the name is never looked up for anonymous ideas, only the model's null.</summary>
    private static string IdeaLine(DigestIdea idea) =>
        $"#{Number(idea.Id)} {MarkdownText.Escape(idea.Text)} — {(idea.Author is null ? "anonymous" : MarkdownText.Escape(idea.Author))}";

    private static string Number(long value) => value.ToString(Invariant);

    /// <summary>At most one decimal and none when whole: "18", "18.5", "2.3".</summary>
    private static string OneDecimal(double value) => value.ToString("0.#", Invariant);
}
