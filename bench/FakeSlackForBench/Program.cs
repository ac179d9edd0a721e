using System.Globalization;
using System.Runtime.InteropServices;
using ImproveBot.Testing.FakeSlack;

// The fake Slack Web API for bench/slack-load.sh: starts ImproveBot.Testing's FakeSlackServer on a free port of
// 127.0.0.1 with N users (U0LOAD0001, U0LOAD0002, …), prints one line
//     READY <apiBaseUrl> <botToken>
// and runs until stdin closes, SIGTERM/SIGINT, or --seconds pass (always bounded). On the way out it prints, on
// stderr, how many calls of each Web API method it answered, so the load script can show what the bot asked.
//
// Usage: FakeSlackForBench [--users N] [--seconds S]     (defaults: 50 users, 600 s)
//        [--fanout --enforce-limits SCALE --status-file PATH]
// --fanout (bench/fanout.sh): users are named as BenchData seeds them (U0LOAD00001…, up to 99,999), Slack's documented
// rate limits are enforced with every window divided by SCALE, and PATH is rewritten every 100 ms with
// "prompts=<posted> users=<distinct users prompted> first_ms=<unix ms> last_ms=<unix ms> ratelimited=<429s>
//  once=<users with exactly one prompt> duplicated=<users with more> missed=<users with none> keys=<distinct prompt keys>
//  attempts_mean=<chat.postMessage requests per prompt key> attempts_max=<…> faults=<injected>".
// [--faults RATE --fault-seed N --fault-kinds all|429,5xx,timeout,reset,half --fault-hold-ms MS --fault-retry-after-s S
//  --fault-applied SHARE --fault-methods chat.postMessage,…]
// (bench/fault-fanout.sh): that share of Web API requests gets a fault (ImproveBot.Testing.Faults), some of them after
// the call was carried out; the injected counts by kind are printed on stderr on the way out.

var users = 50;
var seconds = 600;
var fanout = false;
double? enforce = null;
string? statusFile = null;
double faultRate = 0;
var faultSeed = 1;
var faultKinds = ImproveBot.Testing.Faults.FaultKinds.All;
var faultHoldMs = 30_000;
var faultRetryAfter = 1;
var faultApplied = 0.5;
string[]? faultMethods = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--fanout":
            fanout = true;
            break;
        case "--enforce-limits" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale is >= 1 and <= 1000:
            enforce = scale;
            i++;
            break;
        case "--faults" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1:
            faultRate = rate;
            i++;
            break;
        case "--fault-seed" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seed):
            faultSeed = seed;
            i++;
            break;
        case "--fault-kinds" when i + 1 < args.Length:
            faultKinds = ImproveBot.Testing.Faults.FaultOptions.ParseKinds(args[i + 1]);
            i++;
            break;
        case "--fault-hold-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var hold) && hold is > 0 and <= 600_000:
            faultHoldMs = hold;
            i++;
            break;
        case "--fault-retry-after-s" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ra) && ra is >= 1 and <= 600:
            faultRetryAfter = ra;
            i++;
            break;
        case "--fault-applied" when i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var applied) && applied is >= 0 and <= 1:
            faultApplied = applied;
            i++;
            break;
        case "--fault-methods" when i + 1 < args.Length:
            faultMethods = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            i++;
            break;
        case "--status-file" when i + 1 < args.Length:
            statusFile = args[i + 1];
            i++;
            break;
        case "--users" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u is > 0 and <= 99_999:
            users = u;
            i++;
            break;
        case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 86_400:
            seconds = s;
            i++;
            break;
        default:
            await Console.Error.WriteLineAsync($"usage: FakeSlackForBench [--users 1..9999] [--seconds 1..86400] (bad argument: {args[i]})");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
// Our own handlers: the fake's web host registers the console lifetime's, which would only stop Kestrel and
// leave this process waiting on stdin.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

string[] zones = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles", "UTC"];
if (!fanout && users > 9999)
{
    await Console.Error.WriteLineAsync("more than 9,999 users needs --fanout");
    return 2;
}
var faults = faultRate > 0
    ? new ImproveBot.Testing.Faults.FaultOptions
    {
        Rate = faultRate, Seed = faultSeed, Kinds = faultKinds, AppliedShare = faultApplied, Methods = faultMethods, Hold = TimeSpan.FromMilliseconds(faultHoldMs), RetryAfter = TimeSpan.FromSeconds(faultRetryAfter),
    }
    : null;
