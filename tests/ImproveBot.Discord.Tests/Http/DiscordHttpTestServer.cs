using System.Collections.Concurrent;
using System.Text.Json;
using ImproveBot.Discord.Http;
using ImproveBot.Discord.Inbound;
using ImproveBot.Discord.Signing;
using ImproveBot.Testing.FakeDiscord;
using ImproveBot.Testing.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Http;

/// <summary>
/// A minimal web app on 127.0.0.1 with only the Discord endpoint mapped, the real verifier keyed with a test key pair,
/// a fake clock, a recording inbound and a recording logger.
/// </summary>
internal sealed class DiscordHttpTestServer : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    private DiscordHttpTestServer(WebApplication app, HttpClient http, DiscordInteractionSigner signer, RecordingInbound inbound, RecordingLoggerProvider logs, FakeTimeProvider clock)
    {
        _app = app;
        Http = http;
        Signer = signer;
        Inbound = inbound;
        Logs = logs;
        Clock = clock;
    }

    public HttpClient Http { get; }
    public DiscordInteractionSigner Signer { get; }
    public RecordingInbound Inbound { get; }
    public RecordingLoggerProvider Logs { get; }
    public FakeTimeProvider Clock { get; }

    /// <param name="publicKey">The key the endpoint trusts; by default the signer's. Pass "" to configure none.</param>
    public static async Task<DiscordHttpTestServer> StartAsync(string? publicKey = null)
    {
        var signer = new DiscordInteractionSigner();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var logs = new RecordingLoggerProvider();
        builder.Logging.AddProvider(logs);
        var clock = new FakeTimeProvider(Now);
        var inbound = new RecordingInbound();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.Configure<DiscordOptions>(o => o.PublicKey = publicKey ?? signer.PublicKeyHex);
        builder.Services.AddSingleton<DiscordSignatureVerifier>();
        // Scoped, as the composition registers the real one: the endpoint must resolve it from the request's services.
        builder.Services.AddScoped<IDiscordInbound>(_ => inbound);

        var app = builder.Build();
        app.MapDiscordEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(30) };
        return new DiscordHttpTestServer(app, http, signer, inbound, logs, clock);
    }

    /// <summary>A POST signed with the test key at the clock's current time (or the given timestamp).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(byte[] body, string? timestamp = null, string contentType = "application/json")
    {
        var request = Signer.CreateRequest(DiscordHttpEndpoints.Path, body, timestamp ?? Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content!.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Signer.Dispose();
    }
}

/// <summary>Records every interaction and answers with <see cref="Ack"/>.</summary>
internal sealed class RecordingInbound : IDiscordInbound
{
    public ConcurrentQueue<JsonElement> Interactions { get; } = new();

    public DiscordAck Ack { get; set; } = new(200, """{"type":4,"data":{"content":"ok","flags":64,"allowed_mentions":{"parse":[]}}}""");

    public Task<DiscordAck> HandleInteractionAsync(JsonElement interaction, CancellationToken ct)
    {
        Interactions.Enqueue(interaction);
        return Task.FromResult(Ack);
    }
}
