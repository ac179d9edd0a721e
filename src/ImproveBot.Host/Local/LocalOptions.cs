namespace ImproveBot.Host.Local;

/// <summary>The local playground. Bound from the <c>Local</c> section.</summary>
internal sealed class LocalOptions
{
    public const string Section = "Local";

    /// <summary>
    /// Null (default): on exactly when no chat platform is configured. The playground lets anyone act as
    /// anyone, so it must never be on beside a real workspace unless someone asks for it explicitly.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Playground users who may run admin commands.</summary>
    public List<string> Admins { get; set; } = ["lead"];

    /// <summary>The playground team's name and digest channel.</summary>
    public string TeamName { get; set; } = "Playground";

    public string Channel { get; set; } = "team";

    /// <summary>How many messages each inbox (and the channel) keeps, newest last.</summary>
    public int MaxMessagesPerMailbox { get; set; } = 200;
}
