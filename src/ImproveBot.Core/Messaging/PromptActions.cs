using System.Globalization;

namespace ImproveBot.Core.Messaging;

/// <summary>
/// Action ids of the buttons and forms the bot sends. Platforms carry them opaquely
/// (Slack <c>action_id</c>, Discord <c>custom_id</c>, local playground) and hand them back to the core.
/// </summary>
public static class PromptActions
{
    public const string Pause = "reflect:pause";

    /// <summary>Form field ids of the reflection form; answers are <c>q0</c>, <c>q1</c>, ….</summary>
    public const string IdeasField = "ideas";

    public static string Start(long roundId) => $"reflect:start:{roundId}";
    public static string Skip(long roundId) => $"reflect:skip:{roundId}";
    public static string Submit(long roundId) => $"reflect:submit:{roundId}";
    public static string AnswerField(int index) => $"q{index}";

    /// <summary>Splits an action id into its verb and optional round id.</summary>
    public static bool TryParse(string? actionId, out string verb, out long roundId)
    {
        verb = "";
        roundId = 0;
        if (string.IsNullOrWhiteSpace(actionId) || actionId.Length > 100) return false;
        var parts = actionId.Split(':');
        if (parts.Length < 2 || parts[0] != "reflect") return false;
        verb = parts[1];
        if (parts.Length == 2) return verb == "pause";
        return parts.Length == 3 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out roundId) && roundId > 0;
    }
}
