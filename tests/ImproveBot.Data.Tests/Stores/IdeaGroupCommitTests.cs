using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Data.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>Ideas logged at the same moment share one commit, and each caller still returns only once its idea is stored.</summary>
public sealed class IdeaGroupCommitTests : IAsyncLifetime
{
    private SqliteStore _store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync() => _store = await SqliteStore.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private Task<Member> MemberAsync(string user) =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<MemberService>()
            .EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", user), user), Ct)).Member);

    /// <summary>Polls a condition every 10 ms for at most 10 s.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "condition not reached within 10 s");
    }

    private Task<(SqliteWriteGate Gate, IdeaGroupCommit Commit)> WriterAsync() =>
        _store.InScopeAsync(sp => Task.FromResult((sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<IdeaGroupCommit>())));

    private Idea NewIdea(Member author, string text) =>
        new(author.TeamId, author.Id, text, [], IdeaSource.InFlow, IdeaVisibility.Team, _store.Clock.GetUtcNow());

    private Task CommitInOwnScopeAsync(Idea idea) =>
        _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().AddAndCommitAsync(idea, Ct));

    private Task<List<(long Id, string Text)>> StoredAsync() =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<ImproveBotDbContext>().Ideas.AsNoTracking()
            .Select(i => new { i.Id, i.Text }).ToListAsync(Ct)).Select(i => (i.Id, i.Text)).ToList());

    [Fact]
    public async Task IdeasQueuedWhileTheWriterIsBusy_AreCommittedTogether_AndEachCallerGetsItsOwnId()
    {
        var ada = await MemberAsync("ada");
        var (gate, commit) = await WriterAsync();
        var before = commit.Transactions;

        // Hold the writer, as a long commit would, while 40 requests log ideas.
        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, Ct);
        var ideas = Enumerable.Range(1, 40).Select(n => NewIdea(ada, $"idea number {n}")).ToList();
        // The first takes its turn and waits at the writer; the other 39 queue up behind it (bounded waits).
        var commits = new List<Task> { Task.Run(() => CommitInOwnScopeAsync(ideas[0])) };
        await WaitUntilAsync(() => commit.Transactions == before + 1);
        commits.AddRange(ideas.Skip(1).Select(i => Task.Run(() => CommitInOwnScopeAsync(i))));
        await WaitUntilAsync(() => commit.Queued == 39);
        Assert.All(commits, c => Assert.False(c.IsCompleted)); // nobody is told "saved" before the commit
        release.SetResult();
        await holder;
        await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, commit.Transactions - before);
        Assert.Equal(40, ideas.Select(i => i.Id).Distinct().Count());
        Assert.DoesNotContain(0L, ideas.Select(i => i.Id));
        var stored = await StoredAsync();
        Assert.Equal(ideas.Select(i => (i.Id, i.Text)).OrderBy(i => i.Id), stored.OrderBy(i => i.Id));
    }

    [Fact]
    public async Task AnIdeaTheDatabaseRefuses_FailsAlone_AndTheRestOfItsBatchIsStored()
    {
        var ada = await MemberAsync("ada");
        var (gate, commit) = await WriterAsync();

        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, Ct);
        var good = Enumerable.Range(1, 10).Select(n => NewIdea(ada, $"good idea {n}")).ToList();
        // An author who does not exist: the foreign key refuses it.
        var orphan = new Idea(ada.TeamId, ada.Id + 999, "orphan idea", [], IdeaSource.InFlow, IdeaVisibility.Team, _store.Clock.GetUtcNow());
        var before = commit.Transactions;
        var first = Task.Run(() => CommitInOwnScopeAsync(good[0]));
        await WaitUntilAsync(() => commit.Transactions == before + 1); // the first one holds the turn
        var rest = good.Skip(1).Take(5).Append(orphan).Concat(good.Skip(6)).Select(i => Task.Run(() => CommitInOwnScopeAsync(i))).ToList();
        await WaitUntilAsync(() => commit.Queued == 10);
        release.SetResult();
        await holder;

        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var orphanTask = rest[5];
        await Assert.ThrowsAsync<DbUpdateException>(() => orphanTask.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.WhenAll(rest.Where(t => t != orphanTask)).WaitAsync(TimeSpan.FromSeconds(30));

        var stored = await StoredAsync();
        Assert.Equal(good.Select(i => i.Text).Order(), stored.Select(s => s.Text).Order());
        Assert.Equal(good.Select(i => i.Id).Order(), stored.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task ACallerThatLogsMoreIdeasAsSoonAsOneIsStored_GetsEachOfThem()
    {
        // A modal submission logs one idea per line, one after another: each one finds the writer asleep after the last
        // commit and must wake it (a wake-up lost between "queue empty" and "asleep" would hang here).
        var ada = await MemberAsync("ada");
        var (_, commit) = await WriterAsync();
        var ideas = Enumerable.Range(1, 5).Select(n => NewIdea(ada, $"line {n} of one reflection")).ToList();
        var before = commit.Transactions;

        var inTurn = Task.Run(async () =>
        {
            foreach (var idea in ideas) await commit.CommitAsync(idea, [], Ct);
        });
        await inTurn.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, commit.Transactions - before); // one after another: each waited for the one before it
        Assert.Equal(ideas.Select(i => i.Text), (await StoredAsync()).OrderBy(s => s.Id).Select(s => s.Text));
    }

    [Fact]
    public async Task StoppingTheWriter_CommitsWhatIsQueued_AndRefusesNewIdeasWithAClearError()
    {
        var ada = await MemberAsync("ada");
        var (gate, commit) = await WriterAsync();

        // Ideas queued behind a busy writer when the host stops are still stored, and their callers told so.
        var release = new TaskCompletionSource();
        var holder = gate.WriteAsync(() => release.Task, Ct);
        var before = commit.Transactions;
        var ideas = Enumerable.Range(1, 6).Select(n => NewIdea(ada, $"idea before stopping {n}")).ToList();
        var first = Task.Run(() => CommitInOwnScopeAsync(ideas[0]));
        await WaitUntilAsync(() => commit.Transactions == before + 1);
        var rest = ideas.Skip(1).Select(i => Task.Run(() => CommitInOwnScopeAsync(i))).ToList();
        await WaitUntilAsync(() => commit.Queued == 5);
        var stopping = commit.DisposeAsync().AsTask();
        release.SetResult();
        await holder;
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(rest.Append(first)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ideas.Select(i => i.Text).Order(), (await StoredAsync()).Select(s => s.Text).Order());

        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit.CommitAsync(NewIdea(ada, "too late"), [], Ct));
        await commit.DisposeAsync(); // and the host's own dispose after this one is harmless
    }
}
