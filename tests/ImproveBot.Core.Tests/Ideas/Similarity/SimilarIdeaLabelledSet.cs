namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>One hand-labelled pair of idea texts.</summary>
/// <param name="A">The idea already in the team's list.</param>
/// <param name="B">The idea being logged.</param>
/// <param name="SameIdea">Whether a person would want the bot to offer "+1 the existing idea instead".</param>
/// <param name="Theme">The tag the pair is about, so the set's spread across themes stays visible.</param>
internal sealed record LabelledPair(string A, string B, bool SameIdea, string Theme);

/// <summary>
/// Hand-labelled pairs of research-improvement ideas used to tune and check
/// <c>SimilarIdeaFinder.Threshold</c>.
/// </summary>
/// <remarks>
/// Labels say what a person would decide, not what a string measure can see, and were written before any
/// tuning (except the four "don't ..." pairs, added after the first sweep to cover negation; their labels are
/// not in doubt): some "same" pairs are paraphrases no character or token measure will catch
/// ("before noon" / "before 12pm"), and some "different" pairs share almost every word
/// ("write the introduction last" / "... first"). Those are kept on purpose, because the set exists
/// to measure honestly how often the bot would be wrong; do not relabel a pair to make a score pass.
/// Roughly half the pairs are the same idea, half different, across the eight team themes.
/// </remarks>
internal static class SimilarIdeaLabelledSet
{
    /// <summary>All labelled pairs.</summary>
    public static IReadOnlyList<LabelledPair> Pairs { get; } =
    [
        // ---------------------------------------------------------------- same idea
        // #reading
        Same("reading", "Read the abstract and conclusion before deciding to read a paper",
            "before reading a paper, read its abstract and conclusion first"),
        Same("reading", "read papers with a question first #reading", "Read papers with a question in mind first"),
        Same("reading", "Keep a reading log of every paper I finish #reading", "keep a reading log of all papers I finish"),
        Same("reading", "Skim the figures before reading the full paper", "skim figures first, then read the full paper #reading"),
        Same("reading", "Summarise each paper in three sentences after reading it",
            "After reading a paper, summarize it in 3 sentences"),
        Same("reading", "Set up a weekly paper reading group with the lab", "start a weekly reading group for papers with the lab #reading"),
        Same("reading", "Read mroe papers outside my field", "read more papers outside of my field"),

        // #writing
        Same("writing", "Write for 30 minutes every morning before checking email",
            "write 30 minutes each morning before checking email #writing"),
        Same("writing", "Block mornings for writing", "block the mornings for writing!"),
        Same("writing", "Outline the paper before writing the first draft",
            "write an outline before starting the first draft of the paper"),
        Same("writing", "Write the introduction last", "write the intro last #writing"),
        Same("writing", "Share rough drafts early instead of polishing them alone",
            "share rough drafts early rather than polishing alone"),
        Same("writing", "write more", "Write more!"),

        // #collaboration
        Same("collaboration", "Hold a short weekly sync with co-authors", "short weekly sync meeting with coauthors #collaboration"),
        Same("collaboration", "Pair program with a labmate once a week", "pair-programming with a lab mate every week"),
        Same("collaboration", "Keep shared meeting notes in one document for the whole project",
            "keep all project meeting notes in one shared document"),
        Same("collaboration", "Agree on author order at the start of a project",
            "agree on the authorship order at the start of each project #collaboration"),

        // #prioritization
        Same("prioritization", "Pick the three most important tasks each morning",
            "each morning pick the 3 most important tasks #prioritization"),
        Same("prioritization", "Say no to new reviewing requests during deadline weeks", "say no to review requests in deadline weeks"),
        Same("prioritization", "Use an Eisenhower matrix to prioritise tasks", "use the eisenhower matrix for prioritizing tasks"),
        Same("prioritization", "Drop experiments that won't make it into the paper",
            "drop the experiments that will not make it into the paper #prioritization"),
        Same("prioritization", "Prioritise the experiments that answer the main reserch question",
            "prioritize experiments answering the main research question"),

        // #decomposition
        Same("decomposition", "Break big experiments into steps that take under a day",
            "break large experiments into steps of less than a day"),
        Same("decomposition", "Split the thesis into chapter-sized milestones", "split my thesis into milestones the size of a chapter"),
        Same("decomposition", "Write down the next concrete action for every project",
            "for each project, write down the next concrete action #decomposition"),
        Same("decomposition", "Start with a tiny version of the experiment on a toy dataset",
            "start with a tiny version of the experiment on toy data"),
        Same("decomposition", "Schedule a weekly review of all open projects", "schedule weekly reviews of all open projects"),

        // #tools
        Same("tools", "Use Zotero to manage references", "use zotero for managing references #tools"),
        Same("tools", "Automate plots with a script instead of making them by hand",
            "automate the plots with a script rather than make them by hand"),
        Same("tools", "Track experiments with Weights & Biases", "track experiments in weights and biases #tools"),
        Same("tools", "Version control the paper's LaTeX source with git", "keep the latex source of the paper in git"),
        Same("tools", "Use Pomodoro", "use pomodoros #focus"),

        // #feedback
        Same("feedback", "Ask my advisor for feedback on drafts every two weeks", "ask advisor for feedback on my drafts every 2 weeks"),
        Same("feedback", "Get feedback from a labmate before submitting", "get feedback from lab mates before each submission #feedback"),
        Same("feedback", "Do a practice talk with the group before conferences",
            "give a practice talk to the group before each conference"),

        // #focus
        Same("focus", "Turn off Slack notifications while writing", "turn off slack notifications when writing #focus"),
        Same("focus", "Work in 50-minute focus blocks with short breaks", "work in 50 minute focus blocks with short breaks between them"),
        Same("focus", "Put the phone in another room during deep work", "put my phone in another room during deep work #focus"),
        Same("focus", "No meetings before noon", "no meetings before 12pm #focus"),
        Same("focus", "Check email only twice a day", "only check e-mail twice a day"),
        Same("focus", "Don't check email before noon", "do not check e-mail before noon #focus"),
        Same("writing", "Don't polish the first draft", "dont polish first drafts"),

        // ---------------------------------------------------------------- different ideas
        // Hard negatives: most words shared, but one word changes what the person would do.
        Different("writing", "Block mornings for writing", "Block mornings for reading"),
        Different("reading", "read more", "write more"),
        Different("writing", "write more", "write less"),
        Different("feedback", "Ask my advisor for feedback on drafts", "give feedback on my advisor's drafts"),
        Different("feedback", "Get feedback from a labmate before submitting", "give feedback to a labmate before they submit"),
        Different("reading", "Read papers with a question first", "Write papers with a question first"),
        Different("writing", "Write for 30 minutes every morning", "Read for 30 minutes every morning"),
        Different("writing", "Write the introduction last", "write the introduction first"),
        Different("focus", "Check email only twice a day", "check Slack only twice a day"),
        Different("collaboration", "Hold a short weekly sync with co-authors", "hold a short weekly sync with my advisor"),
        Different("reading", "Skim the figures before reading the full paper", "make the figures before writing the full paper"),
        Different("reading", "Keep a reading log of every paper I finish", "keep an experiment log of every run I finish"),
        Different("reading", "Summarise each paper in three sentences after reading it",
            "summarise each meeting in three bullet points after it ends"),
        Different("collaboration", "Agree on author order at the start of a project",
            "agree on the paper deadline at the start of a project"),
        Different("reading", "Read papers outside my field", "review papers outside my field"),
        Different("collaboration", "Pair program with a labmate once a week", "have lunch with a labmate once a week"),
        Different("writing", "Share rough drafts early instead of polishing them alone",
            "share code early instead of polishing it alone"),
        Different("focus", "No meetings before noon", "no email before noon"),
        Different("reading", "Set up a weekly paper reading group with the lab", "set up a weekly coding session with the lab"),
        Different("reading", "Read the abstract and conclusion before deciding to read a paper",
            "Write the abstract and conclusion before writing the rest of the paper"),
        Different("prioritization", "Pick the three most important tasks each morning",
            "review the three most important tasks each evening"),
        Different("decomposition", "Start with a tiny version of the experiment on a toy dataset",
            "start the experiment on the full dataset right away"),
        Different("tools", "Automate plots with a script instead of making them by hand",
            "automate data cleaning with a script instead of doing it by hand"),
        Different("reading", "weekly reading group", "weekly writing group"),
        Different("tools", "Use Pomodoro", "use Notion"),
        Different("focus", "Check email before noon", "Don't check email before noon"),
        Different("writing", "Polish the first draft before sharing it", "don't polish the first draft before sharing it"),

        // Ordinary negatives: same theme or a few shared words, clearly another idea.
        Different("tools", "Use Zotero to manage references", "Use Notion to manage tasks"),
        Different("focus", "Turn off Slack notifications while writing", "Turn on Slack notifications for paper reviews"),
        Different("decomposition", "Split the thesis into chapter-sized milestones", "split the codebase into smaller modules"),
        Different("tools", "Track experiments with Weights & Biases", "track reading time with a timer"),
        Different("prioritization", "Say no to new reviewing requests during deadline weeks",
            "say yes to reviewing requests to learn the field"),
        Different("writing", "Outline the paper before writing the first draft", "Outline the talk before making slides"),
        Different("feedback", "Do a practice talk with the group before conferences", "give a talk at another lab's group meeting"),
        Different("focus", "Put the phone in another room during deep work", "put deep work blocks in the shared calendar"),
        Different("decomposition", "Break big experiments into steps that take under a day", "run big experiments overnight"),
        Different("prioritization", "Use an Eisenhower matrix to prioritise tasks", "use a kanban board to track tasks"),
        Different("focus", "Work in 50-minute focus blocks with short breaks", "take a long walk after lunch"),
        Different("decomposition", "Ask for help after 30 minutes of being stuck", "take a break after 30 minutes of being stuck"),
        Different("collaboration", "Keep shared meeting notes in one document for the whole project",
            "rotate who runs the weekly group meeting"),
    ];

    private static LabelledPair Same(string theme, string a, string b) => new(a, b, SameIdea: true, theme);

    private static LabelledPair Different(string theme, string a, string b) => new(a, b, SameIdea: false, theme);
}
