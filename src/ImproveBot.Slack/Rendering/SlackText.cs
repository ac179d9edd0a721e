using System.Globalization;
using System.Text;

namespace ImproveBot.Slack.Rendering;

/// <summary>
/// Makes text safe to put in a Slack text object (slack.md §8). <see cref="Escape"/> is the documented escaping;
/// <see cref="Inline"/> and <see cref="Multiline"/> are what the renderers use for any text a person wrote.
/// </summary>
internal static class SlackText
{
    /// <summary>Zero-width space: invisible, but it breaks a token Slack would otherwise act on.</summary>
    internal const char ZeroWidthSpace = '\u200B';

    /// <summary>Appended to text that was cut to fit a limit.</summary>
    internal const string Ellipsis = "…";

    /// <summary>Words that ping a whole channel when Slack reads them as a mention.</summary>
    private static readonly string[] MassMentions = ["channel", "everyone", "here", "group"];

    /// <summary>The only characters Slack decodes back, so the only ones a cut must not split.</summary>
    private static readonly string[] Entities = ["&amp;", "&lt;", "&gt;"];

    /// <summary>
    /// Escapes Slack's three control characters, <c>&amp;</c> first so the entities it writes are not escaped again,
    /// and nothing else (Slack shows any other entity literally). Text that is already escaped is escaped again on
    /// purpose: user text is never trusted to be "already safe".
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary>
    /// User text for one line of a list (idea text, names, tags): line breaks become single spaces so a text cannot
    /// start a new list item or a quote of its own, then <see cref="Defuse"/>.
    /// </summary>
    public static string Inline(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        return Defuse(Core.Digest.DigestWording.CollapseLineBreaks(userText).Trim());
    }

