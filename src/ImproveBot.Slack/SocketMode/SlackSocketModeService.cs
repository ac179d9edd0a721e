using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Diagnostics;
using ImproveBot.Slack.Api;
using ImproveBot.Slack.Inbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImproveBot.Slack.SocketMode;

/// <summary>
/// Slack Socket Mode: keeps <see cref="SlackOptions.SocketConnections"/> WebSockets open, hands each envelope to
/// <see cref="ISlackInbound"/> in a fresh scope (the read loop never waits for a handler), and acknowledges it by
/// <c>envelope_id</c> once handled. Reconnects with capped, jittered backoff; a <c>disconnect</c> frame reconnects at once.
/// </summary>
internal sealed partial class SlackSocketModeService(
    ISlackApi slack,
    ISocketConnector connector,
    IServiceScopeFactory scopes,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackSocketModeService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);
    private int _liveConnections;

    /// <summary>How many sockets are connected now (for health and tests).</summary>
    public int LiveConnections => Volatile.Read(ref _liveConnections);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.SocketConnections).Select(i => RunConnectionAsync(i, stoppingToken)));

    private async Task RunConnectionAsync(int index, CancellationToken ct)
    {
        // Stagger the connections so they do not all refresh at the same moment.
        if (index > 0) await DelayAsync(TimeSpan.FromSeconds(index), ct);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var url = await slack.OpenSocketConnectionAsync(ct);
                await using var connection = await connector.ConnectAsync(url, ct);
                Interlocked.Increment(ref _liveConnections);
                bool greeted;
                try
                {
                    greeted = await ReadLoopAsync(connection, ct);
                }
                finally
                {
                    Interlocked.Decrement(ref _liveConnections);
                }
                if (greeted)
                {
                    failures = 0;
                    continue; // a working connection closed or was refreshed: open a new one right away
                }
                failures++; // closed before Slack even said hello: back off like any other failure
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                LogConnectionFailed(logger, index, failures, ex.Message);
            }
            await DelayAsync(Backoff(failures), ct);
        }
    }

    /// <summary>Reads frames until the socket closes or Slack asks us to reconnect; returns whether Slack said hello.</summary>
    private async Task<bool> ReadLoopAsync(ISocketConnection connection, CancellationToken ct)
    {
        var greeted = false;
        while (await connection.ReceiveAsync(ct) is { } frame)
        {
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(frame).RootElement;
            }
            catch (JsonException)
            {
                LogBadFrame(logger);
                continue;
            }
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "hello":
                    greeted = true;
                    LogHello(logger);
                    break;
                case "disconnect":
                    LogDisconnect(logger, root.TryGetProperty("reason", out var r) ? r.ToString() : "unknown");
                    return greeted;
                default:
                    if (root.TryGetProperty("envelope_id", out var id) && id.ValueKind == JsonValueKind.String)
                        _ = HandleEnvelopeAsync(connection, id.GetString()!, type, root, ct);
                    break;
            }
        }
        return greeted;
    }

    private async Task HandleEnvelopeAsync(ISocketConnection connection, string envelopeId, string? type, JsonElement envelope, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var inbound = scope.ServiceProvider.GetRequiredService<ISlackInbound>();
            var payload = envelope.TryGetProperty("payload", out var p) ? p : default;
            var retry = envelope.TryGetProperty("retry_attempt", out var ra) && ra.TryGetInt32(out var n) ? n : 0;
            var ack = type switch
            {
                "slash_commands" when ToSlashCommand(payload) is { } command => await inbound.HandleSlashCommandAsync(command, ct),
                "interactive" when payload.ValueKind == JsonValueKind.Object => await inbound.HandleInteractionAsync(payload, ct),
                "events_api" when payload.ValueKind == JsonValueKind.Object => await inbound.HandleEventAsync(payload, retry, ct),
                _ => SlackAck.Empty,
            };
            var reply = new JsonObject { ["envelope_id"] = envelopeId };
            var acceptsPayload = envelope.TryGetProperty("accepts_response_payload", out var ap) && ap.ValueKind == JsonValueKind.True;
            if (acceptsPayload && ack.JsonBody is { } body) reply["payload"] = JsonNode.Parse(body);
            await connection.SendAsync(reply.ToJsonString(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Not acknowledged: Slack delivers the envelope again, and the handlers are idempotent.
            LogEnvelopeFailed(logger, LogValue.Clip(envelopeId), LogValue.Clip(type), ex);
        }
    }

    private static SlashCommand? ToSlashCommand(JsonElement p)
    {
        if (p.ValueKind != JsonValueKind.Object) return null;
        string? S(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (S("team_id") is not { } team || S("user_id") is not { } user || S("command") is not { } command) return null;
        return new SlashCommand(team, S("team_domain"), S("enterprise_id"), S("channel_id") ?? "", user, S("user_name"), command,
            S("text") ?? "", S("response_url"), S("trigger_id"), S("api_app_id"));
    }

    private static TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures, 10)));
        return TimeSpan.FromSeconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, time, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode connected (hello)")]
    private static partial void LogHello(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack asked to reconnect ({Reason}); opening a new connection")]
    private static partial void LogDisconnect(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Index} failed ({Failures} in a row): {Error}")]
    private static partial void LogConnectionFailed(ILogger logger, int index, int failures, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a Socket Mode frame that is not JSON")]
    private static partial void LogBadFrame(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket Mode envelope {EnvelopeId} ({Type}) failed; not acknowledged, Slack will deliver it again")]
    private static partial void LogEnvelopeFailed(ILogger logger, string envelopeId, string type, Exception exception);
}
