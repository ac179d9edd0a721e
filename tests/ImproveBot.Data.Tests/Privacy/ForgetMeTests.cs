using ImproveBot.Core.Ideas;
using ImproveBot.Data.Stores;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Data.Tests.Privacy;

/// <summary>
/// <c>/improve forget-me</c> on both providers: afterwards a scan of every table finds nothing of the member (ids, user id,
/// name, words), except, when they chose <c>keep-voted</c>, the text of ideas others voted on, with no link to them.
/// </summary>
public sealed class ForgetMeTests : IAsyncLifetime
{
    private TestStore? _store;
    private PrivacyScenario _scenario = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private async Task SeedAsync(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        _scenario = new PrivacyScenario(_store);
        await _scenario.SeedAsync();
        // An export waiting in the outbox is a DM to her too.
        await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve export");
    }

    /// <summary>Everything that names Ada or quotes her, wherever it is; <paramref name="keptTexts"/> may remain.</summary>
    private async Task AssertNothingOfAdaRemainsAsync(params string[] keptTexts)
    {
        var ada = _scenario.Ada;
        string[] words =
        [
            PrivacyScenario.AdaUser, PrivacyScenario.AdaName, PrivacyScenario.AdaPrivate, PrivacyScenario.AdaUnvoted,
            PrivacyScenario.AdaVotedTeam, PrivacyScenario.AdaVotedAnon, PrivacyScenario.AdaReflectionIdea, PrivacyScenario.AdaAnswer,
        ];
        var dump = await _scenario.DumpAsync();
        foreach (var word in words.Except(keptTexts))
        {
            var marker = word.Split(' ')[0]; // the unique part, whatever JSON escaping did to the rest
            Assert.DoesNotContain(dump, v => v.Value.Contains(marker, StringComparison.Ordinal));
        }
        string[] memberColumns = ["MemberId", "AuthorId", "DeliveryMemberId"];
        var id = ada.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(dump, v => memberColumns.Contains(v.Column) && v.Value == id);
        Assert.DoesNotContain(dump, v => v.Table == "members" && v.Column == "Id" && v.Value == id);
        // Outbox keys name members and ideas by id: prompt:{round}:{member}, export:{member}:…, followup:{idea}:{n}.
        var keys = dump.Where(v => v.Table == "outbox" && v.Column == "Key").Select(v => v.Value).ToList();
        Assert.DoesNotContain(keys, k => (k.StartsWith("prompt:") || k.StartsWith("reminder:") || k.StartsWith("timeup:")) && k.EndsWith(":" + id));
        Assert.DoesNotContain(keys, k => k.StartsWith($"export:{id}:") || k.StartsWith($"followup:{_scenario.AdaPrivateId}:"));
    }

