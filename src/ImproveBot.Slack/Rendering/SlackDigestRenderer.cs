using System.Globalization;
using static ImproveBot.Core.Digest.DigestWording;
using System.Text.Json.Nodes;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Experiment;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Slack.Rendering;

/// <summary>
/// The Block Kit sibling of <see cref="MarkdownDigestRenderer"/>: same sections, same words, same order, so the
/// playground shows what the channel will get. Long digests are split into ≤ 3,000-char sections and ≤ 50-block
/// messages; the first message has the header, later ones say "(continued)", the +1 buttons come last.
/// </summary>
internal static class SlackDigestRenderer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Longest team name (raw chars) the title shows; Slack workspace and channel names are far shorter.</summary>
    private const int MaxNameLength = 100;

    public static IReadOnlyList<SlackMessage> Render(TeamDigest digest, IReadOnlyList<ChatAction> voteActions)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(voteActions);
        // The title repeats on every page (header, "(continued)" line, fallback): a team name is never worth more than a line.
        var title = $"Improvement digest: {SlackText.Inline(SlackText.Shorten(digest.TeamName, MaxNameLength))} · week of {SlackText.Date(digest.RoundDate)}";
        var body = new List<JsonObject>();
        var closing = new List<JsonObject>();
        string summary;

        if (digest.IsEmpty)
        {
            summary = "A quiet week: no reflections or new ideas this time, and that is fine.";
            body.AddRange(BlockKit.Sections([summary + " Spotted something worth improving? Log it any time with `/idea`."]));
            AddExperiment(body, digest.Experiment);
        }
        else
        {
            summary = ParticipationLine(digest.Participation);
            body.Add(BlockKit.Context(summary));
            AddNewIdeas(body, digest.NewIdeaGroups);
            AddMostVoted(body, digest.MostVoted);
            AddStatusChanges(body, digest.StatusChanges);
            AddOutcomes(body, digest.Outcomes);
            AddSources(body, digest.SourceCounts);
            AddExperiment(body, digest.Experiment);
            if (digest.NewIdeaGroups.Count > 0 || digest.MostVoted.Count > 0 || digest.StatusChanges.Count > 0)
            {
                // The bot's own words need escaping too: a raw "<id>" would be read as a link.
                closing.Add(BlockKit.Context(SlackText.Escape(voteActions.Count > 0
                    ? "Back an idea you like with a +1 button below or `/improve vote <id>`."
                    : "Back an idea you like with `/improve vote <id>`.")));
            }
        }
        closing.AddRange(BlockKit.Actions(voteActions));

        return SlackPager.Paginate(
            body,
            closing,
            page => page == 0 ? BlockKit.Header(title) : BlockKit.Context($"{title} (continued)"),
            page => page == 0 ? $"{title}: {summary}" : $"{title} (continued)");
    }

    /// <summary>Counts only, e.g. "7 of 9 reflected this week · 1 skipped · median 18 min": nobody is named.</summary>
    private static string ParticipationLine(DigestParticipation p)
    {
        var parts = new List<string>
        {
            p.Prompted > 0
                ? $"{SlackText.Number(p.Reflected)} of {SlackText.Number(p.Prompted)} reflected this week"
                : $"{SlackText.Number(p.Reflected)} reflected this week",
        };
        if (p.Skipped > 0) parts.Add($"{SlackText.Number(p.Skipped)} skipped");
        if (p.MedianReflectionMinutes is { } median)
        {
            var untimed = p.UnknownDurations > 0 ? $" ({SlackText.Number(p.UnknownDurations)} without a time)" : "";
            parts.Add($"median {OneDecimal(median)} min{untimed}");
        }
        return string.Join(" · ", parts);
    }

    private static void AddNewIdeas(List<JsonObject> body, IReadOnlyList<DigestIdeaGroup> groups)
    {
        if (groups.Count == 0) return;
        StartSection(body);
        body.AddRange(BlockKit.Sections(["*New ideas*"]));
        foreach (var group in groups)
        {
            // One run of sections per tag, so a tag's heading sits right above its ideas.
            var lines = new List<string> { $"*#{SlackText.Inline(group.Tag)}*" };
            foreach (var idea in group.Ideas)
            {
                var details = new List<string> { SourceName(idea.Source) };
                if (idea.Votes > 0) details.Add(VoteCount(idea.Votes));
                lines.Add($"• {IdeaLine(idea)} ({string.Join(", ", details)})");
            }
            body.AddRange(BlockKit.Sections(lines));
        }
    }

    private static void AddMostVoted(List<JsonObject> body, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        var lines = new List<string> { "*Most voted*" };
        for (var i = 0; i < ideas.Count; i++)
        {
            var idea = ideas[i];
            var details = new List<string> { VoteCount(idea.Votes) };
            if (idea.Status == IdeaStatus.Trying) details.Add("trying");
            lines.Add($"{SlackText.Number(i + 1)}. {IdeaLine(idea)} ({string.Join(", ", details)})");
        }
        AddSection(body, lines);
    }

    private static void AddStatusChanges(List<JsonObject> body, IReadOnlyList<DigestIdea> ideas)
    {
        if (ideas.Count == 0) return;
        AddSection(body, ["*Status changes*", .. ideas.Select(i => $"• *{StatusName(i.Status)}:* {IdeaLine(i)}")]);
    }

    /// <summary>What authors said when asked whether they tried their ideas.</summary>
    private static void AddOutcomes(List<JsonObject> body, IReadOnlyList<DigestIdea>? outcomes)
    {
        if (outcomes is not { Count: > 0 }) return;
        var lines = new List<string> { "*Outcomes*" };
        foreach (var idea in outcomes)
        {
            lines.Add($"• {OutcomeName(idea.Outcome)}: {IdeaLine(idea)}{ValueSuffix(idea.Value)}");
        }
        AddSection(body, lines);
    }

    private static void AddSources(List<JsonObject> body, DigestSourceCounts counts)
    {
        if (counts.InFlow == 0 && counts.Reflection == 0) return;
        var reflection = $"• Reflection: {IdeaCount(counts.Reflection)}";
        if (counts.IdeasPerReflectionHour is { } perHour)
            reflection += $" from {OneDecimal(counts.KnownReflectionHours)} h of reflection ({OneDecimal(perHour)} per hour)";
        AddSection(body, ["*In-flow vs reflection*", $"• In-flow: {IdeaCount(counts.InFlow)}", reflection]);
    }

    /// <summary>The monthly experiment: the core's own words (numbers only), with its Markdown heading made mrkdwn bold.</summary>
    private static void AddExperiment(List<JsonObject> body, TeamExperiment? experiment)
    {
        if (experiment is null) return;
        var heading = ExperimentText.TeamHeading.TrimStart('#', ' ');
        var lines = ExperimentText.ForTeamMarkdown(experiment)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line == ExperimentText.TeamHeading ? $"*{SlackText.Inline(heading)}*" : SlackText.Inline(line));
        AddSection(body, lines);
    }

    private static void AddSection(List<JsonObject> body, IEnumerable<string> lines)
    {
        StartSection(body);
        body.AddRange(BlockKit.Sections(lines));
    }

    private static void StartSection(List<JsonObject> body)
    {
        if (body.Count > 0) body.Add(BlockKit.Divider());
    }

    /// <summary>"#42 text — Ada", or "— anonymous": only the model's null decides, no name is ever looked up here.</summary>
    private static string IdeaLine(DigestIdea idea) =>
        $"#{SlackText.Number(idea.Id)} {SlackText.Inline(idea.Text)} — {(idea.Author is null ? "anonymous" : SlackText.Inline(idea.Author))}";

    /// <summary>At most one decimal and none when whole, as in the Markdown digest: "18", "18.5".</summary>
    private static string OneDecimal(double value) => value.ToString("0.#", Invariant);
}
