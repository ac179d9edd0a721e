using System.Globalization;

namespace ImproveBot.Core;

/// <summary>How the bot writes numbers and counted nouns, the same in every reply and on every platform.</summary>
internal static class Wording
{
    /// <summary>"1 idea", "3 ideas": English plural by adding "s", which is all the bot's nouns need.</summary>
    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{Number(n)} {noun}s";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
