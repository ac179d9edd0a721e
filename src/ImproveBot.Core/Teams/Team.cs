using ImproveBot.Core.Ideas;
using NodaTime;

namespace ImproveBot.Core.Teams;

/// <summary>A workspace (Slack) or server (Discord): its schedule, questions and digest channel.</summary>
public sealed class Team
{
    /// <summary>The questions a new team starts with (editable with <c>/improve config questions</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultQuestions =
    [
        "What is one thing you could do to get better at your research?",
        "What have you done recently to improve your research process?",
        "What slowed you down this week, and what would have prevented it?",
    ];

    /// <summary>The themes suggested to new teams, as tags.</summary>
    public static readonly IReadOnlyList<string> DefaultTags =
        ["collaboration", "prioritization", "decomposition", "reading", "writing", "tools", "feedback", "focus"];

    private Team()
    {
        Platform = TenantId = Name = TimeZone = "";
    }

    internal Team(string platform, string tenantId, string name, TeamDefaults defaults)
    {
        Platform = platform;
        TenantId = tenantId;
        Name = name;
        PromptDay = defaults.PromptDay;
        PromptTime = defaults.PromptTime;
        TimeZone = defaults.TimeZone;
        ReminderDelay = defaults.ReminderDelay;
        ReflectionWindow = defaults.ReflectionWindow;
        DefaultVisibility = defaults.DefaultVisibility;
        FollowUpDelay = defaults.FollowUpDelay;
        Questions = [.. DefaultQuestions];
        DigestChannel = defaults.DigestChannel;
    }

    public long Id { get; private set; }
    public string Platform { get; private set; }
    public string TenantId { get; private set; }
    public string Name { get; internal set; }

    /// <summary>Channel id where the weekly digest is posted; no digest is posted while null.</summary>
    public string? DigestChannel { get; internal set; }

    /// <summary>Day of the weekly prompt, in each member's own time zone.</summary>
    public IsoDayOfWeek PromptDay { get; internal set; }

    /// <summary>Local time of the weekly prompt, in each member's own time zone.</summary>
    public LocalTime PromptTime { get; internal set; }

    /// <summary>The team's own zone: the digest is timed in it, and new members start in it.</summary>
    public string TimeZone { get; internal set; }

    public List<string> Questions { get; internal set; } = [];

    /// <summary>How long after the prompt an unanswered member gets one reminder; zero turns reminders off.</summary>
    public Duration ReminderDelay { get; internal set; }

    /// <summary>How long after the prompt the round closes and its digest is posted.</summary>
    public Duration ReflectionWindow { get; internal set; }

    public IdeaVisibility DefaultVisibility { get; internal set; }

    /// <summary>How long after an idea is logged its author is asked whether they tried it; zero turns follow-ups off.</summary>
    public Duration FollowUpDelay { get; internal set; }
}

/// <summary>Settings a newly seen team starts with (from configuration).</summary>
public sealed record TeamDefaults(
    IsoDayOfWeek PromptDay,
    LocalTime PromptTime,
    string TimeZone,
    Duration ReminderDelay,
    Duration ReflectionWindow,
    IdeaVisibility DefaultVisibility,
    string? DigestChannel,
    Duration FollowUpDelay = default);
