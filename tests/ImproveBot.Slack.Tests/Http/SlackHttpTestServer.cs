using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using ImproveBot.Slack.Http;
using ImproveBot.Slack.Inbound;
using ImproveBot.Slack.Signing;
using ImproveBot.Slack.Tests.Signing;
using ImproveBot.Testing.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Slack.Tests.Http;

/// <summary>
/// A minimal web app on 127.0.0.1 with only the Slack endpoints mapped, the real verifier, a fake clock at the
/// documented vector's time, a recording inbound and a recording logger.
/// </summary>
internal sealed class SlackHttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SlackHttpTestServer(WebApplication app, HttpClient http, Parts parts)
    {
        _app = app;
        Http = http;
        Clock = parts.Clock;
        Inbound = parts.Inbound;
        Logs = parts.Logs;
    }

    public FakeTimeProvider Clock { get; }

    public RecordingInbound Inbound { get; }

    public RecordingLoggerProvider Logs { get; }

    public HttpClient Http { get; }

    /// <param name="kestrelMaxBodySize">Kestrel's own body limit, as the host sets it; null keeps Kestrel's default (30 MB).</param>
    public static async Task<SlackHttpTestServer> StartAsync(string? secret = null, bool noSecret = false, long? kestrelMaxBodySize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (kestrelMaxBodySize is { } limit) builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limit);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);

        var parts = new Parts();
        builder.Logging.AddProvider(parts.Logs);
        builder.Services.AddSingleton<TimeProvider>(parts.Clock);
        builder.Services.Configure<SlackOptions>(o => o.SigningSecret = noSecret ? secret : secret ?? SigningFixtures.Secret);
        builder.Services.AddSingleton<SlackSignatureVerifier>();
        // Scoped, as the composition registers the real one: the endpoints must resolve it from the request's services.
        builder.Services.AddScoped<ISlackInbound>(_ => parts.Inbound);

        var app = builder.Build();
        app.MapSlackEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(30) };
        return new SlackHttpTestServer(app, http, parts);
    }

    /// <summary>A POST signed with the vector's secret at the clock's current time (or the given timestamp/secret).</summary>
    public HttpRequestMessage Signed(string path, byte[] body, string? contentType, string? timestamp = null, string? secret = null)
    {
        timestamp ??= Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = Unsigned(path, body, contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SigningFixtures.Sign(secret ?? SigningFixtures.Secret, timestamp, body));
        return request;
    }

    public static HttpRequestMessage Unsigned(string path, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Parts
    {
        public FakeTimeProvider Clock { get; } = new(SigningFixtures.VectorTime);

        public RecordingInbound Inbound { get; } = new();

        public RecordingLoggerProvider Logs { get; } = new();
    }
}

/// <summary>Records every call and answers with <see cref="Ack"/>.</summary>
internal sealed class RecordingInbound : ISlackInbound
{
    public ConcurrentQueue<SlashCommand> Commands { get; } = new();

    public ConcurrentQueue<JsonElement> Interactions { get; } = new();

    public ConcurrentQueue<(JsonElement Envelope, int RetryNum)> Events { get; } = new();

    public SlackAck Ack { get; set; } = SlackAck.Empty;

    public int CallCount => Commands.Count + Interactions.Count + Events.Count;

    public Task<SlackAck> HandleSlashCommandAsync(SlashCommand command, CancellationToken ct)
    {
        Commands.Enqueue(command);
        return Task.FromResult(Ack);
    }

    public Task<SlackAck> HandleInteractionAsync(JsonElement payload, CancellationToken ct)
    {
        Interactions.Enqueue(payload);
        return Task.FromResult(Ack);
    }

    public Task<SlackAck> HandleEventAsync(JsonElement envelope, int retryNum, CancellationToken ct)
    {
        Events.Enqueue((envelope, retryNum));
        return Task.FromResult(Ack);
    }
}
