using System.Globalization;
using ImproveBot.Testing.Bench;

// Seeding and timing for the cluster benchmarks. The database comes from BENCH_CONNECTION (never the command line,
// which other users of the machine can read); the provider from --provider.
//
//   ClusterBench seed-fanout --provider Postgres --members 10000 --team-id T0FAKE0001
//       a Slack team whose weekly prompt fell due a minute ago, with members U0LOAD00001…
//   ClusterBench digest --provider Sqlite|Postgres --ideas 100000 --runs 30
//       seeds a team with that many ideas, builds its digest --runs times, prints "digest <provider> p50=… p90=… max=…"

if (args.Length == 0) return Usage();
var mode = args[0];
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
var connection = Environment.GetEnvironmentVariable("BENCH_CONNECTION");
if (string.IsNullOrWhiteSpace(connection) || !options.TryGetValue("--provider", out var provider)) return Usage();
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));

switch (mode)
{
    case "seed-fanout":
        await BenchData.SeedFanOutTeamAsync(provider, connection, options.GetValueOrDefault("--team-id", "T0FAKE0001"),
            Int(options, "--members", 10_000), timeout.Token);
        Console.WriteLine("seeded");
        return 0;
    case "digest":
        var timings = await BenchData.TimeDigestAsync(provider, connection, Int(options, "--ideas", 100_000), Int(options, "--runs", 30), Console.Error, timeout.Token);
        Console.WriteLine(FormattableString.Invariant(
            $"digest {provider} ideas={Int(options, "--ideas", 100_000)} in_digest={timings.IdeasInDigest} runs={timings.Runs} p50={timings.P50Ms:F1}ms p90={timings.P90Ms:F1}ms max={timings.MaxMs:F1}ms"));
        return 0;
    default:
        return Usage();
}

static int Int(Dictionary<string, string> options, string name, int fallback) =>
    options.TryGetValue(name, out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

static int Usage()
{
    Console.Error.WriteLine("usage: BENCH_CONNECTION=… ClusterBench seed-fanout --provider P [--members N] [--team-id T] | digest --provider P [--ideas N] [--runs R]");
    return 2;
}
