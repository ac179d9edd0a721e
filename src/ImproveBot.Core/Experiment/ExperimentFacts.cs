using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Experiment;

/// <summary>
/// What the experiment needs to know about one idea. <paramref name="Tried"/>: the author tried it (status Trying or
/// Adopted, or the outcome said it was tried and did not help); <paramref name="Helped"/>: the outcome said "it helped";
/// <paramref name="Value"/>: the author's 1–5 rating, or null (a value outside 1–5 is treated as no rating).
/// </summary>
internal sealed record IdeaFact(
    long Id,
    long AuthorId,
    IdeaSource Source,
    IdeaVisibility Visibility,
    IdeaStatus Status,
    DateTimeOffset CreatedAt,
    bool Tried,
    bool Helped,
    int? Value);

/// <summary>
/// One submitted reflection. <paramref name="Duration"/> is null when unknown (e.g. a plain DM reply); a negative
/// duration is treated as unknown too.
/// </summary>
internal sealed record ReflectionFact(long MemberId, DateOnly RoundDate, TimeSpan? Duration, DateTimeOffset SubmittedAt);

/// <summary>One of the team's reflection rounds, identified by its prompt date (rounds may come in any order).</summary>
internal sealed record RoundFact(DateOnly PromptDate, bool IsOpen);
