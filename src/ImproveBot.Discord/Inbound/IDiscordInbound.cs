using System.Text.Json;

namespace ImproveBot.Discord.Inbound;

/// <summary>
/// What Discord sends as interactions, after the transport (HTTP with Ed25519 signatures) has been dealt with. Shaped
/// so another transport could hand interactions over the same way.
/// </summary>
internal interface IDiscordInbound
{
    /// <summary>An interaction (APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT, …), already verified and parsed.</summary>
    Task<DiscordAck> HandleInteractionAsync(JsonElement interaction, CancellationToken ct);
}

/// <summary>
/// The answer to an interaction: over HTTP the status and body of the response (the interaction response object).
/// </summary>
/// <param name="AfterResponse">
/// Work to start once the response has been sent (completing a deferred answer through the follow-up webhook, which
/// only exists once Discord has our type 5); null when there is none.
/// </param>
internal sealed record DiscordAck(int StatusCode, string? JsonBody, Func<Task>? AfterResponse = null)
{
    public static DiscordAck Json(System.Text.Json.Nodes.JsonObject body) => new(200, body.ToJsonString());
}
