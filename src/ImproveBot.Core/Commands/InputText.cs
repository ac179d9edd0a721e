using System.Text;

namespace ImproveBot.Core.Commands;

/// <summary>
/// Cleans raw platform text before parsing, so every parser sees one normal form: single spaces,
/// no control or invisible characters, valid UTF-16. Letters of every script are kept.
/// </summary>
internal static class InputText
{
    /// <summary>Longest piece of member input quoted back in a hint.</summary>
    private const int MaxEchoLength = 40;

    /// <summary>
    /// Trims, turns every whitespace or control character (tabs, newlines, <c>\0</c>) into a single
    /// space, drops invisible characters and replaces unpaired surrogates with U+FFFD.
    /// </summary>
    public static string Clean(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return "";

        var builder = new StringBuilder(raw.Length);
        var spacePending = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsHighSurrogate(c) && i + 1 < raw.Length && char.IsLowSurrogate(raw[i + 1]))
            {
                // A valid pair (emoji, rare CJK): keep both halves together.
                Append(c, raw[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone half cannot be encoded as UTF-8 when the reply is sent; mark it visibly instead.
                Append('\uFFFD');
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                spacePending = builder.Length > 0;
            }
            else if (!IsInvisible(c))
            {
                Append(c);
            }
        }

        return builder.ToString();

        void Append(char first, char second = '\0')
        {
            if (spacePending) builder.Append(' ');
            spacePending = false;
            builder.Append(first);
            if (second != '\0') builder.Append(second);
        }
    }

    /// <summary>Cleans <paramref name="raw"/> and splits it into words.</summary>
    public static string[] Words(string? raw) => Clean(raw).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Member input made safe to quote inside backticks in a hint: shortened, and without the characters
    /// that would end the code span or form a Slack control sequence such as <c>&lt;!channel&gt;</c>.
    /// </summary>
    public static string Echo(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxEchoLength + 1));
        foreach (var c in text)
        {
            if (builder.Length >= MaxEchoLength)
            {
                // Never cut a surrogate pair in half.
                if (char.IsHighSurrogate(builder[^1])) builder.Length--;
                builder.Append('…');
                break;
            }
            if (c is '`' or '<' or '>') continue;
            builder.Append(c);
        }
        return builder.Length == 0 ? "…" : builder.ToString();
    }

    /// <summary>
    /// Format characters that are invisible yet change nothing a member meant: zero-width space, word
    /// joiner, BOM, soft hyphen and the bidi embedding/override/isolate controls (which can make text
    /// display differently from what is stored). Zero-width (non-)joiners are kept: emoji sequences and
    /// Persian or Indic words need them.
    /// </summary>
    private static bool IsInvisible(char c) =>
        c is '\u200B' or '\u2060' or '\uFEFF' or '\u00AD'
            or (>= '\u202A' and <= '\u202E')
            or (>= '\u2066' and <= '\u2069');
}
