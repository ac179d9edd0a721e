using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace ImproveBot.Core.Ideas.Similarity;

/// <summary>
/// Turns an idea text into the words that carry its meaning, so that case, punctuation, tag markers
/// and filler words do not make two ways of writing the same idea look different.
/// </summary>
internal static class IdeaTextNormalizer
{
    /// <summary>
    /// Filler words dropped before comparing. Kept small on purpose: words such as "no", "not", "before",
    /// "after", "first", "last", "less" change what an idea asks for, so they are never dropped.
    /// </summary>
    internal static readonly FrozenSet<string> StopWords = FrozenSet.Create(StringComparer.Ordinal,
    [
        "a", "an", "the", "to", "of", "for", "with", "in", "on", "at", "by", "from", "into", "about",
        "and", "or", "but", "so", "as", "than", "then", "that", "this", "these", "those", "it", "its",
        "i", "me", "my", "we", "us", "our", "you", "your", "they", "them", "their",
        "be", "is", "are", "am", "was", "were", "been", "being", "do", "does", "will", "would",
        "should", "can", "could", "more", "some", "any", "each", "every", "all", "very", "just",
        "also", "really", "try", "instead", "rather",
    ]);

    /// <summary>
    /// Normalised words of <paramref name="text"/>, in their original order; empty for null or blank text.
    /// Stop words are dropped unless every word is one, so a text never normalises to nothing.
    /// </summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];

        // FormKC folds compatibility forms (full-width letters, ligatures, "ﬁ") into plain letters
        // before lower-casing, so visually identical texts compare equal.
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (c is '\'' or '\u2019')
            {
                // Apostrophes join ("won't" -> "wont", "advisor's" -> "advisors") rather than split,
                // so a stray "s" or "t" never becomes a word of its own.
            }
            else
            {
                // Everything else, including the '#' of a tag and hyphens, separates words:
                // "#reading" -> "reading", "50-minute" -> "50 minute".
                Flush(current, words);
            }
        }
        Flush(current, words);

        var content = words.Where(w => !StopWords.Contains(w)).ToList();
        return content.Count > 0 ? content : words;
    }

    /// <summary>The normalised words of <paramref name="text"/> joined by single spaces.</summary>
    public static string Normalize(string? text) => string.Join(' ', Words(text));

    private static void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length == 0) return;
        words.Add(current.ToString());
        current.Clear();
    }
}
