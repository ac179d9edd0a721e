using System.Globalization;
using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;
using static ImproveBot.Core.Digest.DigestWording;

namespace ImproveBot.Discord.Rendering;

/// <summary>
/// The embed sibling of <see cref="MarkdownDigestRenderer"/>: same sections, same words, same order, so the playground
/// shows what the channel will get. One embed per section (split into "(continued)" embeds past 4,096 characters), laid
/// out over as many messages as 10 embeds and 6,000 characters per message need. Later messages say "(continued)"; the
/// +1 buttons come last.
/// </summary>
internal static class DiscordDigestRenderer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Longest team name (raw chars) the title shows; Discord server names are at most 100.</summary>
    private const int MaxNameLength = 100;

    public static IReadOnlyList<DiscordMessage> Render(TeamDigest digest, IReadOnlyList<ChatAction> voteActions)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(voteActions);
        var title = $"Improvement digest: {DiscordText.Inline(DiscordText.Shorten(digest.TeamName, MaxNameLength))} · week of {DiscordText.Date(digest.RoundDate)}";
        var embeds = new List<JsonObject>();
        string? closing = null;

        if (digest.IsEmpty)
        {
            embeds.Add(DiscordEmbeds.Embed(title,
                "A quiet week: no reflections or new ideas this time, and that is fine. Spotted something worth improving? Log it any time with `/idea`."));
            AddExperiment(embeds, digest.Experiment);
        }
        else
        {
            embeds.Add(DiscordEmbeds.Embed(title, ParticipationLine(digest.Participation)));
            AddNewIdeas(embeds, digest.NewIdeaGroups);
            AddMostVoted(embeds, digest.MostVoted);
            AddStatusChanges(embeds, digest.StatusChanges);
            AddOutcomes(embeds, digest.Outcomes);
            AddSources(embeds, digest.SourceCounts);
            AddExperiment(embeds, digest.Experiment);
            if (digest.NewIdeaGroups.Count > 0 || digest.MostVoted.Count > 0 || digest.StatusChanges.Count > 0)
            {
                closing = voteActions.Count > 0
                    ? "Back an idea you like with a +1 button below or `/improve vote <id>`."
                    : "Back an idea you like with `/improve vote <id>`.";
            }
        }

        var buttons = DiscordComponents.ActionRows(voteActions, tenantId: null).ToList();
        return DiscordEmbeds.Paginate(embeds, (page, last) =>
        {
            var lines = new List<string>();
            if (page > 0) lines.Add($"**{title} (continued)**");
            if (last && closing is not null) lines.Add(closing);
            return lines.Count == 0 ? null : string.Join('\n', lines);
        }, buttons);
    }

    /// <summary>Counts only, e.g. "7 of 9 reflected this week · 1 skipped · median 18 min": nobody is named.</summary>
    private static string ParticipationLine(DigestParticipation p)
    {
        var parts = new List<string>
        {
            p.Prompted > 0
                ? $"{DiscordText.Number(p.Reflected)} of {DiscordText.Number(p.Prompted)} reflected this week"
                : $"{DiscordText.Number(p.Reflected)} reflected this week",
        };
        if (p.Skipped > 0) parts.Add($"{DiscordText.Number(p.Skipped)} skipped");
        if (p.MedianReflectionMinutes is { } median)
        {
            var untimed = p.UnknownDurations > 0 ? $" ({DiscordText.Number(p.UnknownDurations)} without a time)" : "";
            parts.Add($"median {OneDecimal(median)} min{untimed}");
        }
        return string.Join(" · ", parts);
    }

    private static void AddNewIdeas(List<JsonObject> embeds, IReadOnlyList<DigestIdeaGroup> groups)
    {
        if (groups.Count == 0) return;
        var lines = new List<string>();
        foreach (var group in groups)
        {
            // A tag's heading sits right above its ideas; a blank line between groups.
            if (lines.Count > 0) lines.Add("");
            lines.Add($"**#{DiscordText.Inline(group.Tag)}**");
            foreach (var idea in group.Ideas)
            {
                var details = new List<string> { SourceName(idea.Source) };
                if (idea.Votes > 0) details.Add(VoteCount(idea.Votes));
                lines.Add($"- {IdeaLine(idea)} ({string.Join(", ", details)})");
            }
        }
        embeds.AddRange(DiscordEmbeds.Section("New ideas", lines));
    }

    private static void AddMostVoted(List<JsonObject> embeds, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        var lines = new List<string>();
        for (var i = 0; i < ideas.Count; i++)
        {
            var idea = ideas[i];
            var details = new List<string> { VoteCount(idea.Votes) };
            if (idea.Status == IdeaStatus.Trying) details.Add("trying");
            lines.Add($"{DiscordText.Number(i + 1)}. {IdeaLine(idea)} ({string.Join(", ", details)})");
        }
        embeds.AddRange(DiscordEmbeds.Section("Most voted", lines));
    }

    private static void AddStatusChanges(List<JsonObject> embeds, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        embeds.AddRange(DiscordEmbeds.Section("Status changes", ideas.Select(i => $"- **{StatusName(i.Status)}:** {IdeaLine(i)}")));
    }

    /// <summary>What authors said when asked whether they tried their ideas.</summary>
    private static void AddOutcomes(List<JsonObject> embeds, IReadOnlyList<DigestIdea>? outcomes)
    {
        if (outcomes is not { Count: > 0 }) return;
        embeds.AddRange(DiscordEmbeds.Section("Outcomes", outcomes.Select(i => $"- {OutcomeName(i.Outcome)}: {IdeaLine(i)}{ValueSuffix(i.Value)}")));
    }

    /// <summary>Two short numbers side by side: inline fields.</summary>
    private static void AddSources(List<JsonObject> embeds, DigestSourceCounts counts)
    {
        if (counts.InFlow == 0 && counts.Reflection == 0) return;
        var reflection = IdeaCount(counts.Reflection);
        if (counts.IdeasPerReflectionHour is { } perHour)
            reflection += $" from {OneDecimal(counts.KnownReflectionHours)} h of reflection ({OneDecimal(perHour)} per hour)";
        var embed = DiscordEmbeds.Embed("In-flow vs reflection", null);
        embed["fields"] = new JsonArray(
            DiscordEmbeds.Field("In-flow", IdeaCount(counts.InFlow), inline: true),
            DiscordEmbeds.Field("Reflection", reflection, inline: true));
        embeds.Add(embed);
    }

    /// <summary>The monthly experiment: the core's own words (numbers only), its Markdown heading as the embed title.</summary>
    private static void AddExperiment(List<JsonObject> embeds, TeamExperiment? experiment)
    {
        if (experiment is null) return;
        var heading = ExperimentText.TeamHeading.TrimStart('#', ' ');
        var lines = ExperimentText.ForTeamMarkdown(experiment)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line != ExperimentText.TeamHeading);
        embeds.AddRange(DiscordEmbeds.Section(heading, lines));
    }

    /// <summary>"#42 text — Ada", or "— anonymous": only the model's null decides, no name is ever looked up here.</summary>
    private static string IdeaLine(DigestIdea idea) =>
        $"#{DiscordText.Number(idea.Id)} {DiscordText.Inline(idea.Text)} — {(idea.Author is null ? "anonymous" : DiscordText.Inline(idea.Author))}";

    /// <summary>At most one decimal and none when whole, as in the Markdown digest: "18", "18.5".</summary>
    private static string OneDecimal(double value) => value.ToString("0.#", Invariant);
}
