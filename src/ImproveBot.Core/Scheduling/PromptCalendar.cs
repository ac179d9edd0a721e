using NodaTime;
using NodaTime.TimeZones;

namespace ImproveBot.Core.Scheduling;

/// <summary>
/// When a member's weekly prompt falls due: the team's day and local time, read in the member's own zone.
/// </summary>
/// <remarks>
/// Daylight-saving edges use NodaTime's lenient resolver: a time that does not exist on the day
/// (skipped by a spring-forward gap) moves forward by the gap, and a time that occurs twice (autumn
/// fall-back) takes the earlier instant, so a prompt is never skipped and never fires twice.
/// </remarks>
public static class PromptCalendar
{
    /// <summary>Resolves an IANA zone id, or returns null when it is unknown.</summary>
    public static DateTimeZone? FindZone(string? zoneId) =>
        string.IsNullOrWhiteSpace(zoneId) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);

    /// <summary>The most recent prompt occurrence at or before <paramref name="now"/> in the given zone.</summary>
    public static PromptOccurrence LatestAtOrBefore(Instant now, IsoDayOfWeek day, LocalTime time, DateTimeZone zone)
    {
        var today = now.InZone(zone).Date;
        var date = today.DayOfWeek == day ? today : today.Previous(day);
        var occurrence = At(date, time, zone);
        return occurrence.DueAt <= now ? occurrence : At(date.PlusWeeks(-1), time, zone);
    }

    /// <summary>The first prompt occurrence strictly after <paramref name="now"/> in the given zone.</summary>
    public static PromptOccurrence NextAfter(Instant now, IsoDayOfWeek day, LocalTime time, DateTimeZone zone)
    {
        var latest = LatestAtOrBefore(now, day, time, zone);
        return At(latest.Date.PlusWeeks(1), time, zone);
    }

    /// <summary>The instant of the prompt on a given local date in a zone.</summary>
    public static PromptOccurrence At(LocalDate date, LocalTime time, DateTimeZone zone) =>
        new(date, date.At(time).InZone(zone, Resolvers.LenientResolver).ToInstant());
}

/// <summary>A prompt occurrence: the local date it names (the round) and the instant it is due.</summary>
public readonly record struct PromptOccurrence(LocalDate Date, Instant DueAt);
