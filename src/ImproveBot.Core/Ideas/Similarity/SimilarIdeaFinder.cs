using System.Collections.Frozen;
using F23.StringSimilarity;

namespace ImproveBot.Core.Ideas.Similarity;

/// <summary>An existing idea that a newly logged idea may duplicate.</summary>
/// <param name="Id">The existing idea's id.</param>
/// <param name="Text">The existing idea's text, as written.</param>
internal sealed record IdeaCandidate(long Id, string Text);

/// <summary>An existing idea judged close enough to offer "+1 it instead".</summary>
/// <param name="Id">The existing idea's id.</param>
/// <param name="Text">The existing idea's text, as written.</param>
/// <param name="Score">Similarity to the new idea, in [<see cref="SimilarIdeaFinder.Threshold"/>, 1].</param>
/// <summary>A candidate with its words already normalised, and numbered in a <see cref="WordVocabulary"/>.</summary>
internal sealed record PreparedCandidate(long Id, string Text, string[] Words, int[] WordIds)
{
    /// <summary>The first letters of <see cref="Words"/>, as a set (see <see cref="SimilarIdeaFinder.InitialsOf"/>).</summary>
    public ulong Initials { get; } = SimilarIdeaFinder.InitialsOf(Words);

    /// <summary>Whether the text negates the idea ("don't check email before noon").</summary>
    public bool IsNegated { get; } = SimilarIdeaFinder.IsNegated(Words);

    /// <summary>Prepares a text whose words are numbered in <paramref name="vocabulary"/> (which the caller guards).</summary>
    public static PreparedCandidate Of(long id, string? text, WordVocabulary vocabulary) =>
        Interned(id, text ?? "", IdeaTextNormalizer.Words(text), vocabulary);

    /// <summary>The same, for words already normalised from <paramref name="text"/> (the array is not changed).</summary>
    public static PreparedCandidate Of(long id, string text, string[] words, WordVocabulary vocabulary) =>
        Interned(id, text, (string[])words.Clone(), vocabulary);

    /// <summary>Numbers <paramref name="words"/>, replacing each with the vocabulary's one instance of it, in place.</summary>
    private static PreparedCandidate Interned(long id, string text, string[] words, WordVocabulary vocabulary)
    {
        var ids = new int[words.Length];
        for (var i = 0; i < words.Length; i++) (words[i], ids[i]) = vocabulary.Intern(words[i]);
        return new PreparedCandidate(id, text, words, ids);
    }

    /// <summary>
    /// Prepares a text on its own, for comparisons that need no shared numbering: as the new idea of a search, whose
    /// words are compared by text (its <see cref="WordIds"/> number its distinct words in order of appearance).
    /// </summary>
    public static PreparedCandidate Of(long id, string? text) => Of(id, text, new WordVocabulary());
}

/// <summary>
/// The distinct words of a set of ideas, each with a small number, so that scoring a new idea against thousands of
/// candidates remembers each word's matches in an array instead of a dictionary. Not thread-safe.
/// </summary>
internal sealed class WordVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];

    /// <summary>How many distinct words have a number; numbers are 0 to <c>Count - 1</c>, given in order.</summary>
    public int Count => _words.Count;

    /// <summary>The word with number <paramref name="id"/>.</summary>
    public string WordAt(int id) => _words[id];

    /// <summary>The number of a word already in the vocabulary.</summary>
    public bool TryGetId(string word, out int id) => _ids.TryGetValue(word, out id);

    /// <summary>
    /// The word's number (a new one for a new word), and the one stored instance of the word, so that a team's
    /// thousands of ideas share one string per distinct word.
    /// </summary>
    public (string Word, int Id) Intern(string word)
    {
        if (_ids.TryGetValue(word, out var id)) return (_words[id], id);
        id = _words.Count;
        _ids.Add(word, id);
        _words.Add(word);
        return (word, id);
    }
}

internal sealed record SimilarIdea(long Id, string Text, double Score);