var fake = await FakeSlackServer.StartAsync(new FakeSlackOptions { EnforceRateLimits = enforce, Faults = faults });
await using (fake)
{
    for (var n = 1; n <= users; n++)
    {
        var name = $"load{n:D2}";
        var id = fanout ? ImproveBot.Testing.Bench.BenchData.UserId(n) : $"U0LOAD{n:D4}";
        fake.AddUser(new FakeSlackUser(id, name, zones[n % zones.Length]) { RealName = $"Load Tester {n}" });
    }
    fake.AddChannel("C0BENCH");
    var status = statusFile is null ? Task.CompletedTask : WriteStatusAsync(fake, users, statusFile, stop.Token);

    Console.WriteLine($"READY {fake.ApiBaseUrl} {fake.BotToken}");
    await Console.Out.FlushAsync();

    // EOF on stdin is how the load script says "done"; reading it on a worker thread because Console reads block.
    var stdinClosed = Task.Run(async () =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }
    });
    var timedOut = Task.Delay(TimeSpan.FromSeconds(seconds), stop.Token);
    var stopped = Task.Delay(Timeout.Infinite, stop.Token);
    var why = await Task.WhenAny(stdinClosed, timedOut, stopped);
    var reason = why == stdinClosed ? "stdin closed" : why == timedOut && !stop.IsCancellationRequested ? $"{seconds} s passed" : "signal";

    await stop.CancelAsync();
    await status;
    var calls = fake.Calls.GroupBy(c => c.Method, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}={g.Count()}" + (g.Count(c => c.Error is not null || c.HttpStatus != 200) is var bad and > 0 ? $" ({bad} failed)" : ""));
    await Console.Error.WriteLineAsync($"fake slack stopping ({reason}); calls answered: {string.Join(", ", calls.DefaultIfEmpty("none"))}");
    if (fake.Faults is { } injector)
        await Console.Error.WriteLineAsync("faults injected: " + string.Join(", ", injector.Injected.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
}
return 0;

// The fan-out's progress, for bench/fanout.sh: prompt messages posted, distinct users reached, and when the first and
// the last of them arrived. Rewritten whole (write then rename) so the script never reads half a line.
static async Task WriteStatusAsync(FakeSlackServer fake, int users, string path, CancellationToken ct)
{
    long first = 0, last = 0;
    var lastCount = 0;
    while (!ct.IsCancellationRequested)
    {
        var prompts = fake.PostedMessages.Where(m => Key(m)?.StartsWith("prompt:", StringComparison.Ordinal) == true).ToList();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (prompts.Count > 0 && first == 0) first = now;
        if (prompts.Count != lastCount) (last, lastCount) = (now, prompts.Count);
        // Per member (the DM channel's user), and per outbox key: both must come out at one each.
        var perChannel = prompts.GroupBy(m => m.Channel, StringComparer.Ordinal).Select(g => g.Count()).ToList();
        var once = perChannel.Count(c => c == 1);
        var duplicated = perChannel.Count(c => c > 1);
        var keys = prompts.Select(Key).Distinct(StringComparer.Ordinal).Count();
        var attempts = fake.PostAttemptsByKey.Where(kv => kv.Key.StartsWith("prompt:", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        var limited = fake.Calls.Count(c => c.HttpStatus == 429);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"prompts={prompts.Count} users={perChannel.Count} first_ms={first} last_ms={last} ratelimited={limited} once={once} duplicated={duplicated} " +
            $"missed={users - perChannel.Count} keys={keys} attempts_mean={(attempts.Count == 0 ? 0 : attempts.Average()):F3} " +
            $"attempts_max={(attempts.Count == 0 ? 0 : attempts.Max())} faults={fake.Faults?.InjectedCount ?? 0}\n");
        await File.WriteAllTextAsync(path + ".tmp", line, CancellationToken.None);
        File.Move(path + ".tmp", path, overwrite: true);
        try
        {
            await Task.Delay(200, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

static string? Key(PostedMessage message) => message.Metadata?["event_payload"]?["key"]?.GetValue<string>();

void Stop(PosixSignalContext context)
{
    context.Cancel = true; // we exit on our own, after disposing the server
    stop.Cancel();
}
