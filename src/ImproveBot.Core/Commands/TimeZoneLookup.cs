using NodaTime;

namespace ImproveBot.Core.Commands;

/// <summary>Case-insensitive lookup of IANA zone ids in NodaTime's bundled tzdb.</summary>
internal static class TimeZoneLookup
{
    // Tzdb lookups are case-sensitive; members type "europe/berlin". Built once: ~600 ids.
    private static readonly Lazy<Dictionary<string, string>> ById = new(() =>
        DateTimeZoneProviders.Tzdb.Ids.ToDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Finds the zone a member typed. Spaces are read as underscores so <c>America/New York</c> works.
    /// Returns the id spelled exactly as tzdb spells it. Aliases (e.g. <c>US/Pacific</c>, <c>UTC</c>)
    /// are kept as typed rather than resolved, because tzdb accepts them and members recognise them.
    /// </summary>
    public static bool TryFind(string typed, out string zoneId)
    {
        zoneId = "";
        var key = typed.Trim().Replace(' ', '_');
        if (key.Length == 0 || !ById.Value.TryGetValue(key, out var found)) return false;
        zoneId = found;
        return true;
    }

    /// <summary>
    /// A zone the member probably meant: one within a small edit distance (<c>Europe/Berln</c>), or
    /// one whose city part is what they typed (<c>berlin</c>, <c>New York</c>). Null if none.
    /// </summary>
    public static string? Suggest(string typed)
    {
        var key = typed.Trim().Replace(' ', '_');
        if (key.Length == 0) return null;

        var ids = DateTimeZoneProviders.Tzdb.Ids;
        var byCity = ids.FirstOrDefault(id =>
        {
            var slash = id.LastIndexOf('/');
            return slash >= 0 && string.Equals(id[(slash + 1)..], key, StringComparison.OrdinalIgnoreCase);
        });
        return byCity ?? NearMiss.Closest(key, ids);
    }
}