/// <summary>
/// Spots a newly logged idea that is very close to an existing one, so the bot can offer to +1 the
/// existing idea instead of adding a near-duplicate.
/// </summary>
/// <remarks>
/// <para>
/// The score is a soft word overlap: the share of the words on both sides, after
/// <see cref="IdeaTextNormalizer"/>, that have a counterpart on the other side. Counterparts are found
/// word by word with the library's Jaro–Winkler similarity (F23.StringSimilarity), which forgives typos and
/// inflections ("reserch"/"research", "prioritise"/"prioritizing") but not a swapped word.
/// </para>
/// <para>
/// Why not a whole-string measure from the library on its own: ideas that differ by one word
/// ("block mornings for writing" / "... for reading") share nearly all their characters and tokens, so
/// cosine, Sørensen–Dice, Jaccard, Levenshtein, Jaro–Winkler and the FuzzyWuzzy ratios all scored such
/// pairs as high as real paraphrases. On the labelled set none of them reached precision 0.9 with recall 0.8
/// at any threshold (best F1 0.83), while this word overlap reaches precision 0.95 and recall 0.90. Both
/// tables are in <c>SimilarIdeaFinderTests</c>.
/// </para>
/// </remarks>
internal static class SimilarIdeaFinder
{
    /// <summary>
    /// Lowest score reported as "the same idea", chosen from a sweep over the labelled set (table in
    /// <c>SimilarIdeaFinderTests</c>): every threshold in (0.75, 0.786] gives the best F1 there, and 0.77 sits
    /// in the middle of that range. In words: a text of five or more words may differ by one word or carry
    /// an extra tag and still match, while a four-word text with one word swapped (3/4) does not.
    /// </summary>
    public const double Threshold = 0.77;

    /// <summary>Jaro–Winkler similarity at or above which two long words count as the same word.</summary>
    internal const double WordMatchThreshold = 0.85;

    /// <summary>
    /// Words shorter than this are not matched by Jaro–Winkler: one letter apart they are usually other
    /// words ("test"/"text", "plan"/"play", "not"/"note"), so they must be equal or an inflection.
    /// </summary>
    internal const int ShortWordLength = 5;

    /// <summary>
    /// Factor applied when exactly one text is negated ("check email before noon" / "don't check email
    /// before noon"): the words barely differ but the ideas are opposites.
    /// </summary>
    internal const double NegationMismatchFactor = 0.5;

    /// <summary>Words that negate an idea, after <see cref="IdeaTextNormalizer"/> ("don't" -> "not").</summary>
    private static readonly FrozenSet<string> NegationWords =
        FrozenSet.Create(StringComparer.Ordinal, "no", "not", "never", "without");

    /// <summary>Suffixes that make an inflection of a short word ("read" -> "reads", "reading").</summary>
    private static readonly string[] InflectionSuffixes = ["s", "ed", "ing", "er", "ers"];

    /// <summary>The library's Jaro–Winkler; stateless after construction, so one instance serves all threads.</summary>
    private static readonly JaroWinkler JaroWinkler = new();

    /// <summary>Normalised similarity in [0,1] between two idea texts (1 = same idea); 0 when either is null or blank.</summary>
    public static double Score(string? a, string? b)
    {
        var wordsA = IdeaTextNormalizer.Words(a);
        var wordsB = IdeaTextNormalizer.Words(b);
        if (wordsA.Length == 0 || wordsB.Length == 0) return 0;
        return new WordMatcher(wordsA).Score(wordsB);
    }

    /// <summary>
    /// The best match at or above <see cref="Threshold"/> among <paramref name="candidates"/>, or null.
    /// On equal scores the earlier candidate wins, so callers decide precedence by ordering.
    /// </summary>
    public static SimilarIdea? FindMostSimilar(string? text, IEnumerable<IdeaCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var vocabulary = new WordVocabulary();
        var prepared = candidates.Where(c => c is not null).Select(c => PreparedCandidate.Of(c.Id, c.Text, vocabulary)).ToList();
        return FindMostSimilar(PreparedCandidate.Of(0, text), prepared, vocabulary.Count);
    }

