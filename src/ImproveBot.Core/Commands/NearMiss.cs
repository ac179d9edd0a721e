namespace ImproveBot.Core.Commands;

/// <summary>Finds the word a member probably meant, for "Did you mean …?" hints.</summary>
internal static class NearMiss
{
    /// <summary>Largest edit distance still offered as a suggestion.</summary>
    public const int MaxDistance = 2;

    /// <summary>
    /// The candidate closest to <paramref name="typed"/> (case-insensitive edit distance of at most
    /// <see cref="MaxDistance"/>), or null. The distance must also be smaller than either word's length,
    /// so <c>x</c> does not "almost" match <c>tz</c>. Ties go to the candidate whose length is closest to
    /// what was typed (a swapped pair keeps the length: <c>stauts</c> is <c>status</c>, not <c>stats</c>),
    /// then to the earlier candidate.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestScore = (Distance: int.MaxValue, LengthGap: int.MaxValue);
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed, candidate, MaxDistance);
            if (distance > MaxDistance || distance >= typed.Length || distance >= candidate.Length) continue;
            var score = (distance, Math.Abs(candidate.Length - typed.Length));
            if (score.CompareTo(bestScore) < 0)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>
    /// Case-insensitive Levenshtein distance that also counts swapping two neighbouring letters as one
    /// edit (optimal string alignment), because swaps are the commonest typo (<c>pasue</c>). Any value
    /// above <paramref name="limit"/> is reported as <c>limit + 1</c>. Words whose lengths differ by more
    /// than the limit are rejected without computing anything, so a megabyte of input costs nothing here.
    /// </summary>
    public static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit) return limit + 1;
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();

        // Three rows of the dynamic-programming table: the one two back is needed for swaps.
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMinimum = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                rowMinimum = Math.Min(rowMinimum, current[j]);
            }
            // No later row can drop below this row's minimum: stop once the limit is out of reach.
            if (rowMinimum > limit) return limit + 1;
            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return Math.Min(previous[b.Length], limit + 1);
    }
}
