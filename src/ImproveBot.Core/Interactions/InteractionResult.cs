using ImproveBot.Core.Messaging;

namespace ImproveBot.Core.Interactions;

/// <summary>The outcome of a button, form or reply: either done (with any new idea ids) or refused with per-field errors.</summary>
public sealed record InteractionResult(Reply Reply, IReadOnlyDictionary<string, string> FieldErrors, IReadOnlyList<long> IdeaIds)
{
    internal static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    public bool Succeeded => FieldErrors.Count == 0;

    public static InteractionResult Done(Reply reply) => new(reply, NoErrors, []);

    public static InteractionResult Done(string text) => Done(Reply.Of(text));

    /// <summary>Refused as a whole (not one field): the text says why.</summary>
    public static InteractionResult Refused(string text) => new(Reply.Of(text), new Dictionary<string, string> { ["action"] = text }, []);
}
