using ImproveBot.Discord.Gateway;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ImproveBot.Host.Tests.Discord.DiscordTestKit;

namespace ImproveBot.Host.Tests.Discord;

/// <summary>
/// Plain DM replies as the Gateway client hands them over (<see cref="IDiscordDirectMessageHandler"/>): stored as the
/// member's reflection once per message id, answered in the same DM. The Gateway connection itself is not part of this.
/// </summary>
public sealed class DiscordDirectMessageTests : IAsyncLifetime
{
    private DiscordTestKit _kit = null!;

    public async Task InitializeAsync() =>
        _kit = await DiscordTestKit.StartAsync(settings: new Dictionary<string, string?> { ["Discord:UseGateway"] = "true" },
            // Nothing listens there: the Gateway client keeps retrying (on the test's still clock) while these tests call the handler directly.
            prepare: discord => discord.GatewayUrl = NowhereGateway);

    private static readonly Uri NowhereGateway = new("ws://127.0.0.1:1/gateway");

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task HandleAsync(DiscordDirectMessage message) =>
        _kit.Host.Services.GetRequiredService<IDiscordDirectMessageHandler>().HandleAsync(message, CancellationToken.None);

    [Fact]
    public async Task PlainReply_RedeliveredByAResumedSession_IsStoredOnceAndAnsweredOnce()
    {
        await _kit.SlashAsync(Bob, "ideas", []);
        await _kit.RunPromptAsync();
        var dm = _kit.Discord.DirectMessageChannels[Bob.Id];
        // With the Gateway on, the prompt says a plain reply counts.
        Assert.Contains("a plain reply counts too", _kit.Discord.DirectMessagesTo(Bob.Id)[0].Content, StringComparison.Ordinal);

        var reply = new DiscordDirectMessage("1500000000000000777", dm, Bob.Id, "More focus time & fewer meetings");
        await HandleAsync(reply);
        await HandleAsync(reply);

        var reflection = await _kit.DbAsync(db => db.Reflections.SingleAsync());
        Assert.Equal("More focus time & fewer meetings", reflection.Answers[0]);
        Assert.Null(reflection.StartedAt); // a plain reply has no known duration
        var answers = _kit.Discord.DirectMessagesTo(Bob.Id).Where(m => m.Content?.StartsWith("Thank you", StringComparison.Ordinal) == true).ToList();
        Assert.Single(answers);
        Assert.Equal("""{"parse":[]}""", answers[0].Body["allowed_mentions"]!.ToJsonString());
        // The member's server name is kept: a DM carries no nickname.
        Assert.Equal("Bobby", await _kit.DbAsync(db => db.Members.Where(m => m.UserId == Bob.Id).Select(m => m.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task Stranger_GetsTheHintAndNothingIsStored()
    {
        var channel = (await _kit.Host.Services.GetRequiredService<ImproveBot.Discord.Api.IDiscordApi>()
            .CreateDirectMessageChannelAsync(Stranger.Id, CancellationToken.None));

        await HandleAsync(new DiscordDirectMessage("1500000000000000778", channel, Stranger.Id, "hello?"));

        Assert.Contains("don't know which server", _kit.Discord.DirectMessagesTo(Stranger.Id).Single().Content, StringComparison.Ordinal);
        Assert.Equal(0, await _kit.DbAsync(db => db.Members.CountAsync()));
    }

    [Fact]
    public async Task GatewayUrl_ComesFromTheFakesGatewayBotRoute()
    {
        var url = await _kit.Host.Services.GetRequiredService<IGatewayUrlSource>().GetGatewayUrlAsync(CancellationToken.None);
        Assert.Equal(new Uri("ws://127.0.0.1:1/gateway?v=10&encoding=json"), url);
    }

    [Fact]
    public async Task AReplyTheDatabaseRefuses_IsAnsweredNotSaved_AndStoredWhenItComesAgain()
    {
        await using var kit = await DiscordTestKit.StartAsync(
            services: s => s.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(FullDisk),
            settings: new Dictionary<string, string?> { ["Discord:UseGateway"] = "true" },
            prepare: discord => discord.GatewayUrl = NowhereGateway);
        await kit.SlashAsync(Bob, "ideas", []);
        await kit.RunPromptAsync();
        var dm = kit.Discord.DirectMessageChannels[Bob.Id];
        var handler = kit.Host.Services.GetRequiredService<IDiscordDirectMessageHandler>();
        var reply = new DiscordDirectMessage("1500000000000000779", dm, Bob.Id, "Protect mornings for writing");

        FullDisk.Armed = true;
        await handler.HandleAsync(reply, CancellationToken.None);
        FullDisk.Armed = false;

        Assert.Contains(kit.Discord.DirectMessagesTo(Bob.Id), m => m.Content?.StartsWith("Not saved", StringComparison.Ordinal) == true);
        Assert.Equal(0, await kit.DbAsync(db => db.Reflections.CountAsync()));
        // Nothing recorded it as handled: the same message, delivered again, is stored.
        await handler.HandleAsync(reply, CancellationToken.None);
        Assert.Equal("Protect mornings for writing", (await kit.DbAsync(db => db.Reflections.SingleAsync())).Answers[0]);
        // The thanks is a message of its own, not swallowed as a repeat of the "not saved" answer's nonce.
        Assert.Contains(kit.Discord.DirectMessagesTo(Bob.Id), m => m.Content?.StartsWith("Thank you", StringComparison.Ordinal) == true);
    }

    private static readonly FullDiskInterceptor FullDisk = new();

    /// <summary>Refuses every write while armed, as SQLite does when the disk is full (SQLITE_FULL).</summary>
    private sealed class FullDiskInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public volatile bool Armed;

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Refuse(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Refuse(command);
            return ValueTask.FromResult(result);
        }

        private void Refuse(System.Data.Common.DbCommand command)
        {
            var sql = command.CommandText.TrimStart();
            if (Armed && (sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)))
                throw new Microsoft.Data.Sqlite.SqliteException("database or disk is full", 13);
        }
    }
}
