using System.Text.Json.Nodes;
using ImproveBot.Discord.Api;
using ImproveBot.Discord.Inbound;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Inbound;

/// <summary>Server names: one lookup per server at a time, and a known name never waits for its refresh.</summary>
public sealed class DiscordGuildDirectoryTests
{
    private const string Guild = "1300000000000000001";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly GuildApi _api = new();

    private DiscordGuildDirectory NewDirectory() => new(_api, _clock, NullLogger<DiscordGuildDirectory>.Instance);

    [Fact]
    public async Task ABurstOfFirstInteractionsFromANewServer_SharesOneLookup()
    {
        var directory = NewDirectory();
        _api.Hold();
        var names = Enumerable.Range(0, 20).Select(_ => directory.NameAsync(Guild, Ct)).ToList();
        Assert.All(names, n => Assert.False(n.IsCompleted));

        _api.Answer("Vision Lab");
        Assert.All(await Task.WhenAll(names), n => Assert.Equal("Vision Lab", n));
        Assert.Equal(1, _api.Calls);
        Assert.Equal("Vision Lab", await directory.NameAsync(Guild, Ct));
        Assert.Equal(1, _api.Calls);
    }

    [Fact]
    public async Task ANameDueForRefresh_IsAnsweredAtOnce_WhileTheRefreshRunsBehindIt()
    {
        var directory = NewDirectory();
        _api.Answer("Vision Lab");
        Assert.Equal("Vision Lab", await directory.NameAsync(Guild, Ct));

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        _api.Hold();
        var stale = directory.NameAsync(Guild, Ct);
        Assert.True(stale.IsCompletedSuccessfully);
        Assert.Equal("Vision Lab", await stale);
        Assert.Equal(2, _api.Calls);

        _api.Answer("Vision Lab (renamed)");
        await _api.WaitForIdleAsync();
        for (var i = 0; i < 100 && await directory.NameAsync(Guild, Ct) != "Vision Lab (renamed)"; i++) await Task.Delay(10);
        Assert.Equal("Vision Lab (renamed)", await directory.NameAsync(Guild, Ct));
        Assert.Equal(2, _api.Calls);
    }

    [Fact]
    public async Task AFailedLookup_GivesEveryWaiterNoName_AndIsNotRepeatedForFiveMinutes()
    {
        var directory = NewDirectory();
        _api.Hold();
        var names = Enumerable.Range(0, 5).Select(_ => directory.NameAsync(Guild, Ct)).ToList();
        _api.Fail(new DiscordApiException("GET /guilds/{guild_id}", 403, 50001, "Missing Access"));
        Assert.All(await Task.WhenAll(names), Assert.Null);
        Assert.Null(await directory.NameAsync(Guild, Ct));
        Assert.Equal(1, _api.Calls);

        _clock.Advance(TimeSpan.FromMinutes(6));
        _api.Answer("Vision Lab");
        Assert.Equal("Vision Lab", await directory.NameAsync(Guild, Ct));
        Assert.Equal(2, _api.Calls);
    }

    /// <summary>GET /guilds/{id} whose answer the test releases; the other routes are not used here.</summary>
    private sealed class GuildApi : IDiscordApi
    {
        private TaskCompletionSource<DiscordGuild> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;
        private Task _last = Task.CompletedTask;

        public int Calls => Volatile.Read(ref _calls);

        public void Hold() => _next = new TaskCompletionSource<DiscordGuild>(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer(string name)
        {
            if (_next.Task.IsCompleted) Hold();
            _next.SetResult(new DiscordGuild(Guild, name));
        }

        public void Fail(Exception ex) => _next.SetException(ex);

        public Task WaitForIdleAsync() => _last.ContinueWith(_ => { }, TaskScheduler.Default);

        public Task<DiscordGuild> GetGuildAsync(string guildId, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            var answer = _next.Task.WaitAsync(ct);
            _last = answer;
            return answer;
        }

        public Task<string> CreateDirectMessageChannelAsync(string userId, CancellationToken ct) => throw new NotSupportedException();
        public Task<string> CreateMessageAsync(string channelId, JsonObject message, string? nonce, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<DiscordRegisteredCommand>> BulkOverwriteCommandsAsync(string? guildId, JsonArray commands, CancellationToken ct) => throw new NotSupportedException();
        public Task EditOriginalResponseAsync(string interactionToken, JsonObject message, CancellationToken ct) => throw new NotSupportedException();
        public Task<DiscordGatewayBot> GetGatewayBotAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
