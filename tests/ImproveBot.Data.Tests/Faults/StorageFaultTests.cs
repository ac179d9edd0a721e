using System.Data.Common;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Faults;

/// <summary>
/// A SQLite database that is full or locked by someone else: the person is told their change was not saved, and nothing
/// of it is stored (no idea without its reflection, no reflection without its ideas); what was acknowledged is stored.
/// </summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly MemberIdentity Ada = new(new MemberRef("local", "T1", "ada"), "Ada", TimeZone: "UTC");
    private readonly PageLimit _limit = new();
    private TestStore _store = null!;

    // Default Timeout is SQLite's busy wait: 1 s instead of 30, so a held lock outlasts it quickly.
    public async Task InitializeAsync() =>
        _store = await TestStore.CreateAsync(TestProvider.Sqlite, s => s.AddSingleton<IInterceptor>(_limit), "Default Timeout=1");

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private Task<Reply> CommandAsync(string text) =>
        _store.InScopeAsync(sp => sp.GetRequiredService<BotFrontDoor>().HandleCommandTextAsync(Ada, text, Ct));

    private Task<List<(long Id, string Text, string Tags)>> StoredIdeasAsync() =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking().OrderBy(i => i.Id).ToListAsync())
            .Select(i => (i.Id, i.Text, string.Join(",", i.Tags))).ToList());

    private static string LongText(int n) => $"idea {n:D4} " + new string((char)('a' + n % 26), 1900);

    /// <summary>Fills the database with concurrent /idea calls (through the group commit) until it refuses one.</summary>
    private async Task<(Dictionary<long, string> Saved, List<string> Refused)> FillUntilFullAsync()
    {
        var saved = new Dictionary<long, string>();
        var refused = new List<string>();
        var n = 0;
        for (var round = 0; round < 100 && refused.Count == 0; round++)
        {
            var texts = Enumerable.Range(0, 8).Select(_ => LongText(n++)).ToList();
            var replies = await Task.WhenAll(texts.Select(t => CommandAsync($"/idea {t} #reading #focus")));
            for (var i = 0; i < texts.Count; i++)
            {
                var match = System.Text.RegularExpressions.Regex.Match(replies[i].Text, @"^Saved idea #(\d+)");
                if (match.Success) saved[long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = texts[i];
                else
                {
                    Assert.Equal(BotFrontDoor.NotSaved, replies[i].Text);
                    refused.Add(texts[i]);
                }
            }
        }
        return (saved, refused);
    }

    [Fact]
    public async Task FullDatabase_EachIdeaCallerLearnsItsOwnOutcome_AcknowledgedOnesAreStoredWhole_RefusedOnesNotAtAll()
    {
        await CommandAsync("/improve help"); // Ada and the team exist before the limit
        _limit.FreezeAt = await PageCountAsync();

        var (saved, refused) = await FillUntilFullAsync();

        Assert.NotEmpty(refused);
        var stored = await StoredIdeasAsync();
        Assert.Equal(saved.OrderBy(s => s.Key).Select(s => (s.Key, s.Value, "reading,focus")), stored);
        Assert.DoesNotContain(stored, i => refused.Contains(i.Text));

        // Room again (an operator freed space): the next idea is stored.
        _limit.FreezeAt = null;
        SqliteConnection.ClearAllPools();
        Assert.StartsWith("Saved idea", (await CommandAsync("/idea after the disk was freed")).Text);
    }

    [Fact]
    public async Task FullDatabase_ReflectionFormWithIdeas_IsRefusedWhole_AndCanBeSubmittedAgainLater()
    {
        var form = (await CommandAsync("/improve reflect")).Form;
        Assert.NotNull(form);
        _limit.FreezeAt = await PageCountAsync();
        await FillUntilFullAsync();
        var before = await StoredIdeasAsync();
        var values = new Dictionary<string, string>
        {
            ["q0"] = "answer-mark " + new string('x', 1900),
            ["ideas"] = string.Join("\n", Enumerable.Range(0, 3).Select(i => $"form idea {i} " + new string('y', 1500))),
        };

        var result = await _store.InScopeAsync(sp => sp.GetRequiredService<BotFrontDoor>().HandleActionAsync(Ada, form.SubmitActionId, values, Ct));

        Assert.False(result.Succeeded); // the form stays open with what was typed
        Assert.Equal(BotFrontDoor.NotSaved, result.Reply.Text);
        Assert.Equal(before, await StoredIdeasAsync());
        Assert.Equal(0, await _store.InScopeAsync(sp => sp.GetRequiredService<ImproveBotDbContext>().Reflections.CountAsync()));

        _limit.FreezeAt = null;
        SqliteConnection.ClearAllPools();
        var again = await _store.InScopeAsync(sp => sp.GetRequiredService<BotFrontDoor>().HandleActionAsync(Ada, form.SubmitActionId, values, Ct));
        Assert.True(again.Succeeded, again.Reply.Text);
        Assert.Equal(before.Count + 3, (await StoredIdeasAsync()).Count);
    }

    [Fact]
    public async Task WriteLockHeldBeyondTheBusyTimeout_CommandsAreToldNotSaved_AndNothingIsStored_ThenWorkAgain()
    {
        await CommandAsync("/improve help");
        var before = await StoredIdeasAsync();
        await using (var holder = new SqliteConnection($"Data Source={_store.DatabasePath}"))
        {
            await holder.OpenAsync();
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;"; // another process (a backup, a stuck tool) holding the write lock
            await begin.ExecuteNonQueryAsync();

            var ideas = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => CommandAsync($"/idea locked out {i} #tools")));
            var pause = await CommandAsync("/improve pause 2w");

            Assert.All(ideas, r => Assert.Equal(BotFrontDoor.NotSaved, r.Text));
            Assert.Equal(BotFrontDoor.NotSaved, pause.Text);
            begin.CommandText = "ROLLBACK;";
            await begin.ExecuteNonQueryAsync();
        }

        Assert.Equal(before, await StoredIdeasAsync());
        Assert.Null((await _store.InScopeAsync(sp => sp.GetRequiredService<IMemberDirectory>().FindMemberAsync(Ada.Ref, Ct)))!.PausedUntil);
        Assert.StartsWith("Saved idea", (await CommandAsync("/idea after the lock #tools")).Text);
    }

    private Task<long> PageCountAsync() =>
        _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA page_count;";
                return (long)(await command.ExecuteScalarAsync())!;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

    /// <summary>
    /// A size limit on every connection the bot opens (<c>max_page_count</c> is per connection, not stored in the file):
    /// the database cannot grow past <see cref="FreezeAt"/> pages, as on a full disk.
    /// </summary>
    private sealed class PageLimit : DbConnectionInterceptor
    {
        public long? FreezeAt { get; set; }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            // Without a limit, SQLite's default (effectively none) is put back, as pooled connections outlive a test step.
            command.CommandText = $"PRAGMA max_page_count = {FreezeAt ?? 1073741823};";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA max_page_count = {FreezeAt ?? 1073741823};";
            command.ExecuteNonQuery();
        }
    }
}
