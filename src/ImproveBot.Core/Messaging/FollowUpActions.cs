using System.Globalization;
using ImproveBot.Core.Ideas;

namespace ImproveBot.Core.Messaging;

/// <summary>Action ids of follow-up and idea buttons: <c>followup:{answer}:{idea}</c>, <c>followup:rate:{idea}:{1-5}</c>, <c>idea:vote:{idea}</c>, <c>idea:merge:{new}:{existing}</c>.</summary>
public static class FollowUpActions
{
    public static string Answer(long ideaId, FollowUpAnswer answer) => $"followup:{Verb(answer)}:{ideaId}";
    public static string Rate(long ideaId, int value) => $"followup:rate:{ideaId}:{value}";
    public static string Vote(long ideaId) => $"idea:vote:{ideaId}";
    public static string VoteInstead(long newIdeaId, long existingIdeaId) => $"idea:merge:{newIdeaId}:{existingIdeaId}";

    /// <summary>Splits an action id into prefix, verb and up to two numeric arguments (positive).</summary>
    public static bool TryParse(string? actionId, out string prefix, out string verb, out long first, out long second)
    {
        prefix = verb = "";
        first = second = 0;
        if (string.IsNullOrWhiteSpace(actionId) || actionId.Length > 100) return false;
        var parts = actionId.Split(':');
        if (parts.Length is < 3 or > 4) return false;
        prefix = parts[0];
        verb = parts[1];
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out first) || first <= 0) return false;
        if (parts.Length == 4 && (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out second) || second <= 0)) return false;
        return true;
    }

    public static FollowUpAnswer? ParseAnswer(string verb) => verb switch
    {
        "helped" => FollowUpAnswer.Helped,
        "nothelped" => FollowUpAnswer.DidNotHelp,
        "notyet" => FollowUpAnswer.NotYet,
        "drop" => FollowUpAnswer.Drop,
        _ => null,
    };

    private static string Verb(FollowUpAnswer answer) => answer switch
    {
        FollowUpAnswer.Helped => "helped",
        FollowUpAnswer.DidNotHelp => "nothelped",
        FollowUpAnswer.NotYet => "notyet",
        FollowUpAnswer.Drop => "drop",
        _ => throw new ArgumentOutOfRangeException(nameof(answer)),
    };
}
