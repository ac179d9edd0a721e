using System.Data.Common;
using System.Text.Json;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Data.Outbox;
using ImproveBot.Data.Tests.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ImproveBot.Data.Tests.Privacy;

/// <summary>
/// A team where Ada has written something of every kind the bot stores (ideas of each visibility, a vote, a reflection,
/// a follow-up answer, DMs sent and queued, a digest quoting her), next to Bob and Carl. Texts carry unique markers so
/// a scan of every table can tell whose words are still there.
/// </summary>
internal sealed class PrivacyScenario(TestStore store)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public const string AdaUser = "U-ada-7f3k", AdaName = "Ada Lovelace-Qx";
    public const string BobUser = "U-bob-9m2p", BobName = "Bob Builder-Zy";
    public const string CarlUser = "U-carl-4h8w", CarlName = "Carl Gauss-Wv";

    // Ada's words. The two voted ones may survive anonymously; the rest must go in every case.
    public const string AdaPrivate = "ada-private-mark read with a question first";
    public const string AdaUnvoted = "ada-unvoted-mark batch email";
    public const string AdaVotedTeam = "ada-voted-team-mark outline before writing";
    public const string AdaVotedAnon = "ada-voted-anon-mark no meetings before 11";
    public const string AdaReflectionIdea = "ada-reflection-idea-mark ask for feedback early";
    public const string AdaAnswer = "ada-answer-mark I got stuck on the proofs";
    public const string BobIdea = "bob-idea-mark pair on reviews";
    public const string BobAnswer = "bob-answer-mark more sleep";
    public const string CarlIdea = "carl-idea-mark weekly reading group";

    public Member Ada { get; private set; } = null!;
    public Member Bob { get; private set; } = null!;
    public Member Carl { get; private set; } = null!;
    public long AdaVotedTeamId { get; private set; }
    public long AdaVotedAnonId { get; private set; }
    public long AdaReflectionIdeaId { get; private set; }
    public long AdaPrivateId { get; private set; }
    public long AdaUnvotedId { get; private set; }
    public long BobIdeaId { get; private set; }

    public static MemberIdentity Identity(string user, string name) => new(new MemberRef("local", "T1", user), name, TimeZone: "UTC");

    public Task<Reply> CommandAsync(string user, string name, string text) =>
        store.InScopeAsync(sp => sp.GetRequiredService<BotFrontDoor>().HandleCommandTextAsync(Identity(user, name), text, Ct));

    public async Task<long> IdeaAsync(string user, string name, string text)
    {
        var reply = await CommandAsync(user, name, text);
        var match = System.Text.RegularExpressions.Regex.Match(reply.Text, @"Saved idea #(\d+)");
        Assert.True(match.Success, reply.Text);
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task SeedAsync()
    {
        await CommandAsync(AdaUser, AdaName, "/improve tz Europe/Berlin");
        AdaPrivateId = await IdeaAsync(AdaUser, AdaName, $"/idea {AdaPrivate} #reading --private");
        AdaUnvotedId = await IdeaAsync(AdaUser, AdaName, $"/idea {AdaUnvoted} #focus");
        AdaVotedTeamId = await IdeaAsync(AdaUser, AdaName, $"/idea {AdaVotedTeam} #writing");
        AdaVotedAnonId = await IdeaAsync(AdaUser, AdaName, $"/idea {AdaVotedAnon} --anon");
        BobIdeaId = await IdeaAsync(BobUser, BobName, $"/idea {BobIdea} #feedback");
        await IdeaAsync(CarlUser, CarlName, $"/idea {CarlIdea}");
        await store.InScopeAsync(async sp =>
        {
            var members = sp.GetRequiredService<IMemberDirectory>();
            Ada = (await members.FindMemberAsync(Identity(AdaUser, AdaName).Ref, Ct))!;
            Bob = (await members.FindMemberAsync(Identity(BobUser, BobName).Ref, Ct))!;
            Carl = (await members.FindMemberAsync(Identity(CarlUser, CarlName).Ref, Ct))!;
        });

        // A round with Ada's and Bob's reflections; Ada's has an idea of its own.
        var now = store.Clock.GetUtcNow();
        await store.InScopeAsync(async sp =>
        {
            var rounds = sp.GetRequiredService<IRoundStore>();
            var round = new ReflectionRound(Ada.TeamId, new LocalDate(2026, 11, 27), now.AddDays(3), now);
            rounds.AddRound(round);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            rounds.AddDelivery(new PromptDelivery(round.Id, Ada.Id, now, now));
            rounds.AddDelivery(new PromptDelivery(round.Id, Bob.Id, now, now));
            var adaReflection = new Reflection(round.Id, Ada.Id, [AdaAnswer], now.AddMinutes(-20), now);
            rounds.AddReflection(adaReflection);
            rounds.AddReflection(new Reflection(round.Id, Bob.Id, [BobAnswer], null, now));
            var fromReflection = new Idea(Ada.TeamId, Ada.Id, AdaReflectionIdea, ["feedback"], IdeaSource.Reflection, IdeaVisibility.Team, now, adaReflection);
            sp.GetRequiredService<IIdeaStore>().Add(fromReflection);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            AdaReflectionIdeaId = fromReflection.Id;

            var outbox = sp.GetRequiredService<IOutbox>();
            await outbox.EnqueueAsync(new OutboundMessage($"prompt:{round.Id}:{Ada.Id}", Destination.DirectMessage(Ada.Ref),
                new PromptMessage(round.Id, new DateOnly(2026, 11, 27), AdaName, ["q"])), new PromptDeliveryRef(round.Id, Ada.Id), now, Ct);
            await outbox.EnqueueAsync(new OutboundMessage($"prompt:{round.Id}:{Bob.Id}", Destination.DirectMessage(Bob.Ref),
                new PromptMessage(round.Id, new DateOnly(2026, 11, 27), BobName, ["q"])), new PromptDeliveryRef(round.Id, Bob.Id), now, Ct);
            await outbox.EnqueueAsync(new OutboundMessage($"followup:{AdaPrivateId}:1", Destination.DirectMessage(Ada.Ref),
                new FollowUpMessage(AdaPrivateId, AdaPrivate, new DateOnly(2026, 11, 27), 1)), null, now, Ct);
            await outbox.EnqueueAsync(new OutboundMessage("digest:test", Destination.Channel("local", "T1", "C-team"),
                new DigestMessage(Digest(round))), null, now, Ct);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            await sp.GetRequiredService<IInboundLog>().TryRecordAsync("local-test", "delivery-1", Ct);
        });

        // Votes: Bob on Ada's team idea and her reflection idea, Carl on her anonymous one, Ada on Bob's.
        await CommandAsync(BobUser, BobName, $"/improve vote {AdaVotedTeamId}");
        await CommandAsync(BobUser, BobName, $"/improve vote {AdaReflectionIdeaId}");
        await CommandAsync(CarlUser, CarlName, $"/improve vote {AdaVotedAnonId}");
        await CommandAsync(AdaUser, AdaName, $"/improve vote {BobIdeaId}");

        // A follow-up answer on Ada's private idea; and the prompts and digest went out (sent copies stay in the outbox).
        await store.InScopeAsync(async sp =>
        {
            var idea = (await sp.GetRequiredService<IIdeaStore>().GetAsync(AdaPrivateId, Ct))!;
            idea.RecordAnswer(FollowUpAnswer.Helped, now, TimeSpan.FromDays(14));
            idea.Rate(4, now);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
            await sp.GetRequiredService<ImproveBotDbContext>().Outbox.Where(o => o.Key.StartsWith("prompt:") || o.Key == "digest:test")
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, OutboxState.Sent), Ct);
        });
    }

    private TeamDigest Digest(ReflectionRound round)
    {
        DigestIdea Row(long id, string text, string? author) => new(id, text, author, 1, IdeaSource.InFlow, [], IdeaStatus.New);
        var ada = Row(AdaVotedTeamId, AdaVotedTeam, AdaName);
        var anon = Row(AdaVotedAnonId, AdaVotedAnon, null);
        var bob = Row(BobIdeaId, BobIdea, BobName);
        return new TeamDigest("Playground", new DateOnly(2026, 11, 27), round.CreatedAt.AddDays(-7), round.CreatedAt,
            new DigestParticipation(2, 2, 0, 20, 1),
            [new DigestIdeaGroup("writing", [ada, Row(AdaUnvotedId, AdaUnvoted, AdaName)]), new DigestIdeaGroup("feedback", [bob])],
            [ada, anon, bob], [], new DigestSourceCounts(3, 1, 0.3, null));
    }

    /// <summary>Every value in every table, as text, with its table and column: what a scan for leftovers reads.</summary>
    public Task<List<(string Table, string Column, string Value)>> DumpAsync() =>
        store.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(Ct);
            try
            {
                var tables = new List<string>();
                await using (var list = connection.CreateCommand())
                {
                    list.CommandText = db.Database.IsSqlite()
                        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                        : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
                    await using var reader = await list.ExecuteReaderAsync(Ct);
                    while (await reader.ReadAsync(Ct)) tables.Add(reader.GetString(0));
                }
                Assert.Contains("outbox", tables);
                var values = new List<(string, string, string)>();
                foreach (var table in tables)
                {
                    await using var select = connection.CreateCommand();
                    select.CommandText = $"SELECT * FROM \"{table}\"";
                    await using var reader = await select.ExecuteReaderAsync(Ct);
                    while (await reader.ReadAsync(Ct))
                    {
                        for (var i = 0; i < reader.FieldCount; i++)
                            values.Add((table, reader.GetName(i), reader.IsDBNull(i) ? "" : Text(reader, i)));
                    }
                }
                return values;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

    private static string Text(DbDataReader reader, int i) => reader.GetValue(i) switch
    {
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        string[] strings => string.Join("\n", strings),
        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The JSON of the member's newest export, joined from its parts in the outbox.</summary>
    public Task<JsonDocument> ExportedJsonAsync(Member member) =>
        store.InScopeAsync(async sp =>
        {
            var rows = await sp.GetRequiredService<ImproveBotDbContext>().Outbox.AsNoTracking()
                .Where(o => o.Key.StartsWith($"export:{member.Id}:")).ToListAsync(Ct);
            Assert.NotEmpty(rows);
            var parts = rows.Select(r => (ExportMessage)JsonSerializer.Deserialize<MessageContent>(r.ContentJson, EfOutbox.Json)!)
                .OrderBy(p => p.Part).ToList();
            Assert.Equal(Enumerable.Range(1, parts.Count), parts.Select(p => p.Part));
            Assert.All(parts, p => Assert.Equal(parts.Count, p.Parts));
            Assert.All(rows, r => Assert.Equal(member.UserId, r.Address));
            return JsonDocument.Parse(string.Concat(parts.Select(p => p.Json)));
        });
}
