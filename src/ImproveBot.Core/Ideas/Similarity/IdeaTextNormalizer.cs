using System.Collections.Frozen;
using System.Text;

namespace ImproveBot.Core.Ideas.Similarity;

/// <summary>
/// Turns an idea text into the words that carry its meaning, so that case, punctuation, tag markers
/// and filler words do not make two ways of writing the same idea look different.
/// </summary>
internal static class IdeaTextNormalizer
{
    /// <summary>
    /// Filler words dropped before comparing. Kept small on purpose: words such as "no", "not", "off",
    /// "before", "after", "first", "last", "less", "only" change what an idea asks for, so they stay.
    /// </summary>
    internal static readonly FrozenSet<string> StopWords = FrozenSet.Create(StringComparer.Ordinal,
    [
        "a", "an", "the", "to", "of", "for", "with", "in", "on", "at", "by", "from", "into", "about",
        "and", "or", "but", "so", "as", "than", "then", "that", "this", "these", "those", "it", "its",
        "i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "his", "her", "they", "them", "their",
        "be", "is", "are", "am", "was", "were", "been", "being", "do", "does", "did",
        "have", "has", "had", "will", "would", "should", "can", "could", "must",
        "more", "some", "any", "each", "every", "all", "very", "just", "also", "really",
        "when", "while", "instead", "rather",
        // Stumps left by splitting negative contractions: "won't" -> "wo not", "can't" -> "ca not".
        "wo", "ca", "sha",
    ]);

    /// <summary>
    /// Words written more than one way, folded to one spelling: small numbers ("three sentences" /
    /// "3 sentences") and negative contractions typed without the apostrophe, as chat often is ("dont").
    /// </summary>
    private static readonly FrozenDictionary<string, string> Folds = new Dictionary<string, string>
    {
        ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5",
        ["six"] = "6", ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10",
        ["dont"] = "not", ["doesnt"] = "not", ["didnt"] = "not", ["wont"] = "not", ["cant"] = "not",
        ["cannot"] = "not", ["isnt"] = "not", ["arent"] = "not", ["shouldnt"] = "not",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Normalised words of <paramref name="text"/>, in their original order; empty for null or blank text.
    /// Stop words are dropped unless every word is one, so a text that has words never normalises to nothing.
    /// </summary>
    public static string[] Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];

        // FormKC folds compatibility forms (full-width letters, ligatures such as "ﬁ") into plain letters
        // before lower-casing, so texts that look the same compare the same.
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (c is '\'' or '\u2019')
            {
                if (IsNegativeContraction(folded, i, current))
                {
                    // "don't" -> "do not", "won't" -> "wo not" (a stop word's stump, dropped below):
                    // the "not" must survive so "don't check email" never matches "check email".
                    current.Length--;
                    Flush(current, words);
                    words.Add("not");
                    i++;
                }

                // Other apostrophes join rather than split ("advisor's" -> "advisors"), so a stray "s"
                // never becomes a word of its own.
            }
            else
            {
                // Everything else separates words, including the '#' of a tag ("#reading" -> "reading")
                // and hyphens ("50-minute" -> "50 minute"); hyphenated and closed compounds
                // ("co-authors" / "coauthors") are reconciled when words are matched, not here.
                Flush(current, words);
            }
        }
        Flush(current, words);

        var content = words.Where(w => !StopWords.Contains(w)).ToArray();
        return content.Length > 0 ? content : [.. words];
    }

    /// <summary>The normalised words of <paramref name="text"/> joined by single spaces.</summary>
    public static string Normalize(string? text) => string.Join(' ', Words(text));

    /// <summary>Whether the apostrophe at <paramref name="index"/> is the one in "n't".</summary>
    private static bool IsNegativeContraction(string text, int index, StringBuilder current) =>
        current.Length > 1 && current[^1] == 'n'
        && index + 1 < text.Length && text[index + 1] == 't'
        && (index + 2 == text.Length || !char.IsLetterOrDigit(text[index + 2]));

    private static void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length == 0) return;
        var word = current.ToString();
        words.Add(Folds.GetValueOrDefault(word, word));
        current.Clear();
    }
}