    /// <summary>What is left of Bob and Carl after Ada left: all of it.</summary>
    private async Task AssertOthersUntouchedAsync()
    {
        var dump = await _scenario.DumpAsync();
        foreach (var word in new[] { PrivacyScenario.BobUser, PrivacyScenario.BobName, PrivacyScenario.BobIdea, PrivacyScenario.BobAnswer, PrivacyScenario.CarlIdea })
            Assert.Contains(dump, v => v.Value.Contains(word.Split(' ')[0], StringComparison.Ordinal));
        await _store!.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            Assert.True(await db.Outbox.AnyAsync(o => o.Address == PrivacyScenario.BobUser));
            Assert.True(await db.Deliveries.AnyAsync(d => d.MemberId == _scenario.Bob.Id));
            // Bob's idea lost Ada's vote, nothing else.
            Assert.Equal(0, await db.IdeaVotes.CountAsync(v => v.IdeaId == _scenario.BobIdeaId));
            Assert.True(await db.Ideas.AnyAsync(i => i.Id == _scenario.BobIdeaId && i.AuthorId == _scenario.Bob.Id));
        });
    }

    [Theory, SqliteData, PostgresData]
    public async Task ForgetMeConfirm_LeavesNothingOfTheMemberInAnyTable(TestProvider provider)
    {
        await SeedAsync(provider);

        var preview = await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve forget-me");
        Assert.Contains("`/improve forget-me keep-voted`", preview.Text);
        await _store!.InScopeAsync(async sp => Assert.True(
            await sp.GetRequiredService<ImproveBotDbContext>().Members.AnyAsync(m => m.Id == _scenario.Ada.Id))); // only explained

        var done = await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve forget-me confirm");

        Assert.StartsWith("Done: everything", done.Text);
        await AssertNothingOfAdaRemainsAsync();
        await AssertOthersUntouchedAsync();
        await _store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            Assert.False(await db.Ideas.AnyAsync(i => i.Id == _scenario.AdaVotedTeamId || i.Id == _scenario.AdaVotedAnonId));
            Assert.False(await db.Members.AnyAsync(m => m.UserId == EfMemberDirectory.FormerMemberUserId));
        });
    }

    [Theory, SqliteData, PostgresData]
    public async Task ForgetMeKeepVoted_KeepsVotedIdeasWithTheirVotes_WithoutAnyLinkToTheMember(TestProvider provider)
    {
        await SeedAsync(provider);

        var done = await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve forget-me keep-voted");

        Assert.Contains("except the ideas others voted on", done.Text);
        await AssertNothingOfAdaRemainsAsync(PrivacyScenario.AdaVotedTeam, PrivacyScenario.AdaVotedAnon, PrivacyScenario.AdaReflectionIdea);
        await AssertOthersUntouchedAsync();
        await _store!.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            var kept = await db.Ideas.AsNoTracking().Include(i => i.Votes)
                .Where(i => i.AuthorId != _scenario.Bob.Id && i.AuthorId != _scenario.Carl.Id).OrderBy(i => i.Id).ToListAsync();
            Assert.Equal([_scenario.AdaVotedTeamId, _scenario.AdaVotedAnonId, _scenario.AdaReflectionIdeaId], kept.Select(i => i.Id));
            Assert.Equal([PrivacyScenario.AdaVotedTeam, PrivacyScenario.AdaVotedAnon, PrivacyScenario.AdaReflectionIdea], kept.Select(i => i.Text));
            Assert.Equal([_scenario.Bob.Id], kept[0].Votes.Select(v => v.MemberId));
            Assert.Equal([_scenario.Carl.Id], kept[1].Votes.Select(v => v.MemberId));
            Assert.Equal(["writing"], kept[0].Tags);
            Assert.All(kept, i => Assert.Equal(IdeaVisibility.Anonymous, i.Visibility));
            Assert.All(kept, i => Assert.Null(i.ReflectionId));
            Assert.All(kept, i => Assert.Null(i.FollowUpDueAt));
            var former = await db.Members.AsNoTracking().SingleAsync(m => m.Id == kept[0].AuthorId);
            Assert.Equal(EfMemberDirectory.FormerMemberUserId, former.UserId);
            Assert.False(former.OptedIn);
            Assert.All(kept, i => Assert.Equal(former.Id, i.AuthorId));
        });

        // The team still sees them, anonymously, and can vote on them.
        var list = await _scenario.CommandAsync(PrivacyScenario.CarlUser, PrivacyScenario.CarlName, "/ideas outline");
        Assert.Contains("outline before writing", list.Text);
        Assert.Contains("anonymous", list.Text);
        Assert.DoesNotContain(PrivacyScenario.AdaName, list.Text);
        var vote = await _scenario.CommandAsync(PrivacyScenario.CarlUser, PrivacyScenario.CarlName, $"/improve vote {_scenario.AdaVotedTeamId}");
        Assert.Contains("(2 votes)", vote.Text);
    }

    [Theory, SqliteData, PostgresData]
    public async Task ForgetMeTwice_ByTwoMembers_SharesOneFormerMember_AndTheFirstComesBackFresh(TestProvider provider)
    {
        await SeedAsync(provider);
        var bobVotedOnByCarl = await _scenario.IdeaAsync(PrivacyScenario.BobUser, PrivacyScenario.BobName, "/idea bob-second-mark keep a log");
        await _scenario.CommandAsync(PrivacyScenario.CarlUser, PrivacyScenario.CarlName, $"/improve vote {bobVotedOnByCarl}");

        await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve forget-me keep-voted");
        await _scenario.CommandAsync(PrivacyScenario.BobUser, PrivacyScenario.BobName, "/improve forget-me keep-voted");
        var again = await _scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/ideas mine");

        Assert.StartsWith("You have no ideas", again.Text);
        await _store!.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            Assert.Equal(1, await db.Members.CountAsync(m => m.UserId == EfMemberDirectory.FormerMemberUserId));
            Assert.True(await db.Ideas.AnyAsync(i => i.Id == bobVotedOnByCarl));
            Assert.False(await db.Members.AnyAsync(m => m.UserId == PrivacyScenario.BobUser));
        });
    }
}
