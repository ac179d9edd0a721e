using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace ImproveBot.Core.Tests.Members;

public sealed class MemberCacheTests
{
    private static readonly TeamDefaults Defaults = new(IsoDayOfWeek.Friday, new LocalTime(15, 0), "UTC", Duration.FromHours(4),
        Duration.FromDays(3), IdeaVisibility.Team, "C-team");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly MemberCache _cache;
    private readonly MemberIdentity _ada = new(new MemberRef("slack", "T1", "U1"), "ada", TimeZone: "Europe/Berlin");
    private readonly Team _team = new("slack", "T1", "Team", Defaults);
    private readonly Member _member;

    public MemberCacheTests()
    {
        _cache = new MemberCache(_clock);
        _member = new Member(_team.Id, "slack", "T1", "U1", "ada", "Europe/Berlin", _clock.GetUtcNow());
    }

    [Fact]
    public void SameIdentity_WithinTheLifetime_IsServedFromTheCache()
    {
        _cache.Set(_ada, _member, _team);
        _clock.Advance(MemberCache.Lifetime - TimeSpan.FromSeconds(1));

        Assert.True(_cache.TryGet(_ada, out var member, out var team));
        Assert.Same(_member, member);
        Assert.Same(_team, team);
    }

    [Fact]
    public void AfterTheLifetime_TheStoreIsReadAgain()
    {
        _cache.Set(_ada, _member, _team);
        _clock.Advance(MemberCache.Lifetime);

        Assert.False(_cache.TryGet(_ada, out _, out _));
    }

    [Theory]
    [InlineData("ada lovelace", "Europe/Berlin", null)] // renamed on the platform
    [InlineData("ada", "America/New_York", null)]       // moved
    [InlineData("ada", "Europe/Berlin", true)]          // made a workspace admin
    public void AnIdentityThatChangedOnThePlatform_IsNotServedFromTheCache(string name, string zone, bool? admin)
    {
        _cache.Set(_ada, _member, _team);

        Assert.False(_cache.TryGet(_ada with { DisplayName = name, TimeZone = zone, IsAdmin = admin }, out _, out _));
    }

    [Fact]
    public void ForgetAndForgetTeam_DropEntries()
    {
        var bob = new MemberIdentity(new MemberRef("slack", "T1", "U2"), "bob");
        _cache.Set(_ada, _member, _team);
        _cache.Set(bob, _member, _team);

        _cache.Forget(_ada.Ref);
        Assert.False(_cache.TryGet(_ada, out _, out _));
        Assert.True(_cache.TryGet(bob, out _, out _));

        _cache.ForgetTeam(_team.Id);
        Assert.False(_cache.TryGet(bob, out _, out _));
    }
}
