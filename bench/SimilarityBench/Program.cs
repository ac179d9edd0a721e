// Time per /idea spent in the near-duplicate search: IdeaWordIndex.FindMostSimilar (the search) and Add (the new idea
// joins the team's window), on the texts bench/slack-load.sh sends, with a window of TeamIdeaIndex.Capacity ideas.
// Usage: dotnet run -c Release --project bench/SimilarityBench [rounds]
using System.Diagnostics;
using System.Globalization;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Ideas.Similarity;

string[] verbs = ["block", "batch", "schedule", "draft", "sketch", "outline", "timebox", "rehearse", "automate", "prototype",
    "annotate", "benchmark", "document", "question", "revisit", "simplify", "visualize", "split", "archive",
    "pair on", "triage", "share", "tidy", "label"];
string[] objects = ["email replies", "paper intros", "code reviews", "lab notes", "reading lists", "experiment logs",
    "grant drafts", "figure scripts", "meeting agendas", "related work", "data pipelines", "slide decks",
    "weekly goals", "open questions", "referee comments", "literature notes", "analysis notebooks",
    "poster layouts", "student feedback", "dataset audits"];
string[] contexts = ["before lunch", "after standup", "on monday mornings", "on friday afternoons", "during the commute",
    "with a coauthor", "in a quiet room", "with a kitchen timer", "after each experiment",
    "before group meeting", "at the end of the day", "with the whole lab", "over coffee",
    "in short sprints", "before submitting", "with a checklist", "on a whiteboard", "in a shared doc",
    "after reading group", "on thursday evenings"];
string[] reasons = ["to save context switches", "so nothing gets lost", "to catch errors early", "to make progress visible",
    "to reduce rework", "to unblock students", "to keep momentum", "to get faster feedback",
    "to think more clearly", "to avoid late surprises", "to cut waiting time", "to spot gaps sooner",
    "to free up mornings", "to learn from mistakes", "to keep the scope small", "to make handovers easy",
    "to lower the stress", "to build a habit", "to help newcomers", "to finish what we start",
    "to keep notes findable", "to stop repeating work", "to see the big picture", "to write less twice"];
string[] tags = ["collaboration", "prioritization", "decomposition", "reading", "writing", "tools", "feedback", "focus"];

var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
const int Window = TeamIdeaIndex.Capacity, PerRound = 1500, Users = 50;
var random = new Random(20261127);
var space = verbs.Length * objects.Length * contexts.Length;
// The same shape as slack-load.sh's ideas: distinct (verb, object, context), a reason from the three, a tag, a number.
var texts = Enumerable.Range(0, space).OrderBy(_ => random.Next()).Take(Window * 2 + PerRound * 3).Select((code, n) =>
{
    var (v, rest) = Math.DivRem(code, objects.Length * contexts.Length);
    var (o, c) = Math.DivRem(rest, contexts.Length);
    return $"{verbs[v]} {objects[o]} {contexts[c]} {reasons[(v + o + c) % reasons.Length]} #{tags[random.Next(tags.Length)]} ({n % 10000})";
}).ToArray();

var index = new IdeaWordIndex(Window);
long id = 1;
for (; id <= Window; id++) index.Add(id, id % Users, IdeaVisibility.Team, "someone", texts[id - 1]);
var matches = 0;
long searchTicks = 0, addTicks = 0;
void Run(int from, int count)
{
    for (var i = from; i < from + count; i++, id++)
    {
        var t0 = Stopwatch.GetTimestamp();
        // As TeamIdeaIndex.FindThenAddAsync does: the text is normalised once, for the search and the add.
        var prepared = PreparedCandidate.Of(0, texts[i]);
        if (index.FindMostSimilar(prepared, id % Users, excludeId: -1) is not null) matches++;
        var t1 = Stopwatch.GetTimestamp();
        index.Add(id, id % Users, IdeaVisibility.Team, "someone", prepared);
        searchTicks += t1 - t0;
        addTicks += Stopwatch.GetTimestamp() - t1;
    }
}

Run(Window, Window); // warm-up: the JIT's optimised code, and a full window of the bench's own ideas
for (var round = 1; round <= rounds; round++)
{
    searchTicks = addTicks = 0;
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    Run(Window * 2 + (round - 1) % 3 * PerRound, PerRound);
    var search = Stopwatch.GetElapsedTime(0, searchTicks).TotalMicroseconds / PerRound;
    var add = Stopwatch.GetElapsedTime(0, addTicks).TotalMicroseconds / PerRound;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: {search + add:F1} us per /idea (search {search:F1}, add {add:F1}), {(GC.GetAllocatedBytesForCurrentThread() - allocated) / PerRound} B allocated, near-duplicates found so far {matches}"));
}
