// Time per batch spent by the idea writer alone (IdeaGroupCommit.WriteBatchAsync: one transaction of /idea rows and
// its durable commit) on a SQLite file, one thread, no HTTP: what bounds bench/slack-load.sh's throughput, since
// batches are written one at a time.
// Usage: dotnet run -c Release --project bench/WriterBench [batch size] [batches per round] [rounds]
//   The database file goes to a new directory under /tmp (or $TMPDIR), removed at the end.
using System.Diagnostics;
using System.Globalization;
using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using ImproveBot.Data.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

var batchSize = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var perRound = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
const int Users = 50;

var directory = Directory.CreateTempSubdirectory("writer-bench-");
try
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:ImproveBot"] = $"Data Source={Path.Combine(directory.FullName, "bench.db")}",
    }).Build();
    await using var services = new ServiceCollection()
        .AddSingleton(TimeProvider.System)
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddSingleton(new TeamDefaults(IsoDayOfWeek.Friday, new LocalTime(15, 0), "UTC", Duration.FromHours(4),
            Duration.FromDays(3), IdeaVisibility.Team, "C-team"))
        .AddImproveBotCore()
        .AddImproveBotData(configuration)
        .BuildServiceProvider();
    await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

    // One team of 50 members, as bench/slack-load.sh has.
    long teamId;
    var memberIds = new long[Users];
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<ImproveBotDbContext>();
        var team = new Team("slack", "T-bench", "Bench", scope.ServiceProvider.GetRequiredService<TeamDefaults>());
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        teamId = team.Id;
        var members = Enumerable.Range(0, Users)
            .Select(u => new Member(teamId, "slack", "T-bench", $"U{u:D4}", $"user {u}", "UTC", DateTimeOffset.UtcNow)).ToList();
        db.Members.AddRange(members);
        await db.SaveChangesAsync();
        for (var u = 0; u < Users; u++) memberIds[u] = members[u].Id;
    }

    var writer = services.GetRequiredService<IdeaGroupCommit>();
    var random = new Random(20261127);
    var n = 0;
    List<(Idea, IReadOnlyList<ProcessedEvent>)> Batch() => Enumerable.Range(0, batchSize).Select(_ =>
    {
        n++;
        var idea = new Idea(teamId, memberIds[random.Next(Users)], $"timebox the reading list number {n} before lunch to keep momentum",
            ["focus"], IdeaSource.InFlow, IdeaVisibility.Team, DateTimeOffset.UtcNow);
        idea.PlanFollowUp(TimeSpan.FromDays(7));
        return (idea, (IReadOnlyList<ProcessedEvent>)[]);
    }).ToList();

    for (var i = 0; i < perRound; i++) await writer.WriteBatchAsync(Batch()); // warm-up: JIT, page cache, a grown WAL
    for (var round = 1; round <= rounds; round++)
    {
        var batches = Enumerable.Range(0, perRound).Select(_ => Batch()).ToList();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        foreach (var batch in batches) await writer.WriteBatchAsync(batch);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds / perRound;
        var cpuPerBatch = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / perRound;
        var kilobytesPerBatch = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / perRound;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round {round}: {elapsed:F0} us per batch of {batchSize} ({elapsed / batchSize:F1} us per idea), CPU {cpuPerBatch:F0} us per batch, {kilobytesPerBatch:F1} KB allocated per batch"));
    }
}
finally
{
    directory.Delete(recursive: true);
}
