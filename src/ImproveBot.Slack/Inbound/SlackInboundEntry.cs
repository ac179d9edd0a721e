using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Slack.Inbound;

/// <summary>
/// What the transports call: answers a slash command from a scope of its own within Slack's ack budget, and hands
/// interactions and events to <see cref="SlackInbound"/> in the caller's scope.
/// </summary>
/// <remarks>
/// Light on purpose, with nothing scoped in its constructor: a slash command is answered in its own scope, so building
/// <see cref="SlackInbound"/> (and the core and the storage behind it) in the request's scope too would be done for
/// nothing, on every command.
/// </remarks>
internal sealed partial class SlackInboundEntry(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    ISlackApi slack,
    TimeProvider time,
    ILogger<SlackInboundEntry> logger) : ISlackInbound
{
    public async Task<SlackAck> HandleSlashCommandAsync(SlashCommand command, CancellationToken ct)
    {
        // The work runs in its own scope so it can outlive this request when it is slow; it stores
        // before it answers, so an ack that carries the answer is always an ack after the commit.
        // Started here rather than through Task.Run: it runs on this thread until its first wait, one thread hop fewer.
        var work = AnswerInOwnScopeAsync(command);
        if (await AckBudget.WithinAsync(work, time, ct) is { } ack) return ack;
        // Slower than Slack waits: acknowledge now and deliver the answer through response_url once it is ready.
        LogSlowCommand(logger, LogValue.Clip(command.Command));
        _ = ContinueViaResponseUrlAsync(work, command.ResponseUrl);
        return SlackInbound.Ephemeral(Reply.Of("Working on it…"));
    }

    private async Task<SlackAck> AnswerInOwnScopeAsync(SlashCommand command)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SlackInbound>().AnswerSlashCommandAsync(command, CancellationToken.None);
    }

    private async Task ContinueViaResponseUrlAsync(Task<SlackAck> work, string? responseUrl)
    {
        try
        {
            var ack = await work;
            if (ack.JsonBody is { } body && Uri.TryCreate(responseUrl, UriKind.Absolute, out var url))
                await slack.RespondAsync(url, JsonNode.Parse(body)!.AsObject(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            SlackInbound.LogRespondFailed(logger, ex.Message);
        }
    }

    public Task<SlackAck> HandleInteractionAsync(JsonElement payload, CancellationToken ct) =>
        services.GetRequiredService<SlackInbound>().HandleInteractionAsync(payload, ct);

    public Task<SlackAck> HandleEventAsync(JsonElement envelope, int retryNum, CancellationToken ct) =>
        services.GetRequiredService<SlackInbound>().HandleEventAsync(envelope, retryNum, ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command} took longer than Slack waits; acknowledged first, answering through response_url")]
    private static partial void LogSlowCommand(ILogger logger, string command);
}
