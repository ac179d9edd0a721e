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

var users = 50;
var seconds = 600;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--users" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u is > 0 and <= 9999:
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
var fake = await FakeSlackServer.StartAsync(new FakeSlackOptions());
await using (fake)
{
    for (var n = 1; n <= users; n++)
    {
        var name = $"load{n:D2}";
        fake.AddUser(new FakeSlackUser($"U0LOAD{n:D4}", name, zones[n % zones.Length]) { RealName = $"Load Tester {n}" });
    }
    fake.AddChannel("C0BENCH");

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

    var calls = fake.Calls.GroupBy(c => c.Method, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}={g.Count()}" + (g.Count(c => c.Error is not null || c.HttpStatus != 200) is var bad and > 0 ? $" ({bad} failed)" : ""));
    await Console.Error.WriteLineAsync($"fake slack stopping ({reason}); calls answered: {string.Join(", ", calls.DefaultIfEmpty("none"))}");
}
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true; // we exit on our own, after disposing the server
    stop.Cancel();
}
