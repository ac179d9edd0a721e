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

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup =
        StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> FoldLookup =
        Folds.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Texts up to this length are tokenised in a stack buffer; longer ones in a heap array.</summary>
    private const int StackBufferLength = 512;

    /// <summary>
    /// Normalised words of <paramref name="text"/>, in their original order; empty for null or blank text.
    /// Stop words are dropped unless every word is one, so a text that has words never normalises to nothing.
    /// </summary>
    /// <remarks>
    /// Written to allocate little (one string per kept word), because <see cref="SimilarIdeaFinder"/>
    /// normalises every candidate on every call and garbage collection was most of its cost.
    /// </remarks>
    public static string[] Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];

        // FormKC folds compatibility forms (full-width letters, ligatures such as "ﬁ") into plain letters,
        // so texts that look the same compare the same. ASCII text is already in that form.
        var folded = Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormKC);

        var content = Tokenize(folded, dropStopWords: true);
        return content.Length > 0 ? content : Tokenize(folded, dropStopWords: false);
    }

    /// <summary>The normalised words of <paramref name="text"/> joined by single spaces.</summary>
    public static string Normalize(string? text) => string.Join(' ', Words(text));

    private static string[] Tokenize(string text, bool dropStopWords)
    {
        // No word is longer than the text, so one buffer of the text's length always suffices.
        var buffer = text.Length <= StackBufferLength ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var words = new List<string>(capacity: 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (c is '\'' or '\u2019')
            {
                if (length > 1 && buffer[length - 1] == 'n' && IsNegativeContractionEnd(text, i))
                {
                    // "don't" -> "do not", "won't" -> "wo not" (a stump, dropped as a stop word): the "not"
                    // must survive so that "don't check email" never matches "check email".
                    Emit(buffer[..(length - 1)], words, dropStopWords);
                    length = 0;
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
                Emit(buffer[..length], words, dropStopWords);
                length = 0;
            }
        }
        Emit(buffer[..length], words, dropStopWords);
        return [.. words];
    }

    /// <summary>Whether the apostrophe at <paramref name="index"/> is followed by the "t" that ends "n't".</summary>
    private static bool IsNegativeContractionEnd(string text, int index) =>
        index + 1 < text.Length && char.ToLowerInvariant(text[index + 1]) == 't'
        && (index + 2 == text.Length || !char.IsLetterOrDigit(text[index + 2]));

    private static void Emit(ReadOnlySpan<char> word, List<string> words, bool dropStopWords)
    {
        if (word.IsEmpty) return;
        if (FoldLookup.TryGetValue(word, out var folded))
        {
            words.Add(folded);
            return;
        }
        if (dropStopWords && StopWordLookup.Contains(word)) return;
        words.Add(word.ToString());
    }
}