    /// <summary>
    /// The best match among candidates prepared in one <see cref="WordVocabulary"/> of <paramref name="vocabularySize"/>
    /// words (a team's cached ideas): the same result as scoring each with <see cref="Score"/>, at a fraction of the cost.
    /// </summary>
    public static SimilarIdea? FindMostSimilar(PreparedCandidate idea, IReadOnlyList<PreparedCandidate> candidates, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(idea);
        ArgumentNullException.ThrowIfNull(candidates);
        if (idea.Words.Length == 0) return null;
        using var scorer = new CandidateScorer(idea, vocabularySize);
        SimilarIdea? best = null;
        foreach (var candidate in candidates)
        {
            if (candidate.Words.Length == 0 || !MayReachThreshold(idea, candidate)) continue;
            var score = scorer.Score(candidate);
            if (score >= Threshold && (best is null || score > best.Score))
            {
                best = new SimilarIdea(candidate.Id, candidate.Text, score);
                if (score >= 1) break; // nothing can beat it, and ties go to the earlier candidate anyway
            }
        }
        return best;
    }

    /// <summary>
    /// False when two texts cannot score <see cref="Threshold"/>, judged from first letters alone; true says nothing.
    /// </summary>
    /// <remarks>
    /// Every way a word gets a counterpart needs a word on the other side with the same first letter: equal and
    /// similar words share it (<see cref="WordsMatch"/> checks it first), and so do a compound and its head. The one
    /// exception is a compound's tail ("mail" in "e mail" / "email"), whose left neighbour then shares it. So a word
    /// whose first letter, and whose left neighbour's, are missing on the other side stays unmatched, and counting
    /// the others bounds the score from above. Comparing a new idea with a team's 2,000 ideas, this skips nearly all
    /// of them for a few bit tests each, instead of scoring every one.
    /// </remarks>
    internal static bool MayReachThreshold(PreparedCandidate a, PreparedCandidate b)
    {
        var total = a.Words.Length + b.Words.Length;
        if (total == 0) return false;
        var possible = PossibleMatches(a.Words, b.Initials) + PossibleMatches(b.Words, a.Initials);
        // The same arithmetic as the score, so rounding cannot make the bound disagree with it.
        return (double)possible / total >= Threshold;
    }

    /// <summary>A set of first letters: one bit per letter, folded into 64 bits (a collision only makes the bound looser).</summary>
    internal static ulong InitialsOf(string[] words)
    {
        var set = 0UL;
        foreach (var word in words)
        {
            if (word.Length > 0) set |= InitialBit(word);
        }
        return set;
    }

    private static ulong InitialBit(string word) => 1UL << (word[0] & 63);

    /// <summary>How many of <paramref name="words"/> could have a counterpart among words with first letters <paramref name="otherInitials"/>.</summary>
    private static int PossibleMatches(string[] words, ulong otherInitials)
    {
        var count = 0;
        var previousShared = false;
        foreach (var word in words)
        {
            var shared = word.Length > 0 && (otherInitials & InitialBit(word)) != 0;
            if (shared || previousShared) count++;
            previousShared = shared;
        }
        return count;
    }

    /// <summary>Whether <paramref name="prefix"/> is a proper prefix of <paramref name="word"/> (how a compound starts with its head).</summary>
    internal static bool IsProperPrefix(string prefix, string word) =>
        prefix.Length < word.Length && word.StartsWith(prefix, StringComparison.Ordinal) && !IsNumber(prefix);

    /// <summary>
    /// Whether a word is all digits. Numbers match only themselves: "2025" is no typo of "2026", and "20 26" no
    /// compound of it.
    /// </summary>
    internal static bool IsNumber(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        return word.Length > 0;
    }

    /// <summary>
    /// Whether two normalised words are the same word, allowing typos and inflections. Symmetric.
    /// </summary>
    internal static bool WordsMatch(string u, string v)
    {
        if (string.Equals(u, v, StringComparison.Ordinal)) return true;
        if (u.Length == 0 || v.Length == 0) return false;

        // A different first letter is far more often a different word ("important"/"unimportant",
        // "reviewing"/"previewing") than a typo; it also spares most Jaro–Winkler calls.
        if (u[0] != v[0]) return false;
        if (IsNumber(u) || IsNumber(v)) return false;

        var (shorter, longer) = u.Length <= v.Length ? (u, v) : (v, u);
        if (shorter.Length < ShortWordLength) return IsInflection(shorter, longer);

        // Call the library in a fixed argument order: its matching is greedy, and a fixed order keeps
        // Score(a, b) == Score(b, a) exactly.
        var (first, second) = string.CompareOrdinal(u, v) <= 0 ? (u, v) : (v, u);
        return JaroWinkler.Similarity(first, second) >= WordMatchThreshold;
    }

