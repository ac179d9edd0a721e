namespace ImproveBot.Core.Members;

/// <summary>A person on one chat platform, in one team (workspace or server).</summary>
public sealed class Member
{
    private Member()
    {
        Platform = TenantId = UserId = DisplayName = TimeZone = "";
    }

    internal Member(long teamId, string platform, string tenantId, string userId, string displayName,
        string timeZone, DateTimeOffset now)
    {
        TeamId = teamId;
        Platform = platform;
        TenantId = tenantId;
        UserId = userId;
        DisplayName = displayName;
        TimeZone = timeZone;
        OptedIn = true;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public long TeamId { get; private set; }
    public string Platform { get; private set; }

    /// <summary>The platform's workspace or server id.</summary>
    public string TenantId { get; private set; }

    /// <summary>The platform's user id.</summary>
    public string UserId { get; private set; }

    public string DisplayName { get; internal set; }

    /// <summary>IANA time zone id (tzdb), e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; private set; }

    /// <summary>True once the member chose a zone with <c>/improve tz</c>; platform profile updates then leave it alone.</summary>
    public bool TimeZoneSetByMember { get; private set; }

    public bool OptedIn { get; internal set; }
    public DateTimeOffset? PausedUntil { get; internal set; }
    public bool IsAdmin { get; internal set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public MemberRef Ref => new(Platform, TenantId, UserId);

    /// <summary>Whether the member wants prompts and follow-ups at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => OptedIn && (PausedUntil is null || PausedUntil <= now);

    internal void SetTimeZone(string zoneId, bool byMember)
    {
        if (TimeZoneSetByMember && !byMember) return;
        TimeZone = zoneId;
        TimeZoneSetByMember |= byMember;
    }
}

/// <summary>How the core names a person on a platform, without platform types.</summary>
public readonly record struct MemberRef(string Platform, string TenantId, string UserId)
{
    public override string ToString() => $"{Platform}:{TenantId}:{UserId}";
}
