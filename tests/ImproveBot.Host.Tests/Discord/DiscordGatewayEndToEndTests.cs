using ImproveBot.Discord.Gateway;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static ImproveBot.Host.Tests.Discord.DiscordTestKit;

namespace ImproveBot.Host.Tests.Discord;

/// <summary>
/// The whole bot with <c>Discord:UseGateway=true</c> against the fake REST API and the fake Gateway: a plain DM reply to
/// the weekly prompt is stored as the reflection, even when the connection drops while the reply is on the wire.
/// </summary>
public sealed class DiscordGatewayEndToEndTests : IAsyncLifetime
{
    private FakeDiscordGateway _gateway = null!;
    private DiscordTestKit _kit = null!;
    private CancellationTokenSource _clockPump = new();
    private Task _pumping = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _gateway = await FakeDiscordGateway.StartAsync(new FakeDiscordGatewayOptions
        {
            BotToken = new FakeDiscordOptions().BotToken, // the token the fake REST API issues: one application, one token
            EnabledPrivilegedIntents = 1 << 15, // MESSAGE_CONTENT, switched on in the portal as the README says
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        });
        // Discord's timings, shortened: reconnects within the test's patience.
        var settings = new GatewayClientSettings { BackoffBase = TimeSpan.FromMilliseconds(50), BackoffMax = TimeSpan.FromMilliseconds(500) };
        // The fake REST API hands out the fake Gateway's address (GET /gateway/bot), and both know the same token.
        _kit = await DiscordTestKit.StartAsync(
            services: s => s.Replace(ServiceDescriptor.Singleton(settings)),
            settings: new Dictionary<string, string?> { ["Discord:UseGateway"] = "true" },
            prepare: discord => discord.GatewayUrl = _gateway.Url);
    }

    /// <summary>The client's timers run on the bot's (fake) clock: from now on keep it moving, as real time would.</summary>
    private void StartClock()
    {
        _clockPump = new CancellationTokenSource();
        _pumping = Task.Run(async () =>
        {
            while (!_clockPump.IsCancellationRequested)
            {
                _kit.Host.Clock.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(20);
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _clockPump.CancelAsync();
        await _pumping;
        await _kit.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task DmReplyOnTheWireWhenTheConnectionDrops_IsStoredOnce_AfterTheSessionResumes()
    {
        await _kit.SlashAsync(Bob, "ideas", []);
        await _kit.RunPromptAsync();
        await _gateway.WaitForAsync(() => _gateway.LiveConnectionCount == 1 && _gateway.Identifies.Count == 1, "a live, identified session", TimeSpan.FromSeconds(20));
        StartClock(); // after the commands: a moving clock would run out their ack budget

        _gateway.DropConnectionOnNextDispatch();
        await _gateway.SendMessageCreateAsync("1500000000000000901", Bob.Id, "Fewer meetings, more focus time", _kit.Discord.DirectMessageChannels[Bob.Id]);
        await _gateway.WaitForAsync(() => _gateway.Resumes.Count == 1, "the RESUME after the drop", TimeSpan.FromSeconds(20));
        await EventuallyAsync(() => _kit.DbAsync(db => db.Reflections.CountAsync()).Result == 1, "the reflection to be stored");

        var reflection = await _kit.DbAsync(db => db.Reflections.SingleAsync());
        Assert.Equal("Fewer meetings, more focus time", reflection.Answers[0]);
        Assert.Single(_gateway.Identifies); // resumed, not a fresh session
        Assert.Equal(1, _gateway.ReplayedCount);
        await Task.Delay(200);
        Assert.Equal(1, await _kit.DbAsync(db => db.Reflections.CountAsync()));
        Assert.Single(_kit.Discord.DirectMessagesTo(Bob.Id), m => m.Content?.StartsWith("Thank you", StringComparison.Ordinal) == true);
    }
}
