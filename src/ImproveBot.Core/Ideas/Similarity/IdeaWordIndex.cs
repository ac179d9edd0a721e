using System.Numerics;
using System.Runtime.InteropServices;

namespace ImproveBot.Core.Ideas.Similarity;

/// <summary>
/// One team's recent ideas, indexed by word, so that a new idea is scored only against ideas that share related words
/// with it instead of against all of them. Not thread-safe: <see cref="TeamIdeaIndex"/> guards each instance.
/// </summary>
/// <remarks>
/// <para>
/// Two words are related when they may count as a match in <see cref="SimilarIdeaFinder.Score"/>: the same word,
/// a typo or inflection of it (<see cref="SimilarIdeaFinder.WordsMatch"/>), or one a proper prefix of the other (a
/// compound and its head, "email" / "e"). All of these share a first letter, so a word's relations are looked for
/// among the words with its initial only, and remembered.
/// </para>
/// <para>
/// For each idea that holds a word related to one of the new idea's, the search records which positions on both sides
/// are related. A word can only be matched if it is related, or (the tail of a compound, "mail" in "e mail") if its
/// left neighbour is a prefix of a word on the other side; counting those positions bounds the score from above. Ideas
/// whose bound reaches <see cref="SimilarIdeaFinder.Threshold"/> are scored exactly; the others, and all the ideas
/// that share no related word, cannot match.
/// </para>
/// </remarks>
internal sealed class IdeaWordIndex
{
    private const int Match = 1;
    private const int Prefix = 2;

    /// <summary>Bit 63 of a position mask stands for "a position past 62": such ideas are scored exactly.</summary>
    private const int MaskedPositions = 63;

    private readonly int _capacity;
    private readonly WordVocabulary _vocabulary = new();
    private readonly TeamIdeaIndex.Entry?[] _ideas;           // by sequence number modulo capacity
    private readonly bool[] _withdrawn;                       // likewise; a withdrawn idea's postings leave when it ages out
    private readonly Dictionary<long, long> _sequenceById = [];
    private long _firstSequence;                              // the oldest idea held
    private long _nextSequence;                               // the next idea added
    private readonly List<Postings> _postings = [];           // by word number
    private readonly List<Relations?> _relations = [];        // by word number, found on first use
    private readonly Dictionary<char, List<int>> _wordsByInitial = [];
    private Tally[] _tally = [];  // per idea during one search; all zero between searches
    private int[] _touched = [];  // the ideas one search touched, so that only those are zeroed again

    public IdeaWordIndex(int capacity)
    {
        _capacity = capacity;
        _ideas = new TeamIdeaIndex.Entry?[capacity];
        _withdrawn = new bool[capacity];
    }

    /// <summary>Ideas held (withdrawn ones included until they age out).</summary>
    public int Count => (int)(_nextSequence - _firstSequence);

    /// <summary>Adds an idea as the newest; the oldest leave once there are more than the capacity.</summary>
    public void Add(long id, long authorId, IdeaVisibility visibility, string? publicAuthor, string text) =>
        Add(id, authorId, visibility, publicAuthor, PreparedCandidate.Of(0, text));

    /// <summary>
    /// Adds an idea, its words normalised beforehand (<paramref name="prepared"/>, as for <see cref="FindMostSimilar(PreparedCandidate, long, long)"/>),
    /// so that the caller can do that outside the lock and once for both. An idea already held is left as it is.
    /// </summary>
    public void Add(long id, long authorId, IdeaVisibility visibility, string? publicAuthor, PreparedCandidate prepared)
    {
        // An index loaded from the store just after the idea was committed holds it already.
        if (_sequenceById.ContainsKey(id)) return;
        var known = _vocabulary.Count;
        var candidate = PreparedCandidate.Of(id, prepared.Text, prepared.Words, _vocabulary);
        for (var word = known; word < _vocabulary.Count; word++)
        {
            _postings.Add(new Postings());
            _relations.Add(null);
            var initial = _vocabulary.WordAt(word)[0];
            if (!_wordsByInitial.TryGetValue(initial, out var bucket)) _wordsByInitial[initial] = bucket = [];
            bucket.Add(word);
        }

        if (Count == _capacity)
        {
            // The oldest leaves first, so that its slot is free for the newest.
            // Withdrawn or not, its postings go: one left behind would point before the window.
            var slot = Slot(_firstSequence);
            var oldest = _ideas[slot]!;
            if (!_withdrawn[slot]) _sequenceById.Remove(oldest.Id); // a withdrawn one left the map when it was withdrawn
            _firstSequence++;
            foreach (var word in oldest.Candidate.WordIds) _postings[word].DropBefore(_firstSequence);
        }

        var sequence = _nextSequence++;
        for (var position = 0; position < candidate.WordIds.Length; position++)
            _postings[candidate.WordIds[position]].Add(sequence, position);
        _ideas[Slot(sequence)] = new TeamIdeaIndex.Entry(id, authorId, visibility, publicAuthor, candidate);
        _withdrawn[Slot(sequence)] = false;
        _sequenceById[id] = sequence;
    }

