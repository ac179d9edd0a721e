using System.Diagnostics;
using ImproveBot.Core;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Storage;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace ImproveBot.Testing.Bench;

/// <summary>p50 and p90 of a timed operation, in milliseconds, and how many runs they rest on.</summary>
public sealed record Timings(int Runs, double P50Ms, double P90Ms, double MaxMs, int IdeasInDigest);

/// <summary>
/// Data for the benchmarks in <c>bench/</c> (seeded through the bot's own data services, on either provider), and the
/// digest timing. Bench code, not test code: nothing here asserts.
/// </summary>
public static class BenchData
{
    private static ServiceProvider Services(string provider, string connectionString, TeamDefaults defaults) =>
        new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(defaults)
            .AddImproveBotCore()
            .AddImproveBotData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:ImproveBot"] = connectionString,
            }).Build())
            .BuildServiceProvider();

    private static IsoDayOfWeek Iso(DayOfWeek day) => day == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)day;

    /// <summary>
    /// A Slack team whose weekly prompt fell due a minute ago (UTC) with <paramref name="members"/> members
    /// <c>U0LOAD0001…</c>; the bot's migrations are applied first.
    /// </summary>
    public static async Task SeedFanOutTeamAsync(string provider, string connectionString, string slackTeamId, int members, CancellationToken ct)
    {
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);
        var defaults = new TeamDefaults(Iso(due.DayOfWeek), LocalTime.FromTimeOnly(TimeOnly.FromDateTime(due.UtcDateTime)), "UTC",
            Duration.FromHours(4), Duration.FromDays(3), IdeaVisibility.Team, "C0BENCH");
        await using var services = Services(provider, connectionString, defaults);
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
        long teamId;
        await using (var scope = services.CreateAsyncScope())
        {
            var (_, team) = await scope.ServiceProvider.GetRequiredService<MemberService>()
                .EnsureAsync(new MemberIdentity(new MemberRef("slack", slackTeamId, UserId(1)), "load1"), ct);
            teamId = team.Id;
        }
        // The rest in bulk: one member at a time through MemberService would take minutes for 10,000.
        for (var start = 2; start <= members; start += 1000)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
            for (var n = start; n < start + 1000 && n <= members; n++)
                db.Members.Add(new Member(teamId, "slack", slackTeamId, UserId(n), $"load{n}", "UTC", due));
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The Slack user id of bench member <paramref name="n"/> (1-based), as FakeSlackForBench names them.</summary>
    public static string UserId(int n) => $"U0LOAD{n:D5}";

    /// <summary>
    /// Seeds a team of 100 members with <paramref name="ideas"/> ideas spread over two years (3 % of them voted,
    /// some tried, adopted or dropped, a fifth from reflections), a round whose digest includes the monthly experiment,
    /// then builds that digest <paramref name="runs"/> times (after 3 warm-up builds) and reports the times.
    /// </summary>
    public static async Task<Timings> TimeDigestAsync(string provider, string connectionString, int ideas, int runs, TextWriter log, CancellationToken ct)
    {
        var now = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero); // the round of Friday 4 December: first week, so monthly
        var defaults = new TeamDefaults(IsoDayOfWeek.Friday, new LocalTime(15, 0), "UTC", Duration.FromHours(4), Duration.FromDays(3), IdeaVisibility.Team, "C0BENCH");
        await using var services = Services(provider, connectionString, defaults);
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
        var random = new Random(42);
        var seeding = Stopwatch.StartNew();

        long teamId;
        var memberIds = new List<long>();
        await using (var scope = services.CreateAsyncScope())
        {
            var memberService = scope.ServiceProvider.GetRequiredService<MemberService>();
            for (var m = 1; m <= 100; m++)
                memberIds.Add((await memberService.EnsureAsync(new MemberIdentity(new MemberRef("slack", "T0BENCH", UserId(m)), $"member{m}"), ct)).Member.Id);
            teamId = (await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().ListTeamsAsync(ct)).Single().Id;
        }

        ReflectionRound round;
        await using (var scope = services.CreateAsyncScope())
        {
            var team = (await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().GetTeamAsync(teamId, ct))!;
            round = await scope.ServiceProvider.GetRequiredService<RoundCalendar>().GetOrCreateAsync(team, new LocalDate(2026, 12, 4), now.AddDays(-3), ct);
            var rounds = scope.ServiceProvider.GetRequiredService<IRoundStore>();
            foreach (var member in memberIds)
            {
                rounds.AddDelivery(new PromptDelivery(round.Id, member, now.AddDays(-3), now.AddDays(-3)));
                if (random.NextDouble() < 0.6)
                    rounds.AddReflection(new Reflection(round.Id, member, ["an answer"], now.AddDays(-2).AddMinutes(-20), now.AddDays(-2)));
            }
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(ct);
        }

        string[] tags = ["reading", "writing", "focus", "tools", "feedback", "collaboration", "prioritization", "decomposition"];
        string[] words = ["read", "papers", "question", "first", "write", "draft", "intro", "early", "pair", "proofs", "weekly", "review",
            "notes", "morning", "block", "calendar", "ask", "feedback", "sooner", "small", "experiments", "plots", "code", "tests"];
        const int batch = 2000;
        for (var done = 0; done < ideas; done += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(ideas, done + batch); i++)
            {
                var created = now - TimeSpan.FromMinutes(random.Next(0, 2 * 365 * 24 * 60));
                var text = string.Join(' ', Enumerable.Range(0, 6 + random.Next(8)).Select(_ => words[random.Next(words.Length)])) + $" {i}";
                var source = random.NextDouble() < 0.2 ? IdeaSource.Reflection : IdeaSource.InFlow;
                var visibility = random.NextDouble() < 0.1 ? IdeaVisibility.Private : random.NextDouble() < 0.1 ? IdeaVisibility.Anonymous : IdeaVisibility.Team;
                var idea = new Idea(teamId, memberIds[random.Next(memberIds.Count)], text, [tags[random.Next(tags.Length)]], source, visibility, created);
                var roll = random.NextDouble();
                if (roll < 0.05) idea.ChangeStatus(IdeaStatus.Adopted, created.AddDays(14));
                else if (roll < 0.10) idea.ChangeStatus(IdeaStatus.Dropped, created.AddDays(14));
                else if (roll < 0.15) idea.ChangeStatus(IdeaStatus.Trying, created.AddDays(7));
                if (random.NextDouble() < 0.03)
                {
                    foreach (var voter in Enumerable.Range(0, 1 + random.Next(5)).Select(_ => memberIds[random.Next(memberIds.Count)]).Distinct())
                        idea.AddVote(voter, created.AddHours(1));
                }
                db.Ideas.Add(idea);
            }
            await db.SaveChangesAsync(ct);
        }
        log.WriteLine($"seeded {ideas:N0} ideas on {provider} in {seeding.Elapsed.TotalSeconds:F1} s");

        var times = new List<double>();
        for (var run = -3; run < runs; run++)
        {
            await using var scope = services.CreateAsyncScope();
            var digests = scope.ServiceProvider.GetRequiredService<DigestService>();
            var team = (await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().GetTeamAsync(teamId, ct))!;
            var clock = Stopwatch.StartNew();
            _ = await digests.BuildAsync(team, round, round.ClosesAt, ct);
            clock.Stop();
            if (run < 0) continue; // warm-up: JIT, connection pool, the database's caches
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        int inDigest;
        await using (var scope = services.CreateAsyncScope())
            inDigest = (await scope.ServiceProvider.GetRequiredService<IIdeaStore>().ListForDigestAsync(teamId, round.ClosesAt.AddDays(-7), round.ClosesAt, ct)).Count;
        return new Timings(times.Count, Percentile(times, 0.5), Percentile(times, 0.9), times[^1], inDigest);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
