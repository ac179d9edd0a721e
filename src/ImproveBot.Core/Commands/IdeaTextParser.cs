using System.Globalization;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Commands;

/// <summary>
/// Parses the free text of <c>/idea</c> and <c>/ideas</c>: <c>#tags</c> and <c>--flags</c> may appear
/// anywhere, everything else is the idea (or the search words).
/// </summary>
internal static class IdeaTextParser
{
    public const int MaxTags = 10;
    public const int MaxTagLength = 32;
    public const int MaxSearchLength = 200;

    // Visibility flags; the names are matched case-insensitively.
    private static readonly Dictionary<string, IdeaVisibility> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["private"] = IdeaVisibility.Private,
        ["anon"] = IdeaVisibility.Anonymous,
        ["anonymous"] = IdeaVisibility.Anonymous,
        ["team"] = IdeaVisibility.Team,
    };

    /// <summary>Punctuation that may end a sentence right after a tag: <c>… first #reading.</c></summary>
    private static readonly char[] TrailingPunctuation = ['.', ',', ';', ':', '!', '?', ')'];

    /// <summary><c>/idea</c> arguments, already split into words by <see cref="InputText.Words"/>.</summary>
    public static ParseResult ParseLogIdea(IReadOnlyList<string> words)
    {
        if (words.Count == 1 && IsHelp(words[0])) return new HelpCommand("idea");

        var textWords = new List<string>(words.Count);
        var tags = new List<string>();
        var seenTags = new HashSet<string>(StringComparer.Ordinal); // keeps de-duplication linear for huge input
        IdeaVisibility? visibility = null;
        string? visibilityFlag = null;

        foreach (var word in words)
        {
            switch (Classify(word))
            {
                case WordKind.Flag:
                    var name = FlagName(word);
                    if (!Flags.TryGetValue(name, out var flagVisibility))
                        return ParseResult.Failure(CommandHints.UnknownFlag(word, NearMiss.Closest(name, Flags.Keys)));
                    if (visibility is not null && visibility != flagVisibility)
                        return ParseResult.Failure(CommandHints.ConflictingFlags(visibilityFlag!, word));
                    visibility = flagVisibility;
                    visibilityFlag = word;
                    break;

                case WordKind.Tag:
                    if (!TryReadTag(word, out var tag))
                        return ParseResult.Failure(CommandHints.TagTooLong(tag, MaxTagLength));
                    if (seenTags.Add(tag)) tags.Add(tag);
                    break;

                default:
                    textWords.Add(word);
                    break;
            }
        }

        // Counted after de-duplication: "#a #A" is one tag.
        if (tags.Count > MaxTags) return ParseResult.Failure(CommandHints.TooManyTags(tags.Count, MaxTags));

        var text = string.Join(' ', textWords);
        if (text.Length == 0)
            return ParseResult.Failure(tags.Count > 0 ? CommandHints.TagsWithoutIdea() : CommandHints.EmptyIdea());
        if (text.Length > CommandParser.MaxIdeaLength)
            return ParseResult.Failure(CommandHints.IdeaTooLong(text.Length, CommandParser.MaxIdeaLength));

        return new LogIdeaCommand(text, tags, visibility);
    }

    /// <summary><c>/ideas</c> arguments: an optional leading <c>mine</c>/<c>team</c>, at most one tag, search words.</summary>
    public static ParseResult ParseListIdeas(IReadOnlyList<string> words)
    {
        if (words.Count == 1 && IsHelp(words[0])) return new HelpCommand("ideas");

        // The scope word only counts first, so "/ideas team building" still searches for "building"
        // while "/ideas #reading mine" searches for "mine".
        var scope = IdeaScope.Team;
        var start = 0;
        if (words.Count > 0 && words[0].Equals("mine", StringComparison.OrdinalIgnoreCase))
            (scope, start) = (IdeaScope.Mine, 1);
        else if (words.Count > 0 && words[0].Equals("team", StringComparison.OrdinalIgnoreCase))
            start = 1;

        string? tag = null;
        var searchWords = new List<string>();
        for (var i = start; i < words.Count; i++)
        {
            var word = words[i];
            switch (Classify(word))
            {
                case WordKind.Flag:
                    return ParseResult.Failure(CommandHints.ListTakesNoFlags(word));

                case WordKind.Tag:
                    if (!TryReadTag(word, out var found))
                        return ParseResult.Failure(CommandHints.TagTooLong(found, MaxTagLength));
                    if (tag is not null && tag != found) return ParseResult.Failure(CommandHints.OneTagOnly());
                    tag = found;
                    break;

                default:
                    searchWords.Add(word);
                    break;
            }
        }

        var search = string.Join(' ', searchWords);
        if (search.Length > MaxSearchLength) return ParseResult.Failure(CommandHints.SearchTooLong(MaxSearchLength));
        return new ListIdeasCommand(scope, tag, search.Length == 0 ? null : search);
    }

    private enum WordKind { Text, Tag, Flag }

    private static WordKind Classify(string word)
    {
        if (IsFlag(word)) return WordKind.Flag;
        return TagBody(word) is { } body && LooksLikeTag(body) ? WordKind.Tag : WordKind.Text;
    }

    /// <summary>
    /// <c>--name</c> with a name starting with a letter, so arrows (<c>--&gt;</c>) and dashes in prose stay text.
    /// Phones and macOS turn <c>--</c> into an em or en dash, so <c>—private</c> counts too, but only for
    /// known flag names: an em dash before an ordinary word is punctuation, not a typo'd option.
    /// </summary>
    private static bool IsFlag(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal))
            return word.Length > 2 && char.IsLetter(word[2]);
        return word.Length > 1 && (word[0] is '\u2014' or '\u2013') && Flags.ContainsKey(word[1..]);
    }

    private static string FlagName(string word) => word.StartsWith("--", StringComparison.Ordinal) ? word[2..] : word[1..];

    /// <summary>
    /// The would-be tag in a word: after a leading <c>#</c> without trailing sentence punctuation, or the
    /// name in a Slack channel link <c>&lt;#C0123|reading&gt;</c> (Slack rewrites <c>#reading</c> like that
    /// when a channel of that name exists and the app asks for escaped text). Null if the word has neither.
    /// </summary>
    private static string? TagBody(string word)
    {
        if (word.StartsWith("<#", StringComparison.Ordinal) && word.EndsWith('>'))
        {
            var bar = word.IndexOf('|');
            return bar < 0 ? null : word[(bar + 1)..^1];
        }
        return word.StartsWith('#') ? word[1..].TrimEnd(TrailingPunctuation) : null;
    }

    /// <summary>
    /// A tag starts with a letter and goes on with letters, digits, <c>-</c> or <c>_</c> (any script, so
    /// combining marks count too: Devanagari vowel signs are marks, not letters). So <c>#1</c> and
    /// <c>C#</c> stay text. Length is checked separately so an over-long tag gets its own hint.
    /// </summary>
    private static bool LooksLikeTag(string body) =>
        body.Length > 0 && char.IsLetter(body[0]) && body.All(IsTagChar);

    private static bool IsTagChar(char c) =>
        char.IsLetterOrDigit(c) || c is '-' or '_' ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>The normalised tag of a word <see cref="Classify"/> called a tag; false if it is too long.</summary>
    private static bool TryReadTag(string word, out string tag)
    {
        tag = TagBody(word)!.ToLowerInvariant();
        return tag.Length <= MaxTagLength;
    }

    private static bool IsHelp(string word) => word.Equals("help", StringComparison.OrdinalIgnoreCase);
}
