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

    /// <summary>Playground users who may run admin commands; <c>lead</c> when not set.</summary>
    /// <remarks>Null by default rather than pre-filled: the configuration binder appends to a pre-filled list,
    /// which would keep <c>lead</c> an admin after someone configured a different list.</remarks>
    public List<string>? Admins { get; set; }

    public IReadOnlyList<string> EffectiveAdmins => Admins is { Count: > 0 } admins ? admins : ["lead"];

    /// <summary>The playground team's name and digest channel.</summary>
    public string TeamName { get; set; } = "Playground";

    public string Channel { get; set; } = "team";

    /// <summary>How many messages each inbox (and the channel) keeps, newest last.</summary>
    public int MaxMessagesPerMailbox { get; set; } = 200;
}
