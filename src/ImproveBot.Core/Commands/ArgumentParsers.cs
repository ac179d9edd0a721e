using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ImproveBot.Core.Commands;

/// <summary>Small value parsers shared by the command parsers. None of them throw.</summary>
internal static class ArgumentParsers
{
    // "9:30" and "09:30"; the invariant culture so a server locale never changes what members must type.
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("H:mm");

    private static readonly (string Name, IsoDayOfWeek Day)[] DayNames =
    [
        ("monday", IsoDayOfWeek.Monday), ("tuesday", IsoDayOfWeek.Tuesday), ("wednesday", IsoDayOfWeek.Wednesday),
        ("thursday", IsoDayOfWeek.Thursday), ("friday", IsoDayOfWeek.Friday), ("saturday", IsoDayOfWeek.Saturday),
        ("sunday", IsoDayOfWeek.Sunday),
    ];

    /// <summary>An idea id as shown in lists: <c>42</c> or <c>#42</c>, positive.</summary>
    public static bool TryParseIdeaId(string text, out long id)
    {
        var digits = text.StartsWith('#') ? text[1..] : text;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    /// <summary>
    /// A whole number followed by a unit word: <c>2w</c>, <c>10d</c>, <c>90m</c>, or split over two
    /// words (<c>2 weeks</c>). Only ASCII digits; the unit comes back lower case (empty for a bare
    /// number). Amounts beyond nine digits are rejected instead of overflowing.
    /// </summary>
    public static bool TryParseQuantity(IReadOnlyList<string> words, out long amount, out string unit)
    {
        amount = 0;
        unit = "";
        var text = words.Count switch
        {
            1 => words[0],
            2 => words[0] + words[1],
            _ => null,
        };
        if (text is null) return false;

        var digitCount = 0;
        while (digitCount < text.Length && char.IsAsciiDigit(text[digitCount])) digitCount++;
        if (digitCount is 0 or > 9) return false;

        amount = long.Parse(text.AsSpan(0, digitCount), NumberStyles.None, CultureInfo.InvariantCulture);
        unit = text[digitCount..].ToLowerInvariant();
        return unit.All(char.IsAsciiLetter);
    }

    /// <summary>
    /// A weekday in English: full name or any unambiguous prefix of at least two letters
    /// (<c>Mon</c>, <c>tu</c>, <c>Thurs</c>, <c>FRIDAY</c>), case-insensitive.
    /// </summary>
    public static bool TryParseDay(string text, out IsoDayOfWeek day)
    {
        day = IsoDayOfWeek.None;
        if (text.Length < 2) return false;

        var matches = DayNames.Where(d => d.Name.StartsWith(text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count != 1) return false;
        day = matches[0].Day;
        return true;
    }

    /// <summary>A 24-hour clock time, <c>16:00</c> or <c>9:30</c>.</summary>
    public static bool TryParseTime(string text, out LocalTime time)
    {
        var result = TimePattern.Parse(text);
        time = result.Success ? result.Value : default;
        return result.Success;
    }

    /// <summary>
    /// A channel as the platforms deliver it: a raw id (<c>C0123ABCD</c>, <c>1234567890</c>), a Slack
    /// mention (<c>&lt;#C0123ABCD|general&gt;</c>, also with an empty name) or a Discord mention
    /// (<c>&lt;#1234567890&gt;</c>). Returns the bare id. Plain names like <c>#general</c> are refused:
    /// the bot cannot resolve names without a platform call, and ids never change when a channel is renamed.
    /// </summary>
    public static bool TryParseChannelId(string text, out string channelId)
    {
        channelId = "";
        var id = text;
        if (text.StartsWith("<#", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            id = text[2..^1];
            var bar = id.IndexOf('|');
            if (bar >= 0) id = id[..bar];
        }

        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit)) return false;
        channelId = id;
        return true;
    }
}