    /// <summary>Text whose line breaks matter (notices, replies): line endings become <c>\n</c>, then <see cref="Defuse"/>.</summary>
    public static string Multiline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Defuse(text.ReplaceLineEndings("\n").Trim('\n'));
    }

    /// <summary>
    /// <see cref="Escape"/> plus two defences Escape cannot give: a zero-width space after <c>@</c> in
    /// <c>@channel</c>, <c>@here</c>, <c>@everyone</c>, <c>@group</c> (the fallback <c>text</c> has no <c>verbatim</c>, and
    /// whether Slack turns those bare words into mentions is unverified), and one between consecutive backticks, so a
    /// person's <c>```</c> cannot open a code block that swallows the following lines (other people's ideas and names).
    /// </summary>
    public static string Defuse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = Escape(text);
        var builder = new StringBuilder(escaped.Length + 8);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '`' && i > 0 && escaped[i - 1] == '`') builder.Append(ZeroWidthSpace);
            builder.Append(c);
            // Case-insensitive: over-defusing "@Here" costs nothing, missing a variant pings everyone.
            if (c == '@' && MassMentions.Any(w => escaped.AsSpan(i + 1).StartsWith(w, StringComparison.OrdinalIgnoreCase)))
                builder.Append(ZeroWidthSpace);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Undoes the core's Markdown escaping (<c>MarkdownText.Escape</c> puts a backslash before every Markdown
    /// metacharacter, a backslash included). Core replies embed user text escaped that way for the playground, and
    /// Slack's mrkdwn has no backslash escapes, so people would see the backslashes. Exact inverse for escaped parts;
    /// the bot's own text has no backslashes. The result is raw text again: it still needs <see cref="Multiline"/>.
    /// </summary>
    public static string FromCoreMarkdown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('\\')) return text;
        const string metacharacters = "\\`*_{}[]()#+-.!|<>~";
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && metacharacters.Contains(text[i + 1]))
            {
                builder.Append(text[i + 1]);
                i++;
                continue;
            }
            builder.Append(text[i]);
        }
        return builder.ToString();
    }

    /// <summary>Shortens raw (unescaped) text to at most <paramref name="maxLength"/> chars, ending in "…" when cut.</summary>
    public static string Shorten(string raw, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length <= maxLength) return raw;
        return raw[..SafeCut(raw, maxLength - Ellipsis.Length, escaped: false)].TrimEnd() + Ellipsis;
    }

    /// <summary>
    /// Cuts already-escaped text to at most <paramref name="maxLength"/> chars, ending in "…" when cut. Never splits an
    /// entity (<c>&amp;lt;</c> cut to <c>&amp;l</c> would show garbage), a surrogate pair or a combined character.
    /// </summary>
    public static string Truncate(string escaped, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (escaped.Length <= maxLength) return escaped;
        return escaped[..SafeCut(escaped, maxLength - Ellipsis.Length, escaped: true)].TrimEnd() + Ellipsis;
    }

    /// <summary>
    /// Splits already-escaped text into pieces of at most <paramref name="maxLength"/> chars, preferring line breaks,
    /// then spaces, and never splitting an entity or a character. Concatenating the pieces (with the line break or
    /// space they were split at) gives the text back; nothing is dropped.
    /// </summary>
    public static IReadOnlyList<string> Split(string escaped, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 16);
        var pieces = new List<string>();
        var rest = escaped;
        while (rest.Length > maxLength)
        {
            var cut = SafeCut(rest, maxLength, escaped: true);
            // Prefer a natural break in the second half of the window, so pieces stay reasonably full.
            var lineBreak = rest.LastIndexOf('\n', cut - 1, cut);
            var space = rest.LastIndexOf(' ', cut - 1, cut);
            var at = lineBreak >= cut / 2 ? lineBreak : space >= cut / 2 ? space : -1;
            if (at > 0)
            {
                pieces.Add(rest[..at]);
                rest = rest[(at + 1)..];
            }
            else
            {
                pieces.Add(rest[..cut]);
                rest = rest[cut..];
            }
        }
        if (rest.Length > 0 || pieces.Count == 0) pieces.Add(rest);
        return pieces;
    }

    /// <summary>
    /// Packs already-escaped lines into as few texts as possible, each at most <paramref name="maxLength"/> chars,
    /// joined by <c>\n</c>. A line longer than the limit is <see cref="Split"/> over several texts.
    /// </summary>
    public static IReadOnlyList<string> Pack(IEnumerable<string> lines, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var texts = new List<string>();
        var current = new StringBuilder();
        foreach (var line in lines)
        {
            foreach (var piece in line.Length > maxLength ? Split(line, maxLength) : [line])
            {
                if (current.Length > 0 && current.Length + 1 + piece.Length > maxLength)
                {
                    texts.Add(current.ToString());
                    current.Clear();
                }
                if (current.Length > 0) current.Append('\n');
                current.Append(piece);
            }
        }
        if (current.Length > 0) texts.Add(current.ToString());
        return texts;
    }

    /// <summary>Formats a number the same way on every host.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A date as <c>yyyy-MM-dd</c>, the same on every host.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The largest index ≤ <paramref name="limit"/> at which the text can be cut without splitting a character or entity.</summary>
    private static int SafeCut(string text, int limit, bool escaped)
    {
        limit = Math.Clamp(limit, 0, text.Length);
        // Text elements keep surrogate pairs, emoji sequences and combining marks whole.
        var cut = 0;
        var span = text.AsSpan();
        while (cut < limit)
        {
            var next = StringInfo.GetNextTextElementLength(span[cut..]);
            if (next <= 0 || cut + next > limit) break;
            cut += next;
        }
        if (cut == 0 && limit > 0 && text.Length > 0)
        {
            // One text element longer than the whole limit (e.g. a pathological run of combining marks): cut at a
            // code point instead, so the loop that calls this always makes progress.
            cut = char.IsHighSurrogate(text[limit - 1]) && limit > 1 ? limit - 1 : limit;
        }
        if (!escaped) return cut;
        // In escaped text every '&' starts one of the three entities; never cut inside one.
        var amp = text.LastIndexOf('&', Math.Max(cut - 1, 0), Math.Min(cut, 4));
        if (amp >= 0 && amp < cut)
        {
            var entity = Entities.FirstOrDefault(e => text.AsSpan(amp).StartsWith(e, StringComparison.Ordinal));
            if (entity is not null && amp + entity.Length > cut && amp > 0) cut = amp;
        }
        return cut;
    }

}
