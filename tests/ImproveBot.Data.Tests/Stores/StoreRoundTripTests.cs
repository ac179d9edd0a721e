using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ImproveBot.Testing.Postgres;
using NodaTime;

namespace ImproveBot.Data.Tests.Stores;

/// <summary>The stores on a real database, on both providers (PostgreSQL rows skip without a test server, see TestPostgres).</summary>
public sealed class StoreRoundTripTests : IAsyncLifetime
{
    private TestStore _store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(TestProvider provider) => _store = await TestStore.CreateAsync(provider);

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private Task<Member> MemberAsync(string user) =>
        _store.InScopeAsync(async sp => (await sp.GetRequiredService<MemberService>()
            .EnsureAsync(new MemberIdentity(new MemberRef("local", "T1", user), user), Ct)).Member);

    private Task<long> AddIdeaAsync(Member author, string text, IdeaVisibility visibility, params string[] tags) =>
        _store.InScopeAsync(async sp =>
        {
            var idea = new Idea(author.TeamId, author.Id, text, tags, IdeaSource.InFlow, visibility, _store.Clock.GetUtcNow());
            sp.GetRequiredService<IIdeaStore>().Add(idea);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            return idea.Id;
        });

    [Theory, SqliteData, PostgresData]
    public async Task FindIdentities_ListsEveryTenantOfThatPlatformUserOldestFirstWithTheStoredName_AndNothingForAStranger(TestProvider provider)
    {
        await StartAsync(provider);
        Task EnsureAsync(string platform, string tenant, string user, string name) => _store.InScopeAsync(sp =>
            sp.GetRequiredService<MemberService>().EnsureAsync(new MemberIdentity(new MemberRef(platform, tenant, user), name), Ct));
        await EnsureAsync("discord", "G2", "U1", "Ada L.");
        await EnsureAsync("discord", "G1", "U1", "Ada");
        await EnsureAsync("discord", "G1", "U2", "Bob");
        await EnsureAsync("slack", "G3", "U1", "Someone else");

        var known = await _store.InScopeAsync(sp => sp.GetRequiredService<MemberService>().FindIdentitiesAsync("discord", "U1", Ct));
        var stranger = await _store.InScopeAsync(sp => sp.GetRequiredService<MemberService>().FindIdentitiesAsync("discord", "U9", Ct));

        Assert.Equal([new MemberRef("discord", "G2", "U1"), new MemberRef("discord", "G1", "U1")], known.Select(i => i.Ref));
        Assert.Equal(["Ada L.", "Ada"], known.Select(i => i.DisplayName));
        Assert.All(known, i => Assert.Null(i.IsAdmin)); // never demotes or promotes when passed back to EnsureAsync
        Assert.Empty(stranger);
    }