    /// <summary>Withdraws an idea: it is no longer offered, and its slot and postings stay until it ages out.</summary>
    public void Remove(long ideaId)
    {
        if (_sequenceById.Remove(ideaId, out var sequence)) _withdrawn[Slot(sequence)] = true;
    }

    private int Slot(long sequence) => (int)(sequence % _capacity);

    /// <summary>
    /// The most similar idea <paramref name="viewerId"/> may see, other than <paramref name="excludeId"/>; on equal
    /// scores the newest.
    /// </summary>
    public (TeamIdeaIndex.Entry Idea, double Score)? FindMostSimilar(string text, long viewerId, long excludeId) =>
        FindMostSimilar(PreparedCandidate.Of(0, text), viewerId, excludeId);

    /// <summary>The same, for a text prepared beforehand with <see cref="PreparedCandidate.Of(long, string?)"/>.</summary>
    public (TeamIdeaIndex.Entry Idea, double Score)? FindMostSimilar(PreparedCandidate idea, long viewerId, long excludeId)
    {
        if (idea.Words.Length == 0) return null;
        var candidates = idea.Words.Length < MaskedPositions ? CandidatesFor(idea) : AllIdeas();
        candidates.RemoveAll(e => e.Id == excludeId || (e.Visibility == IdeaVisibility.Private && e.AuthorId != viewerId));
        if (candidates.Count == 0) return null;
        candidates.Sort((a, b) => b.Id.CompareTo(a.Id)); // newest first: it wins ties
        var best = SimilarIdeaFinder.FindMostSimilar(idea, candidates.ConvertAll(c => c.Candidate), _vocabulary.Count);
        return best is null ? null : (candidates.First(c => c.Id == best.Id), best.Score);
    }

    private List<TeamIdeaIndex.Entry> AllIdeas()
    {
        var all = new List<TeamIdeaIndex.Entry>(Count);
        for (var sequence = _firstSequence; sequence < _nextSequence; sequence++)
        {
            if (!_withdrawn[Slot(sequence)]) all.Add(_ideas[Slot(sequence)]!);
        }
        return all;
    }

    /// <summary>The ideas whose bound (see remarks) reaches the threshold.</summary>
    /// <remarks>
    /// The hot path of every <c>/idea</c>: in a busy team most ideas share a word or a tag with the new one, so this
    /// visits about a thousand postings per search. It reuses its buffers (the index is used under a lock) and rejects
    /// an idea from its bit masks alone where it can, without reaching for the idea's own length.
    /// </remarks>
    private List<TeamIdeaIndex.Entry> CandidatesFor(PreparedCandidate idea)
    {
        var count = Count;
        if (_tally.Length < count)
        {
            _tally = new Tally[Math.Max(count, _capacity + 1)];
            _touched = new int[_tally.Length];
        }
        var tally = _tally;
        var touched = _touched;
        var touchedCount = 0;
        try
        {
            for (var i = 0; i < idea.Words.Length; i++)
            {
                foreach (var (word, kind) in CollectionsMarshal.AsSpan(RelationsOf(idea.Words[i])))
                {
                    // A related position may match; a prefix position may match, and so may its right neighbour (the
                    // tail of a compound): shifting by 1 sets both, by 0 only the position (past bit 63 it falls off).
                    var neighbour = (kind & Prefix) != 0 ? 1 : 0;
                    var newBits = (1UL << i) | (1UL << i << neighbour);
                    foreach (var posting in _postings[word].Current)
                    {
                        var index = (int)(Postings.SequenceOf(posting) - _firstSequence);
                        ref var t = ref tally[index];
                        if (t.Old == 0) touched[touchedCount++] = index; // first visit: every visit sets a bit
                        var bit = 1UL << Postings.PositionOf(posting);
                        t.Old |= bit | (bit << neighbour);
                        t.New |= newBits;
                    }
                }
            }

            var result = new List<TeamIdeaIndex.Entry>();
            var newLength = idea.Words.Length;
            var newMask = (1UL << newLength) - 1;
            for (var k = 0; k < touchedCount; k++)
            {
                var index = touched[k];
                var t = tally[index];
                var possibleNew = BitOperations.PopCount(t.New & newMask);
                // Bit 63 stands for positions past 62 (or the neighbour of position 62): such ideas are scored exactly.
                var beyondMasks = t.Old >> MaskedPositions != 0;
                if (!beyondMasks)
                {
                    // Whatever the idea's length L, at most `possibleOld` of its positions can match and L is at
                    // least that many, so (possibleOld + possibleNew) / (possibleOld + newLength) bounds the score.
                    var possibleOld = BitOperations.PopCount(t.Old);
                    if ((double)(possibleOld + possibleNew) / (possibleOld + newLength) < SimilarIdeaFinder.Threshold) continue;
                }
                var slot = Slot(_firstSequence + index);
                if (_withdrawn[slot]) continue;
                var entry = _ideas[slot]!;
                var length = entry.Candidate.Words.Length;
                if (length >= MaskedPositions || beyondMasks)
                {
                    result.Add(entry); // too long to bound with bit masks: score it exactly
                    continue;
                }
                var lengthMask = (1UL << length) - 1;
                var possible = BitOperations.PopCount(t.Old & lengthMask) + possibleNew;
                // The same arithmetic as the score, so rounding cannot make the bound disagree with it.
                if ((double)possible / (length + newLength) >= SimilarIdeaFinder.Threshold) result.Add(entry);
            }
            return result;
        }
        finally
        {
            for (var k = 0; k < touchedCount; k++) tally[touched[k]] = default;
        }
    }

