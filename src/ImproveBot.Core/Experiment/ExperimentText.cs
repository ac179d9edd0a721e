using System.Globalization;
using System.Text;

namespace ImproveBot.Core.Experiment;

/// <summary>
/// Words for the experiment's numbers: the member's <c>/improve stats</c> reply and the team section of the monthly
/// digest. Numbers use the invariant culture; lines end in <c>\n</c> whatever the platform. Only numbers are rendered,
/// never user text or names.
/// </summary>
internal static class ExperimentText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string TeamHeading = "## The experiment: reflection vs in-flow";

    /// <summary>The reply to <c>/improve stats</c>: plain text, a few lines, no trailing newline.</summary>
    public static string ForMember(MemberStats s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lines = new List<string> { "Your improvement stats" };
        if (s.Last4.IsEmpty && s.Last12.IsEmpty)
        {
            lines.Add("No ideas yet, and that is fine. Log one any time with /idea, "
                + "or take 20 minutes when the next reflection prompt comes.");
        }
        else
        {
            AddWindow(lines, s.Last4);
            AddWindow(lines, s.Last12);
        }
        lines.Add(StreakLine(s.Streak));
        return string.Join("\n", lines);
    }

    /// <summary>The digest section: the heading, then 3 lines (more ideas, better ideas, what it rests on), each ending in \n.</summary>
    public static string ForTeamMarkdown(TeamExperiment t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var md = new StringBuilder();
        md.Append(TeamHeading).Append('\n');
        md.Append(QuantityLine(t)).Append('\n');
        md.Append(QualityLine(t)).Append('\n');
        md.Append(RestsOnLine(t)).Append('\n');
        return md.ToString();
    }

    // ---- member ----

    private static void AddWindow(List<string> lines, WindowStats w)
    {
        var label = $"Last {Number(w.Weeks)} weeks";
        var time = TimeDetails(w);
        if (w.Ideas == 0)
        {
            lines.Add(w.Reflections == 0
                ? $"{label}: no ideas yet."
                : $"{label}: no ideas yet, but {Count(w.Reflections, "reflection")}{Parenthesised(time)}.");
            return;
        }

        var fromReflection = w.Reflections == 0
            ? $"{Number(w.Reflection.Ideas)} from reflection"
            : $"{Number(w.Reflection.Ideas)} from {Count(w.Reflections, "reflection")}";
        lines.Add($"{label}: {Count(w.InFlow.Ideas, "in-flow idea")}, {fromReflection}{Parenthesised(time)}.");
        lines.Add(
            $"Tried: in-flow {Percent(w.InFlow.TriedShare)}, reflection {Percent(w.Reflection.TriedShare)}"
            + $" · adopted: in-flow {Percent(w.InFlow.AdoptedShare)}, reflection {Percent(w.Reflection.AdoptedShare)}"
            + $" · value: in-flow {Rating(w.InFlow)}, reflection {Rating(w.Reflection)}");
    }

    /// <summary>"1.2 h, 3.3 ideas per hour; 1 reflection without a time", or the parts of it that apply.</summary>
    private static string TimeDetails(WindowStats w)
    {
        var known = new List<string>();
        if (w.TimedReflections > 0) known.Add($"{OneDecimal(w.KnownHours)} h");
        if (w.IdeasPerHour is { } perHour && w.Ideas > 0) known.Add($"{OneDecimal(perHour)} ideas per hour");
        var parts = new List<string>();
        if (known.Count > 0) parts.Add(string.Join(", ", known));
        if (w.UntimedReflections > 0) parts.Add($"{Count(w.UntimedReflections, "reflection")} without a time");
        return string.Join("; ", parts);
    }

    private static string StreakLine(int streak) => streak switch
    {
        <= 0 => "Reflection streak: none right now; your next reflection starts one.",
        1 => "Reflection streak: 1 week.",
        _ => $"Reflection streak: {Number(streak)} weeks.",
    };

    private static string Rating(SourceFigures f) =>
        f.AverageValue is { } average ? $"{OneDecimal(average)} ({Number(f.Rated)} rated)" : "–";

    // ---- team ----

    private static string QuantityLine(TeamExperiment t)
    {
        var period = t.Weeks == 1 ? "Over the last week" : $"Over the last {Number(t.Weeks)} weeks";
        var reflection = t.Reflection.Ideas;
        var inFlow = t.InFlow.Ideas;
        var details = Parenthesised(TeamTimeDetails(t));
        return t.MoreIdeas switch
        {
            Verdict.Reflection =>
                $"{period}, deliberate reflection produced more ideas than in-flow capture: "
                + $"{Number(reflection)} vs {Number(inFlow)}{details}.",
            Verdict.InFlow =>
                $"{period}, in-flow capture produced more ideas than deliberate reflection: "
                + $"{Number(inFlow)} vs {Number(reflection)}{details}.",
            Verdict.Tie =>
                $"{period}, deliberate reflection and in-flow capture produced the same number of ideas: "
                + $"{Number(reflection)} each{details}.",
            _ =>
                $"{period}, too few ideas yet to say whether reflection or in-flow capture produces more: "
                + $"{Number(reflection)} from reflection, {Number(inFlow)} in-flow "
                + $"(needs {Number(ExperimentStats.MinIdeasTotal)} in total and {Number(ExperimentStats.MinIdeasPerSource)} from each).",
        };
    }

    /// <summary>"8 reflections, 2.6 ideas per hour of reflection", or the parts of it that apply.</summary>
    private static string TeamTimeDetails(TeamExperiment t)
    {
        if (t.Reflections == 0) return "";
        var parts = new List<string> { Count(t.Reflections, "reflection") };
        if (t.IdeasPerHour is { } perHour) parts.Add($"{OneDecimal(perHour)} ideas per hour of reflection");
        return string.Join(", ", parts);
    }

    private static string QualityLine(TeamExperiment t)
    {
        var r = t.Reflection;
        var i = t.InFlow;
        if (t.BetterIdeas != Verdict.TooFewToTell && t.BetterBasis == ExperimentStats.BasisRating)
        {
            var rv = OneDecimal(r.AverageValue ?? 0);
            var iv = OneDecimal(i.AverageValue ?? 0);
            return t.BetterIdeas switch
            {
                Verdict.Reflection =>
                    $"Reflection ideas were rated higher than in-flow ideas: {rv} vs {iv} on average "
                    + $"({Number(r.Rated)} and {Number(i.Rated)} rated ideas).",
                Verdict.InFlow =>
                    $"In-flow ideas were rated higher than reflection ideas: {iv} vs {rv} on average "
                    + $"({Number(i.Rated)} and {Number(r.Rated)} rated ideas).",
                _ =>
                    $"Reflection and in-flow ideas were rated about the same: {rv} vs {iv} on average "
                    + $"({Number(r.Rated)} and {Number(i.Rated)} rated ideas).",
            };
        }

        if (t.BetterIdeas != Verdict.TooFewToTell && t.BetterBasis == ExperimentStats.BasisAdoption)
        {
            var rs = Percent(r.AdoptedOfResolvedShare);
            var @is = Percent(i.AdoptedOfResolvedShare);
            return t.BetterIdeas switch
            {
                Verdict.Reflection =>
                    $"Not enough ratings yet, but reflection ideas were adopted more often than in-flow ideas: "
                    + $"{rs} vs {@is} of finished ideas ({Number(r.Resolved)} and {Number(i.Resolved)} adopted or dropped).",
                Verdict.InFlow =>
                    $"Not enough ratings yet, but in-flow ideas were adopted more often than reflection ideas: "
                    + $"{@is} vs {rs} of finished ideas ({Number(i.Resolved)} and {Number(r.Resolved)} adopted or dropped).",
                _ =>
                    $"Not enough ratings yet, and reflection and in-flow ideas were adopted about as often: "
                    + $"{rs} vs {@is} of finished ideas ({Number(r.Resolved)} and {Number(i.Resolved)} adopted or dropped).",
            };
        }

        return "Too few rated or finished ideas yet to say which are better "
            + $"(needs {Number(ExperimentStats.MinRatedPerSource)} rated or "
            + $"{Number(ExperimentStats.MinResolvedPerSource)} adopted or dropped per source).";
    }

    private static string RestsOnLine(TeamExperiment t) => t.RestsOnIdeas == 0
        ? "This rests on no ideas yet; private ideas are not counted."
        : $"This rests on {Count(t.RestsOnIdeas, "idea")}, {Number(t.RestsOnRated)} of them rated; private ideas are not counted.";

    // ---- formatting ----

    private static string Parenthesised(string text) => text.Length == 0 ? "" : $" ({text})";

    private static string Count(int n, string noun) => Wording.Count(n, noun);

    private static string Number(int n) => n.ToString(Invariant);

    private static string OneDecimal(double value) => value.ToString("0.0", Invariant);

    private static string Percent(double? share) => share is { } s
        ? Math.Round(s * 100, MidpointRounding.AwayFromZero).ToString("0", Invariant) + "%"
        : "–";
}
