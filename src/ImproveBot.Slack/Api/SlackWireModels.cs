using System.Text.Json.Serialization;

namespace ImproveBot.Slack.Api;

// What Slack answers, reduced to the fields the adapter reads. Unknown fields are ignored, so Slack adding
// fields never breaks parsing; a missing field is null and is checked where it matters.

/// <summary>The envelope every Web API answer shares.</summary>
internal class SlackResponse
{
    public bool Ok { get; init; }
    public string? Error { get; init; }

    /// <summary>Comma-separated warning codes on a successful call, e.g. <c>missing_charset</c>.</summary>
    public string? Warning { get; init; }

    /// <summary>On <c>missing_scope</c>: the scope the method needs and the ones the token has.</summary>
    public string? Needed { get; init; }

    public string? Provided { get; init; }
    public SlackResponseMetadata? ResponseMetadata { get; init; }
}

internal sealed class SlackResponseMetadata
{
    public List<string>? Warnings { get; init; }
    public List<string>? Messages { get; init; }
}

internal sealed class AuthTestResponse : SlackResponse
{
    public string? UserId { get; init; }
    public string? BotId { get; init; }
    public string? TeamId { get; init; }
    public string? Team { get; init; }
}

internal sealed class ConversationsOpenResponse : SlackResponse
{
    public SlackIdDto? Channel { get; init; }
}

internal sealed class PostMessageResponse : SlackResponse
{
    public string? Ts { get; init; }
    public string? Channel { get; init; }
}

internal sealed class ConversationsHistoryResponse : SlackResponse
{
    public List<SlackHistoryMessageDto>? Messages { get; init; }
}

internal sealed class SlackHistoryMessageDto
{
    public string? Ts { get; init; }
    public SlackMetadataDto? Metadata { get; init; }
}

internal sealed class SlackMetadataDto
{
    public string? EventType { get; init; }
    public SlackOutboxPayloadDto? EventPayload { get; init; }
}

internal sealed class SlackOutboxPayloadDto
{
    public string? Key { get; init; }
    public int? Part { get; init; }
}

internal sealed class UsersInfoResponse : SlackResponse
{
    public SlackUserDto? User { get; init; }
}

internal sealed class ViewsOpenResponse : SlackResponse
{
    public SlackIdDto? View { get; init; }
}

internal sealed class ConnectionsOpenResponse : SlackResponse
{
    public string? Url { get; init; }
}

internal sealed class SlackIdDto
{
    public string? Id { get; init; }
}

internal sealed class SlackUserDto
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? RealName { get; init; }

    /// <summary>IANA zone; null for some accounts (e.g. Slackbot).</summary>
    public string? Tz { get; init; }

    public bool IsAdmin { get; init; }
    public bool IsOwner { get; init; }
    public bool IsBot { get; init; }
    public SlackProfileDto? Profile { get; init; }
}

internal sealed class SlackProfileDto
{
    public string? DisplayName { get; init; }
    public string? RealName { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SlackResponse))]
[JsonSerializable(typeof(AuthTestResponse))]
[JsonSerializable(typeof(ConversationsOpenResponse))]
[JsonSerializable(typeof(PostMessageResponse))]
[JsonSerializable(typeof(UsersInfoResponse))]
[JsonSerializable(typeof(ConversationsHistoryResponse))]
[JsonSerializable(typeof(ViewsOpenResponse))]
[JsonSerializable(typeof(ConnectionsOpenResponse))]
internal sealed partial class SlackWireJson : JsonSerializerContext;
