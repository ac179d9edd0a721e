namespace ImproveBot.Core.Ideas;

/// <summary>Where an idea came from: the experiment compares the two.</summary>
public enum IdeaSource
{
    /// <summary>Logged with <c>/idea</c> during the week.</summary>
    InFlow = 0,

    /// <summary>Written during a deliberate reflection session.</summary>
    Reflection = 1,
}

/// <summary>Who may see an idea's text and author.</summary>
public enum IdeaVisibility
{
    /// <summary>Only the author; never in digests, lists of others or the admin API.</summary>
    Private = 0,

    /// <summary>Everyone in the team, with the author's name.</summary>
    Team = 1,

    /// <summary>Everyone in the team, without the author's name.</summary>
    Anonymous = 2,
}

/// <summary>Life cycle of an idea: new, being tried, then adopted or dropped.</summary>
public enum IdeaStatus
{
    New = 0,
    Trying = 1,
    Adopted = 2,
    Dropped = 3,
}

/// <summary>What the author said when asked whether they tried the idea.</summary>
public enum IdeaOutcome
{
    /// <summary>Tried it, and it helped (the idea is adopted).</summary>
    Helped = 1,

    /// <summary>Tried it, and it did not help (the idea is dropped).</summary>
    DidNotHelp = 2,

    /// <summary>Dropped without trying.</summary>
    DroppedUntried = 3,
}

/// <summary>The answers a follow-up offers.</summary>
public enum FollowUpAnswer
{
    Helped = 1,
    DidNotHelp = 2,
    NotYet = 3,
    Drop = 4,
}
