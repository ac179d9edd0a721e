using System.ComponentModel.DataAnnotations;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Scheduling;
using ImproveBot.Core.Teams;
using NodaTime;

namespace ImproveBot.Host.Configuration;

/// <summary>What a newly seen team starts with. Bound from the <c>Teams</c> section; admins change it per team later.</summary>
internal sealed class TeamDefaultsOptions : IValidatableObject
{
    public const string Section = "Teams";

    /// <summary>Day of the weekly prompt, e.g. <c>Friday</c>.</summary>
    public DayOfWeek PromptDay { get; set; } = DayOfWeek.Friday;

    /// <summary>Local time of the weekly prompt in each member's zone, <c>HH:mm</c>.</summary>
    public TimeOnly PromptTime { get; set; } = new(15, 0);

    /// <summary>The team's zone (digest timing; members' zone until they or their platform profile set one).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Delay of the one reminder after an unanswered prompt; <c>00:00:00</c> turns reminders off.</summary>
    public TimeSpan ReminderDelay { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long members have to reflect before the round closes and the digest is posted.</summary>
    public TimeSpan ReflectionWindow { get; set; } = TimeSpan.FromDays(3);

    public IdeaVisibility DefaultVisibility { get; set; } = IdeaVisibility.Team;

    /// <summary>How long after an idea is logged its author is asked whether they tried it; <c>00:00:00</c> is off.</summary>
    public TimeSpan FollowUpDelay { get; set; } = TimeSpan.FromDays(14);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PromptCalendar.FindZone(TimeZone) is null)
            yield return new ValidationResult($"Teams:TimeZone '{TimeZone}' is not an IANA time zone (e.g. Europe/Berlin).", [nameof(TimeZone)]);
        if (ReminderDelay < TimeSpan.Zero || ReminderDelay > TimeSpan.FromDays(6))
            yield return new ValidationResult("Teams:ReminderDelay must be between 00:00:00 (off) and 6.00:00:00.", [nameof(ReminderDelay)]);
        // At least a day so that members in every zone (UTC-12 to UTC+14) are prompted before the round closes.
        if (ReflectionWindow < TimeSpan.FromDays(1) || ReflectionWindow > TimeSpan.FromDays(6))
            yield return new ValidationResult("Teams:ReflectionWindow must be between 1.00:00:00 and 6.00:00:00.", [nameof(ReflectionWindow)]);
        if (FollowUpDelay < TimeSpan.Zero || FollowUpDelay > TimeSpan.FromDays(365))
            yield return new ValidationResult("Teams:FollowUpDelay must be between 00:00:00 (off) and 365.00:00:00.", [nameof(FollowUpDelay)]);
        if (!Enum.IsDefined(DefaultVisibility))
            yield return new ValidationResult("Teams:DefaultVisibility must be Team, Anonymous or Private.", [nameof(DefaultVisibility)]);
    }

    public TeamDefaults ToTeamDefaults(string? digestChannel = null) => new(
        (IsoDayOfWeek)(PromptDay == DayOfWeek.Sunday ? 7 : (int)PromptDay),
        LocalTime.FromTimeOnly(PromptTime),
        TimeZone,
        Duration.FromTimeSpan(ReminderDelay),
        Duration.FromTimeSpan(ReflectionWindow),
        DefaultVisibility,
        digestChannel,
        Duration.FromTimeSpan(FollowUpDelay));
}

/// <summary>How the scheduled jobs run. Bound from the <c>Scheduling</c> section.</summary>
internal sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Whether jobs get their triggers. Off in tests that drive the jobs themselves.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the prompt, reminder and digest jobs look for work that fell due.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Scheduling:SweepInterval must be between 00:00:05 and 01:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the outbox dispatcher looks for messages to send.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Scheduling:DispatchInterval must be between 00:00:01 and 00:10:00.")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claimed outbox message stays reserved for the instance that claimed it. An instance that dies
    /// mid-send leaves its claims to the others after at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00", ErrorMessage = "Scheduling:OutboxLease must be between 00:00:05 and 00:30:00.")]
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// On PostgreSQL (clustered Quartz): how often each instance checks in. A dead instance's scheduled work is taken
    /// over roughly this long plus <see cref="ClusterCheckinMisfireThreshold"/> after its last check-in.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Scheduling:ClusterCheckinInterval must be between 00:00:01 and 00:10:00.")]
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Scheduling:ClusterCheckinMisfireThreshold must be between 00:00:01 and 00:10:00.")]
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>The admin HTTP API. Bound from the <c>Api</c> section.</summary>
internal sealed class ApiOptions : IValidatableObject
{
    public const string Section = "Api";

    /// <summary>Bearer token for <c>/api/*</c>; the API is off while it is empty. Set it from the environment (<c>Api__AdminToken</c>).</summary>
    public string? AdminToken { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(AdminToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && AdminToken!.Length < 16)
            yield return new ValidationResult("Api:AdminToken must be at least 16 characters (or empty to turn the API off).", [nameof(AdminToken)]);
    }
}

/// <summary>When follow-ups may reach people. Bound from the <c>FollowUps</c> section.</summary>
internal sealed class FollowUpsOptions : IValidatableObject
{
    public const string Section = "FollowUps";

    /// <summary>Start of the working day in each member's zone, <c>HH:mm</c>.</summary>
    public TimeOnly WorkStart { get; set; } = new(9, 0);

    /// <summary>End of the working day in each member's zone, <c>HH:mm</c>.</summary>
    public TimeOnly WorkEnd { get; set; } = new(17, 0);

    /// <summary>Working days; Monday to Friday when not set.</summary>
    /// <remarks>Null by default rather than pre-filled: the configuration binder appends to a pre-filled list.</remarks>
    public List<DayOfWeek>? WorkDays { get; set; }

    private IReadOnlyList<DayOfWeek> EffectiveWorkDays =>
        WorkDays is { Count: > 0 } days ? days : [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WorkEnd <= WorkStart)
            yield return new ValidationResult("FollowUps:WorkEnd must be after FollowUps:WorkStart.", [nameof(WorkEnd)]);
    }

    public ImproveBot.Core.FollowUps.FollowUpPolicy ToPolicy() => new(
        LocalTime.FromTimeOnly(WorkStart),
        LocalTime.FromTimeOnly(WorkEnd),
        EffectiveWorkDays.Select(d => d == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)d).ToHashSet());
}