    /// <summary>
    /// Whether <paramref name="longer"/> is <paramref name="shorter"/> plus a regular English ending:
    /// "read"/"reads"/"reading", "plan"/"planning" (doubled consonant), "make"/"making" (dropped e).
    /// </summary>
    private static bool IsInflection(string shorter, string longer)
    {
        foreach (var suffix in InflectionSuffixes)
        {
            if (!longer.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var stem = longer.AsSpan(0, longer.Length - suffix.Length);
            if (stem.SequenceEqual(shorter)) return true;
            if (stem.Length == shorter.Length + 1 && stem.StartsWith(shorter) && stem[^1] == shorter[^1]) return true;
            if (shorter[^1] == 'e' && suffix != "s" && stem.SequenceEqual(shorter.AsSpan(0, shorter.Length - 1))) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="word"/> is the closed form of the adjacent pair <paramref name="head"/>,
    /// <paramref name="tail"/>: "coauthors" / "co authors", "labmate" / "lab mates", "email" / "e mail".
    /// </summary>
    private static bool IsCompoundOf(string word, string head, string tail) =>
        IsProperPrefix(head, word)
        && WordsMatch(word[head.Length..], tail);

    /// <summary>Whether any of <paramref name="words"/> negates the idea.</summary>
    internal static bool IsNegated(string[] words)
    {
        foreach (var word in words)
        {
            if (NegationWords.Contains(word)) return true;
        }
        return false;
    }

    /// <summary>
    /// Scores many candidates against one new idea. Each vocabulary word's matches with the new idea's words are
    /// computed once and kept as a bit mask, indexed by the word's number: per candidate, scoring is a few array
    /// reads and bit operations. Candidates that may hold a compound ("e mail" / "email") go to the exact
    /// <see cref="WordMatcher"/>, whose compound pass needs the words themselves.
    /// </summary>
    private sealed class CandidateScorer : IDisposable
    {
        /// <summary>The new idea's words get bits 0–61; longer texts are scored by <see cref="WordMatcher"/> alone.</summary>
        private const int MaxMaskedWords = 62;

        /// <summary>
        /// Set when the vocabulary word is a proper prefix of one of the new idea's words, or the other way round.
        /// Every compound match needs such a pair (a compound starts with its head), so without one there is none.
        /// </summary>
        private const ulong MayFormCompound = 1UL << 63;

        /// <summary>Not computed yet (bit 62 is never set in a computed mask).</summary>
        private const ulong Unknown = ulong.MaxValue;

        private readonly PreparedCandidate _idea;
        private readonly WordMatcher _exact;
        private readonly ulong[]? _masks;

        public CandidateScorer(PreparedCandidate idea, int vocabularySize)
        {
            _idea = idea;
            _exact = new WordMatcher(idea.Words);
            if (idea.Words.Length <= MaxMaskedWords && vocabularySize > 0)
            {
                _masks = System.Buffers.ArrayPool<ulong>.Shared.Rent(vocabularySize);
                Array.Fill(_masks, Unknown, 0, vocabularySize);
            }
        }

        public double Score(PreparedCandidate candidate)
        {
            if (_masks is null) return _exact.Score(candidate.Words);
            var matchedInIdea = 0UL;
            var matchedInCandidate = 0;
            for (var j = 0; j < candidate.Words.Length; j++)
            {
                ref var mask = ref _masks[candidate.WordIds[j]];
                if (mask == Unknown) mask = MaskOf(candidate.Words[j]);
                if ((mask & MayFormCompound) != 0) return _exact.Score(candidate.Words);
                if (mask == 0) continue;
                matchedInIdea |= mask;
                matchedInCandidate++;
            }
            var count = System.Numerics.BitOperations.PopCount(matchedInIdea) + matchedInCandidate;
            var score = (double)count / (_idea.Words.Length + candidate.Words.Length);
            return _idea.IsNegated == candidate.IsNegated ? score : score * NegationMismatchFactor;
        }

        private ulong MaskOf(string word)
        {
            var mask = 0UL;
            var words = _idea.Words;
            for (var i = 0; i < words.Length; i++)
            {
                if (WordsMatch(word, words[i])) mask |= 1UL << i;
                if (IsProperPrefix(word, words[i]) || IsProperPrefix(words[i], word)) mask |= MayFormCompound;
            }
            return mask;
        }

        public void Dispose()
        {
            if (_masks is not null) System.Buffers.ArrayPool<ulong>.Shared.Return(_masks);
        }
    }

    /// <summary>
    /// Scores texts against one fixed text, remembering which of its words each other word matches.
    /// </summary>
    private sealed class WordMatcher(string[] words)
    {
        /// <summary>Texts with up to this many words keep their per-word flags on the stack.</summary>
        private const int StackFlagsLength = 256;

        private readonly Dictionary<string, bool[]> _matchesByWord = new(StringComparer.Ordinal);
        private readonly bool _negated = IsNegated(words);

        /// <summary>
        /// Share of the words of both texts that have a counterpart on the other side, scaled down by
        /// <see cref="NegationMismatchFactor"/> when only one of the texts is negated.
        /// </summary>
        public double Score(string[] other)
        {
            // Both flag arrays live on the stack for ordinary ideas: this runs once per candidate.
            var matched = words.Length <= StackFlagsLength ? stackalloc bool[words.Length] : new bool[words.Length];
            var otherMatched = other.Length <= StackFlagsLength ? stackalloc bool[other.Length] : new bool[other.Length];
            for (var j = 0; j < other.Length; j++)
            {
                var matches = MatchesOf(other[j]);
                for (var i = 0; i < words.Length; i++)
                {
                    if (!matches[i]) continue;
                    matched[i] = true;
                    otherMatched[j] = true;
                }
            }

            // Compounds written apart on one side and together on the other are checked only for the words
            // still unmatched, which keeps this pass cheap.
            for (var j = 0; j < other.Length; j++)
            {
                if (!otherMatched[j]) otherMatched[j] = IsPartOfCompound(other, j, words);
            }
            for (var i = 0; i < words.Length; i++)
            {
                if (!matched[i]) matched[i] = IsPartOfCompound(words, i, other);
            }

            var count = matched.Count(true) + otherMatched.Count(true);
            var score = (double)count / (words.Length + other.Length);
            return _negated == IsNegated(other) ? score : score * NegationMismatchFactor;
        }

        /// <summary>Which of the fixed text's words <paramref name="word"/> matches, computed once per word.</summary>
        private bool[] MatchesOf(string word)
        {
            if (_matchesByWord.TryGetValue(word, out var cached)) return cached;
            var matches = new bool[words.Length];
            for (var i = 0; i < words.Length; i++) matches[i] = WordsMatch(word, words[i]);
            _matchesByWord[word] = matches;
            return matches;
        }

        /// <summary>
        /// Whether <c>text[index]</c> takes part in a compound match: it is the closed form of two adjacent
        /// words of <paramref name="other"/>, or it and a neighbour are the open form of a word there.
        /// </summary>
        private static bool IsPartOfCompound(string[] text, int index, string[] other)
        {
            var word = text[index];
            var previous = index > 0 ? text[index - 1] : null;
            var next = index + 1 < text.Length ? text[index + 1] : null;
            for (var k = 0; k < other.Length; k++)
            {
                // Every compound shares its first letter with its head; comparing that letter first keeps
                // this pass cheap for long texts, where it runs for many words.
                var candidate = other[k];
                if (candidate[0] == word[0])
                {
                    if (k + 1 < other.Length && IsCompoundOf(word, candidate, other[k + 1])) return true;
                    if (next is not null && IsCompoundOf(candidate, word, next)) return true;
                }
                if (previous is not null && candidate[0] == previous[0] && IsCompoundOf(candidate, previous, word)) return true;
            }
            return false;
        }
    }
}