    /// <summary>The words of the index related to <paramref name="word"/> (see remarks), with how.</summary>
    private List<(int Word, int Kind)> RelationsOf(string word)
    {
        if (!_wordsByInitial.TryGetValue(word[0], out var bucket)) return [];
        var known = _vocabulary.TryGetId(word, out var id);
        // A number is related to itself only: no need to look through the bucket (in a busy team, every ticket
        // number or date ever seen).
        if (SimilarIdeaFinder.IsNumber(word)) return known ? (_relations[id] ??= NumberRelations(id)).Related : [];
        var relations = known ? _relations[id] ??= new Relations() : new Relations();
        // Words added since the last look come at the end of the bucket: only those are compared.
        for (; relations.Scanned < bucket.Count; relations.Scanned++)
        {
            var other = bucket[relations.Scanned];
            var kind = Kind(word, _vocabulary.WordAt(other));
            if (kind != 0) relations.Related.Add((other, kind));
        }
        return relations.Related;
    }

    private static Relations NumberRelations(int id)
    {
        var relations = new Relations { Scanned = int.MaxValue };
        relations.Related.Add((id, Match));
        return relations;
    }

    private static int Kind(string a, string b)
    {
        var kind = SimilarIdeaFinder.WordsMatch(a, b) ? Match : 0;
        if (SimilarIdeaFinder.IsProperPrefix(a, b) || SimilarIdeaFinder.IsProperPrefix(b, a)) kind |= Prefix;
        return kind;
    }

    /// <summary>
    /// Per idea during one search, as bit masks: the positions on its side that may match (related to a word of the new
    /// idea, or right after a prefix of one), and the same on the new idea's side. Two words, not one per kind: the
    /// bound needs only their union, and a search touches about a thousand ideas.
    /// </summary>
    private struct Tally
    {
        public ulong Old;
        public ulong New;
    }

    /// <summary>
    /// Where a word occurs, oldest first, entries before <see cref="Start"/> aged out: each an idea's sequence number and
    /// the word's position in it, packed in one long (half the memory a search walks through, against a tuple).
    /// </summary>
    private sealed class Postings
    {
        public List<long> Items { get; } = [];
        public int Start { get; private set; }

        /// <summary>The entries not aged out.</summary>
        public ReadOnlySpan<long> Current => CollectionsMarshal.AsSpan(Items)[Start..];

        /// <summary>Positions past 62 share <see cref="MaskedPositions"/>, as they share its bit.</summary>
        public void Add(long sequence, int position) => Items.Add(sequence << 6 | (long)Math.Min(position, MaskedPositions));

        public static long SequenceOf(long posting) => posting >> 6;

        public static int PositionOf(long posting) => (int)(posting & MaskedPositions);

        public void DropBefore(long firstSequence)
        {
            while (Start < Items.Count && SequenceOf(Items[Start]) < firstSequence) Start++;
            // Compact now and then, so a frequent word's list does not keep every idea it was ever in.
            if (Start > 64 && Start > Items.Count / 2)
            {
                Items.RemoveRange(0, Start);
                Start = 0;
            }
        }
    }

    private sealed class Relations
    {
        public List<(int Word, int Kind)> Related { get; } = [];
        public int Scanned { get; set; }
    }
}
