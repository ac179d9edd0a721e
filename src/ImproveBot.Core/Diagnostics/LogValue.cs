namespace ImproveBot.Core.Diagnostics;

/// <summary>
/// For values that arrive from outside (ids, content types, event types) and go into log lines: a signed but odd
/// request must not write a megabyte into the log, and a line break in a value must not forge a second log line.
/// </summary>
internal static class LogValue
{
    public const int MaxLength = 64;

    /// <summary>At most <see cref="MaxLength"/> characters, control characters as <c>?</c>, and "…" when cut.</summary>
    public static string Clip(string? value)
    {
        if (value is null) return "(none)";
        var clipped = value.Length <= MaxLength ? value : value[..MaxLength] + "…";
        return clipped.Any(char.IsControl) ? string.Concat(clipped.Select(c => char.IsControl(c) ? '?' : c)) : clipped;
    }
}