    [Fact]
    public async Task Migrate_CreatesTheFileInWalMode()
    {
        await StartAsync(TestProvider.Sqlite);
        Assert.True(File.Exists(_store.DatabasePath));
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Theory, SqliteData, PostgresData]
    public async Task Idea_RoundTripsEveryField(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var id = await AddIdeaAsync(ada, "read with a question first", IdeaVisibility.Anonymous, "reading", "focus");

        var view = await _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().SearchAsync(new IdeaQuery(ada.TeamId, ada.Id), Ct));
        var idea = Assert.Single(view);
        Assert.Equal(id, idea.Id);
        Assert.Equal("read with a question first", idea.Text);
        Assert.Equal(["reading", "focus"], idea.Tags);
        Assert.Equal(IdeaSource.InFlow, idea.Source);
        Assert.Equal(IdeaVisibility.Anonymous, idea.Visibility);
        Assert.Equal(IdeaStatus.New, idea.Status);
        Assert.Equal("ada", idea.AuthorName);
        Assert.Null(idea.PublicAuthor);
        Assert.Equal(_store.Clock.GetUtcNow(), idea.CreatedAt);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Search_PrivateIdea_OnlyFoundByItsAuthor(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var bob = await MemberAsync("bob");
        await AddIdeaAsync(ada, "my private note", IdeaVisibility.Private);
        await AddIdeaAsync(ada, "a team idea", IdeaVisibility.Team);

        var forAda = await _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().SearchAsync(new IdeaQuery(ada.TeamId, ada.Id), Ct));
        var forBob = await _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().SearchAsync(new IdeaQuery(bob.TeamId, bob.Id), Ct));
        var forAdmin = await _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().SearchAsync(new IdeaQuery(null, null), Ct));

        Assert.Equal(2, forAda.Count);
        Assert.Equal(["a team idea"], forBob.Select(i => i.Text));
        Assert.Equal(["a team idea"], forAdmin.Select(i => i.Text));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Search_ByTagWordsAndAuthorName(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var bob = await MemberAsync("bob");
        await AddIdeaAsync(ada, "Read papers with a QUESTION", IdeaVisibility.Team, "reading");
        await AddIdeaAsync(ada, "100% focus mornings", IdeaVisibility.Team, "focus");
        await AddIdeaAsync(bob, "anonymous reading group", IdeaVisibility.Anonymous, "reading");

        async Task<string[]> Texts(IdeaQuery q) =>
            (await _store.InScopeAsync(sp => sp.GetRequiredService<IIdeaStore>().SearchAsync(q, Ct))).Select(i => i.Text).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["Read papers with a QUESTION", "anonymous reading group"], await Texts(new IdeaQuery(ada.TeamId, ada.Id, Tag: "#Reading")));
        Assert.Equal(["Read papers with a QUESTION"], await Texts(new IdeaQuery(ada.TeamId, ada.Id, Words: "question papers")));
        // LIKE wildcards in the search are literal characters.
        Assert.Equal(["100% focus mornings"], await Texts(new IdeaQuery(ada.TeamId, ada.Id, Words: "100%")));
        Assert.Empty(await Texts(new IdeaQuery(ada.TeamId, ada.Id, Words: "_")));
        // An anonymous idea never matches its author's name.
        Assert.Empty(await Texts(new IdeaQuery(null, null, AuthorName: "bob")));
        Assert.Equal(2, (await Texts(new IdeaQuery(null, null, AuthorName: "ada"))).Length);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Vote_SameMemberTwiceFromRacingRequests_SecondCommitIsRefused(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var bob = await MemberAsync("bob");
        var id = await AddIdeaAsync(ada, "pair on proofs", IdeaVisibility.Team);

        await using var scopeA = _store.CreateScope();
        await using var scopeB = _store.CreateScope();
        var ideaA = await scopeA.ServiceProvider.GetRequiredService<IIdeaStore>().GetAsync(id, Ct);
        var ideaB = await scopeB.ServiceProvider.GetRequiredService<IIdeaStore>().GetAsync(id, Ct);
        Assert.True(ideaA!.AddVote(bob.Id, _store.Clock.GetUtcNow()));
        Assert.True(ideaB!.AddVote(bob.Id, _store.Clock.GetUtcNow()));
        await scopeA.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => scopeB.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct));

        var votes = await _store.InScopeAsync(async sp => (await sp.GetRequiredService<IIdeaStore>().GetAsync(id, Ct))!.Votes.Count);
        Assert.Equal(1, votes);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Round_SameTeamAndDateTwice_IsOneRound(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var date = new LocalDate(2026, 11, 27);
        var ids = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add(await _store.InScopeAsync(async sp =>
            {
                var team = await sp.GetRequiredService<IMemberDirectory>().GetTeamAsync(ada.TeamId, Ct);
                return (await sp.GetRequiredService<RoundCalendar>().GetOrCreateAsync(team!, date, _store.Clock.GetUtcNow(), Ct)).Id;
            }));
        }
        Assert.Equal(ids[0], ids[1]);
        // A racing creator that did not see the first row is refused by the unique key.
        await _store.InScopeAsync(async sp =>
        {
            sp.GetRequiredService<IRoundStore>().AddRound(new ReflectionRound(ada.TeamId, date, _store.Clock.GetUtcNow(), _store.Clock.GetUtcNow()));
            await Assert.ThrowsAsync<DuplicateKeyException>(() => sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct));
        });
    }

    [Theory, SqliteData, PostgresData]
    public async Task Outbox_SameKeyTwice_IsQueuedOnce(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var message = new OutboundMessage("prompt:1:1", Destination.DirectMessage(ada.Ref), new NoticeMessage("hello"));
        var first = await _store.InScopeAsync(async sp =>
        {
            var queued = await sp.GetRequiredService<IOutbox>().EnqueueAsync(message, null, _store.Clock.GetUtcNow(), Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            return queued;
        });
        var second = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().EnqueueAsync(message, null, _store.Clock.GetUtcNow(), Ct));
        Assert.True(first);
        Assert.False(second);

        // Two writers that both checked before either committed: the unique key refuses the second.
        await using var scopeA = _store.CreateScope();
        await using var scopeB = _store.CreateScope();
        var other = message with { IdempotencyKey = "prompt:1:2" };
        Assert.True(await scopeA.ServiceProvider.GetRequiredService<IOutbox>().EnqueueAsync(other, null, _store.Clock.GetUtcNow(), Ct));
        Assert.True(await scopeB.ServiceProvider.GetRequiredService<IOutbox>().EnqueueAsync(other, null, _store.Clock.GetUtcNow(), Ct));
        await scopeA.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => scopeB.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Outbox_ClaimLeaseAndRetry(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var now = _store.Clock.GetUtcNow();
        var prompt = new PromptMessage(7, new DateOnly(2026, 11, 27), "ada", ["Q1?", "Q2?"]);
        await _store.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(new OutboundMessage("prompt:7:1", Destination.DirectMessage(ada.Ref), prompt),
                new PromptDeliveryRef(7, ada.Id), now, Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });

        var lease = TimeSpan.FromMinutes(2);
        var claimed = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now, now + lease, 10, Ct));
        var entry = Assert.Single(claimed);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(new PromptDeliveryRef(7, ada.Id), entry.Delivery);
        var content = Assert.IsType<PromptMessage>(entry.Message.Content);
        Assert.Equal(prompt.Questions, content.Questions);
        Assert.Equal(prompt.PromptDate, content.PromptDate);

        // In flight: nobody else gets it until the lease runs out (a dispatcher that died mid-send).
        Assert.Empty(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now + TimeSpan.FromMinutes(1), now + lease, 10, Ct)));
        var reclaimed = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now + lease, now + lease * 2, 10, Ct));
        Assert.Equal(2, Assert.Single(reclaimed).Attempts);

        // The first claim ran out and was taken over: its holder can no longer change the row.
        Assert.False(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().MarkSentAsync(entry.Claim, now, Ct)));
        var current = Assert.Single(reclaimed);
        Assert.True(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().MarkRetryAsync(current.Claim, now + TimeSpan.FromMinutes(10), "429", Ct)));
        Assert.Empty(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now + TimeSpan.FromMinutes(9), now + lease, 10, Ct)));
        var third = Assert.Single(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now + TimeSpan.FromMinutes(10), now + lease, 10, Ct)));

        Assert.True(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().MarkSentAsync(third.Claim, now, Ct)));
        var counts = await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().CountByStateAsync(Ct));
        Assert.Equal(1, counts[OutboxState.Sent]);
        Assert.Empty(await _store.InScopeAsync(sp => sp.GetRequiredService<IOutbox>().ClaimDueAsync(now + TimeSpan.FromDays(1), now + lease, 10, Ct)));
    }

    [Theory, SqliteData, PostgresData]
    public async Task EraseMember_RemovesEverythingTheyWroteAndTheirQueuedMessages(TestProvider provider)
    {
        await StartAsync(provider);
        var ada = await MemberAsync("ada");
        var bob = await MemberAsync("bob");
        var adaIdea = await AddIdeaAsync(ada, "ada's idea", IdeaVisibility.Private);
        var bobIdea = await AddIdeaAsync(bob, "bob's idea", IdeaVisibility.Team);
        await _store.InScopeAsync(async sp =>
        {
            var ideas = sp.GetRequiredService<IIdeaStore>();
            (await ideas.GetAsync(bobIdea, Ct))!.AddVote(ada.Id, _store.Clock.GetUtcNow());
            await sp.GetRequiredService<IOutbox>().EnqueueAsync(
                new OutboundMessage("notice:ada", Destination.DirectMessage(ada.Ref), new NoticeMessage("hi")), null, _store.Clock.GetUtcNow(), Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });

        await _store.InScopeAsync(async sp =>
        {
            var member = await sp.GetRequiredService<IMemberDirectory>().GetMemberAsync(ada.Id, Ct);
            await sp.GetRequiredService<IMemberDirectory>().EraseMemberAsync(member!, keepVotedIdeas: false, Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });

        await _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            Assert.False(await db.Members.AnyAsync(m => m.Id == ada.Id));
            Assert.False(await db.Ideas.AnyAsync(i => i.Id == adaIdea));
            Assert.False(await db.IdeaVotes.AnyAsync(v => v.MemberId == ada.Id));
            Assert.False(await db.Outbox.AnyAsync(o => o.Address == "ada"));
            Assert.True(await db.Ideas.AnyAsync(i => i.Id == bobIdea));
        });
    }
}
