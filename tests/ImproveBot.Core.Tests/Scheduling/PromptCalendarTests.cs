using ImproveBot.Core.Scheduling;
using NodaTime;
using NodaTime.Text;

namespace ImproveBot.Core.Tests.Scheduling;

public sealed class PromptCalendarTests
{
    private static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static DateTimeZone Zone(string id) => PromptCalendar.FindZone(id) ?? throw new ArgumentException(id);

    [Theory]
    // Europe/London: GMT until 2027-03-28 01:00 UTC, BST (+1) after.
    [InlineData("Europe/London", "2027-03-26T15:00:00Z", "2027-03-26")]
    [InlineData("Europe/London", "2027-04-02T14:00:00Z", "2027-04-02")]
    // America/Los_Angeles: PDT (-7) until 2026-11-01 09:00 UTC, PST (-8) after.
    [InlineData("America/Los_Angeles", "2026-10-30T22:00:00Z", "2026-10-30")]
    [InlineData("America/Los_Angeles", "2026-11-06T23:00:00Z", "2026-11-06")]
    // Asia/Kolkata: +05:30 all year.
    [InlineData("Asia/Kolkata", "2026-11-27T09:30:00Z", "2026-11-27")]
    // Pacific/Chatham: +13:45 in its summer (southern hemisphere), so Friday 15:00 is 01:15 UTC the same day.
    [InlineData("Pacific/Chatham", "2026-11-27T01:15:00Z", "2026-11-27")]
    [InlineData("Pacific/Chatham", "2026-07-03T02:15:00Z", "2026-07-03")] // +12:45 in winter
    public void FridayAt1500_IsDueAtTheMembersLocalTime(string zone, string expectedUtc, string expectedDate)
    {
        var date = LocalDatePattern.Iso.Parse(expectedDate).Value;
        var occurrence = PromptCalendar.At(date, new LocalTime(15, 0), Zone(zone));
        Assert.Equal(Utc(expectedUtc), occurrence.DueAt);
        Assert.Equal(date, occurrence.Date);
    }

    [Fact]
    public void At_TimeInSpringForwardGap_MovesForwardByTheGap()
    {
        // London skips 01:00-02:00 on 2027-03-28; a 01:30 prompt fires at 02:30 BST = 01:30 UTC, not never.
        var occurrence = PromptCalendar.At(new LocalDate(2027, 3, 28), new LocalTime(1, 30), Zone("Europe/London"));
        Assert.Equal(Utc("2027-03-28T01:30:00Z"), occurrence.DueAt);
    }

    [Fact]
    public void At_TimeRepeatedByFallBack_FiresOnceAtTheEarlierInstant()
    {
        // Los Angeles repeats 01:00-02:00 on 2026-11-01; 01:30 PDT (08:30 UTC) comes first.
        var occurrence = PromptCalendar.At(new LocalDate(2026, 11, 1), new LocalTime(1, 30), Zone("America/Los_Angeles"));
        Assert.Equal(Utc("2026-11-01T08:30:00Z"), occurrence.DueAt);
    }

    [Fact]
    public void LatestAtOrBefore_ExactlyAtDueInstant_ReturnsThisWeek()
    {
        var zone = Zone("Asia/Kolkata");
        var due = Utc("2026-11-27T09:30:00Z");
        var latest = PromptCalendar.LatestAtOrBefore(due, IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        Assert.Equal(new LocalDate(2026, 11, 27), latest.Date);

        var justBefore = PromptCalendar.LatestAtOrBefore(due - Duration.FromTicks(1), IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        Assert.Equal(new LocalDate(2026, 11, 20), justBefore.Date);
    }

    [Fact]
    public void LatestAtOrBefore_AcrossTheDaylightSavingChange_KeepsLocalTimeNotUtcTime()
    {
        var zone = Zone("America/Los_Angeles");
        // Saturday after the change: the latest Friday prompt is 2026-11-06 15:00 PST.
        var latest = PromptCalendar.LatestAtOrBefore(Utc("2026-11-07T12:00:00Z"), IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        Assert.Equal(Utc("2026-11-06T23:00:00Z"), latest.DueAt);
        // Exactly one week earlier it was PDT: same local time, one hour earlier in UTC.
        var before = PromptCalendar.LatestAtOrBefore(Utc("2026-10-31T12:00:00Z"), IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        Assert.Equal(Utc("2026-10-30T22:00:00Z"), before.DueAt);
    }

    [Fact]
    public void LatestAtOrBefore_DateIsTheMembersLocalDate()
    {
        // 2026-11-27T01:00Z is already Friday afternoon in Chatham but still Thursday in Los Angeles.
        var now = Utc("2026-11-27T01:30:00Z");
        var chatham = PromptCalendar.LatestAtOrBefore(now, IsoDayOfWeek.Friday, new LocalTime(15, 0), Zone("Pacific/Chatham"));
        var losAngeles = PromptCalendar.LatestAtOrBefore(now, IsoDayOfWeek.Friday, new LocalTime(15, 0), Zone("America/Los_Angeles"));
        Assert.Equal(new LocalDate(2026, 11, 27), chatham.Date);
        Assert.Equal(new LocalDate(2026, 11, 20), losAngeles.Date);
    }

    [Fact]
    public void NextAfter_IsOneWeekAfterTheLatest()
    {
        var zone = Zone("Europe/London");
        var now = Utc("2027-03-27T12:00:00Z");
        var latest = PromptCalendar.LatestAtOrBefore(now, IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        var next = PromptCalendar.NextAfter(now, IsoDayOfWeek.Friday, new LocalTime(15, 0), zone);
        Assert.Equal(latest.Date.PlusWeeks(1), next.Date);
        Assert.True(next.DueAt > now);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public void FindZone_Unknown_ReturnsNull(string? zone) => Assert.Null(PromptCalendar.FindZone(zone));
}
