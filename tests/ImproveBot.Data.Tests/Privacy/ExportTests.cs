using System.Text.Json;
using ImproveBot.Core.Privacy;
using ImproveBot.Data.Tests.Stores;
using ImproveBot.Testing.Postgres;

namespace ImproveBot.Data.Tests.Privacy;

/// <summary><c>/improve export</c>: the member's JSON holds all of their data and nothing of anyone else's.</summary>
public sealed class ExportTests : IAsyncLifetime
{
    private TestStore? _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    [Theory, SqliteData, PostgresData]
    public async Task Export_HoldsTheMembersRecordIdeasVotesReflectionsAndFollowUpAnswers_AndNothingOfOthers(TestProvider provider)
    {
        _store = await TestStore.CreateAsync(provider);
        var scenario = new PrivacyScenario(_store);
        await scenario.SeedAsync();

        var reply = await scenario.CommandAsync(PrivacyScenario.AdaUser, PrivacyScenario.AdaName, "/improve export");

        Assert.Contains("on its way to your DMs", reply.Text);
        using var json = await scenario.ExportedJsonAsync(scenario.Ada);
        var root = json.RootElement;
        var raw = root.GetRawText();

        var member = root.GetProperty("member");
        Assert.Equal(PrivacyScenario.AdaUser, member.GetProperty("userId").GetString());
        Assert.Equal(PrivacyScenario.AdaName, member.GetProperty("displayName").GetString());
        Assert.Equal("Europe/Berlin", member.GetProperty("timeZone").GetString());
        Assert.True(member.GetProperty("timeZoneSetByYou").GetBoolean());
        Assert.Equal("Friday", member.GetProperty("promptDay").GetString());
        Assert.Equal("15:00:00", member.GetProperty("promptTime").GetString());

        var ideas = root.GetProperty("ideas").EnumerateArray().ToList();
        Assert.Equal(
            [PrivacyScenario.AdaPrivate, PrivacyScenario.AdaUnvoted, PrivacyScenario.AdaVotedTeam, PrivacyScenario.AdaVotedAnon, PrivacyScenario.AdaReflectionIdea],
            ideas.Select(i => i.GetProperty("text").GetString()));
        var privateIdea = ideas[0];
        Assert.Equal("Private", privateIdea.GetProperty("visibility").GetString());
        Assert.Equal(["reading"], privateIdea.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Helped", privateIdea.GetProperty("followUpOutcome").GetString());
        Assert.Equal(4, privateIdea.GetProperty("valueRating").GetInt32());
        Assert.Equal("Adopted", privateIdea.GetProperty("status").GetString());
        Assert.Equal(1, ideas[2].GetProperty("votes").GetInt32()); // a count, never who

        var vote = Assert.Single(root.GetProperty("votes").EnumerateArray());
        Assert.Equal(scenario.BobIdeaId, vote.GetProperty("ideaId").GetInt64());

        var reflection = Assert.Single(root.GetProperty("reflections").EnumerateArray());
        Assert.Equal([PrivacyScenario.AdaAnswer], reflection.GetProperty("answers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("2026-11-27", reflection.GetProperty("roundDate").GetString());
        Assert.Single(root.GetProperty("prompts").EnumerateArray());

        // Nothing of Bob or Carl: not their names, ids, ideas (not even the one Ada voted for) or answers.
        foreach (var other in new[] { PrivacyScenario.BobUser, PrivacyScenario.BobName, PrivacyScenario.BobIdea, PrivacyScenario.BobAnswer,
                                      PrivacyScenario.CarlUser, PrivacyScenario.CarlName, PrivacyScenario.CarlIdea })
            Assert.DoesNotContain(other.Split(' ')[0], raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_PartsFitAChatMessage_HaveNoMarkup_AndJoinBackIntoTheDocument()
    {
        var longText = string.Concat(Enumerable.Repeat("<@everyone> `code` & ünïcode ", 70)); // one line far longer than a part
        var data = new PersonalData(
            new PersonalProfile("slack", "T1", "U1", "Ada", "UTC", false, true, null, false, DateTimeOffset.UnixEpoch, "Team",
                NodaTime.IsoDayOfWeek.Friday, new NodaTime.LocalTime(15, 0)),
            Enumerable.Range(1, 40).Select(i => new PersonalIdea(i, i == 7 ? longText : $"idea {i}", ["reading"], "InFlow", "Team", "New", 0,
                DateTimeOffset.UnixEpoch, null, null, null, null, 0, null)).ToList(),
            [], [], []);

        var json = PersonalDataExport.ToJson(data, DateTimeOffset.UnixEpoch);
        var parts = PersonalDataExport.Split(json);

        Assert.True(parts.Count > 3);
        Assert.All(parts, p => Assert.InRange(p.Length, 1, PersonalDataExport.PartLength));
        // Nothing Slack or Discord could read as markup: no mention, link, entity or code fence.
        Assert.All(parts, p => Assert.DoesNotContain(p, c => c is '<' or '>' or '&' or '`'));
        using var joined = JsonDocument.Parse(string.Concat(parts));
        Assert.Equal(longText, joined.RootElement.GetProperty("ideas")[6].GetProperty("text").GetString());
    }
}
