using System.Globalization;
using System.Text;
using ImproveBot.Core.Digest;

namespace ImproveBot.Discord.Rendering;

/// <summary>
/// Makes text safe to put in a Discord message or embed. Discord renders Markdown and honours a backslash before any
/// punctuation, so user text goes through the core's <see cref="MarkdownText.Escape"/>: every Markdown metacharacter
/// (<c>* _ ~ ` | &gt; # - [ ] ( )</c> …) is backslash-escaped, which also makes <c>&lt;@123&gt;</c>, <c>&lt;@&amp;456&gt;</c>,
/// <c>&lt;#789&gt;</c> and masked links <c>[x](url)</c> render as the literal text, and <c>@everyone</c> / <c>@here</c> get a
/// zero-width space. That is the rendering defence; <c>allowed_mentions: {"parse": []}</c> on every message is the
/// delivery one (nothing pings even if something slipped through).
/// </summary>
internal static class DiscordText
{
    /// <summary>Appended to text that was cut to fit a limit.</summary>
    internal const string Ellipsis = "…";

    /// <summary>User text for one line (idea text, names, tags, questions): line breaks become spaces, then escaped.</summary>
    public static string Inline(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        return MarkdownText.Escape(userText);
    }

    /// <summary>Text whose line breaks matter (notices): each line escaped like <see cref="Inline"/>, joined by <c>\n</c>.</summary>
    public static string Multiline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join('\n', text.ReplaceLineEndings("\n").Trim('\n').Split('\n').Select(MarkdownText.Escape));
    }

    /// <summary>Shortens raw (unescaped) text to at most <paramref name="maxLength"/> chars, ending in "…" when cut.</summary>
    public static string Shorten(string raw, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length <= maxLength) return raw;
        return raw[..SafeCut(raw, maxLength - Ellipsis.Length, escaped: false)].TrimEnd() + Ellipsis;
    }

    /// <summary>
    /// Cuts already-escaped text to at most <paramref name="maxLength"/> chars, ending in "…" when cut. Never separates a
    /// backslash from the character it escapes (which would escape the ellipsis instead and unescape nothing) or splits a
    /// surrogate pair or combined character.
    /// </summary>
    public static string Truncate(string escaped, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (escaped.Length <= maxLength) return escaped;
        return escaped[..SafeCut(escaped, maxLength - Ellipsis.Length, escaped: true)].TrimEnd() + Ellipsis;
    }

    /// <summary>
    /// Splits already-escaped text into pieces of at most <paramref name="maxLength"/> chars, preferring line breaks,
    /// then spaces, never splitting an escape or a character. Joining the pieces with the break they were split at gives
    /// the text back; nothing is dropped.
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
            var at = lineBreak >= cut / 2 ? lineBreak : space >= cut / 2 && !IsEscaped(rest, space) ? space : -1;
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
    /// Packs already-escaped lines into as few texts as possible, each at most <paramref name="maxLength"/> chars, joined
    /// by <c>\n</c>. A line longer than the limit is <see cref="Split"/> over several texts.
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

    /// <summary>Whether the character at <paramref name="index"/> is escaped (an odd run of backslashes before it).</summary>
    private static bool IsEscaped(string text, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && text[i] == '\\'; i--) backslashes++;
        return backslashes % 2 == 1;
    }

    /// <summary>The largest index ≤ <paramref name="limit"/> at which the text can be cut without splitting a character or escape.</summary>
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
            // One text element longer than the whole limit (a pathological run of combining marks): cut at a code
            // point instead, so the loop that calls this always makes progress.
            cut = char.IsHighSurrogate(text[limit - 1]) && limit > 1 ? limit - 1 : limit;
        }
        // In escaped text a backslash belongs to the character after it: never end a piece on an escaping backslash.
        if (escaped && cut > 1 && cut < text.Length && IsEscaped(text, cut)) cut--;
        return cut;
    }
}
