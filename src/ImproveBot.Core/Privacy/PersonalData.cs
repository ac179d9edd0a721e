using NodaTime;

namespace ImproveBot.Core.Privacy;

/// <summary>
/// Everything the bot stores about one member, for <c>/improve export</c>. Only the member's own data: the ids of
/// ideas they voted for, never those ideas' text or authors; their own ideas with vote counts, never who voted.
/// </summary>
public sealed record PersonalData(
    PersonalProfile Member,
    IReadOnlyList<PersonalIdea> Ideas,
    IReadOnlyList<PersonalVote> Votes,
    IReadOnlyList<PersonalReflection> Reflections,
    IReadOnlyList<PersonalPrompt> Prompts);

/// <summary>The member record and the schedule it implies (the team's prompt day and time, in the member's zone).</summary>
public sealed record PersonalProfile(
    string Platform,
    string WorkspaceOrServer,
    string UserId,
    string DisplayName,
    string TimeZone,
    bool TimeZoneSetByYou,
    bool OptedIn,
    DateTimeOffset? PausedUntil,
    bool IsAdmin,
    DateTimeOffset CreatedAt,
    string TeamName,
    IsoDayOfWeek PromptDay,
    LocalTime PromptTime);

/// <summary>One of the member's ideas, private ones included, with its follow-up answers.</summary>
public sealed record PersonalIdea(
    long Id,
    string Text,
    IReadOnlyList<string> Tags,
    string Source,
    string Visibility,
    string Status,
    int Votes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StatusChangedAt,
    string? FollowUpOutcome,
    int? ValueRating,
    DateTimeOffset? OutcomeAt,
    int FollowUpsSent,
    DateTimeOffset? NextFollowUpAt);

/// <summary>A +1 the member gave: the idea's number only.</summary>
public sealed record PersonalVote(long IdeaId, DateTimeOffset VotedAt);

/// <summary>The member's answers for one round.</summary>
public sealed record PersonalReflection(LocalDate RoundDate, IReadOnlyList<string> Answers, DateTimeOffset? StartedAt, DateTimeOffset SubmittedAt);

/// <summary>A weekly prompt to the member and what became of it.</summary>
public sealed record PersonalPrompt(LocalDate RoundDate, string Status, DateTimeOffset DueAt, DateTimeOffset? SentAt,
    DateTimeOffset? RemindedAt, DateTimeOffset? StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset? SkippedAt);
