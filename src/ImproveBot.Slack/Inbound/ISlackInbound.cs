using System.Text.Json;

namespace ImproveBot.Slack.Inbound;

/// <summary>
/// What Slack sends, after the transport (HTTP with signatures, or Socket Mode) has been dealt with.
/// One implementation serves both transports, so a feature works the same over either.
/// </summary>
internal interface ISlackInbound
{
    Task<SlackAck> HandleSlashCommandAsync(SlashCommand command, CancellationToken ct);

    /// <summary>An interactivity payload (<c>block_actions</c>, <c>view_submission</c>, …), already parsed.</summary>
    Task<SlackAck> HandleInteractionAsync(JsonElement payload, CancellationToken ct);

    /// <summary>An Events API envelope (<c>event_callback</c>), already parsed; <paramref name="retryNum"/> from <c>X-Slack-Retry-Num</c> or <c>retry_attempt</c>.</summary>
    Task<SlackAck> HandleEventAsync(JsonElement envelope, int retryNum, CancellationToken ct);
}

/// <summary>
/// The acknowledgement: over HTTP the status and body of the response; over Socket Mode the <c>payload</c> of the ack.
/// A null body is an empty 200.
/// </summary>
internal sealed record SlackAck(int StatusCode, string? JsonBody)
{
    public static SlackAck Empty { get; } = new(200, null);

    public static SlackAck Json(string body) => new(200, body);
}

/// <summary>A slash command's fields (form fields over HTTP, a JSON object over Socket Mode).</summary>
internal sealed record SlashCommand(
    string TeamId,
    string? TeamDomain,
    string? EnterpriseId,
    string ChannelId,
    string UserId,
    string? UserName,
    string Command,
    string Text,
    string? ResponseUrl,
    string? TriggerId,
    string? ApiAppId);
