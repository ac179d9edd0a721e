using NodaTime;

namespace ImproveBot.Core.FollowUps;

/// <summary>When follow-ups may reach people: their local working hours on working days.</summary>
public sealed record FollowUpPolicy(LocalTime WorkStart, LocalTime WorkEnd, IReadOnlySet<IsoDayOfWeek> WorkDays)
{
    /// <summary>Monday to Friday, 09:00 to 17:00 local time.</summary>
    public static FollowUpPolicy Default { get; } = new(new LocalTime(9, 0), new LocalTime(17, 0),
        new HashSet<IsoDayOfWeek> { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday });

    /// <summary>Whether <paramref name="now"/> falls in working hours in the given zone.</summary>
    public bool IsWorkingTime(Instant now, DateTimeZone zone)
    {
        var local = now.InZone(zone);
        return WorkDays.Contains(local.DayOfWeek) && local.TimeOfDay >= WorkStart && local.TimeOfDay < WorkEnd;
    }
}
