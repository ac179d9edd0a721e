using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Testing.FakeDiscord;
using NSec.Cryptography;

// The fake Discord for bench/discord-load.sh. Two modes:
//
// Server (default): starts ImproveBot.Testing's FakeDiscordServer (REST) on a free port of 127.0.0.1 with N users
// (load01 … loadNN, ids 1200000000000000001 …) and one server (guild), and prints one line
//     READY <apiBaseUrl> <botToken> <applicationId> <publicKeyHex> <guildId>
// (the bot token is the fake's own made-up one). Then it reads commands from stdin, one a line:
//     raw <path> <count>    writes <count> /idea interactions (each its own interaction id and token; the texts
//                           cycle through 9,600 distinct ideas), signed now with the application's key, as whole
//                           HTTP/1.1 requests (records "<length>\n<request>", read by bench/discord-wrk.lua and
//                           bench/OpenLoad), and answers "RAW <count> <timestamp>" on stdout
//     stats                 answers "STATS <what the bot asked of the REST API>" on stdout: calls per route, and the
//                           deferred answers the bot completed through the interaction webhook
// and stops when stdin closes, on SIGTERM/SIGINT, or after --seconds (always bounded). On the way out it prints the
// same on stderr.
//
// Verify benchmark (--verify-bench): signs the same interactions and times, on one thread, NSec's Ed25519 Verify of
// timestamp + body, the bot's whole signature check (hex decoding, concatenation, Verify), and for comparison an
// HMAC-SHA256 of the same bytes (what Slack's check costs). Prints one line, CPU µs per check and then wall µs:
//     VERIFY bodies=… body_bytes=… verifications=… verify_us=… check_us=… hmac_us=… verify_wall_us=… check_wall_us=… hmac_wall_us=…
//
// Usage: FakeDiscordForBench [--users N] [--seconds S]                      (defaults: 50 users, 600 s)
//        FakeDiscordForBench --verify-bench [--ideas N] [--verifications V] (defaults: 6000 bodies, 200000)
//
// The private key never leaves this process (it is created here, not exportable); only the public key is printed.

const string GuildId = "1300000000000000001";
const string ChannelId = "1300000000000000002";

var users = 50;
var seconds = 600;
var verifyBench = false;
var ideas = 6000;
var verifications = 200_000;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--users" when TryInt(i, 1, 9999, out var u):
            users = u;
            i++;
            break;
        case "--seconds" when TryInt(i, 1, 86_400, out var s):
            seconds = s;
            i++;
            break;
        case "--verify-bench":
            verifyBench = true;
            break;
        case "--ideas" when TryInt(i, 1, IdeaTexts.MaxCount, out var n):
            ideas = n;
            i++;
            break;
        case "--verifications" when TryInt(i, 1, 100_000_000, out var v):
            verifications = v;
            i++;
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"usage: FakeDiscordForBench [--users 1..9999] [--seconds 1..86400] | --verify-bench [--ideas 1..{IdeaTexts.MaxCount}] [--verifications N] (bad argument: {args[i]})");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
// Our own handlers: the fake's web host registers the console lifetime's, which would only stop Kestrel and
// leave this process waiting on stdin.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var fake = await FakeDiscordServer.StartAsync(new FakeDiscordOptions());
await using (fake)
{
    var people = new FakeDiscordUser[users];
    for (var n = 1; n <= users; n++)
    {
        people[n - 1] = new FakeDiscordUser($"120000000{n:D10}", $"load{n:D2}") { GlobalName = $"Load Tester {n}" };
        fake.AddUser(people[n - 1]);
    }
    fake.AddGuild(GuildId, "Bench Server", ChannelId);

    if (verifyBench)
    {
        await Console.Out.WriteLineAsync(VerifyBench(fake, people, ideas, verifications));
        return 0;
    }

    Console.WriteLine($"READY {fake.ApiBaseUrl} {fake.BotToken} {fake.ApplicationId} {fake.Signer.PublicKeyHex} {GuildId}");
    await Console.Out.FlushAsync();

    // Commands on stdin; EOF is how the load script says "done". Console reads block, so on a worker thread.
    var stdinClosed = Task.Run(async () =>
    {
        using var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        while (await stdin.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["raw", var rawPath, var rawCountText]
                     && int.TryParse(rawCountText, NumberStyles.None, CultureInfo.InvariantCulture, out var rawCount)
                     && rawCount is > 0 and <= IdeaTexts.MaxCount)
            {
                var timestamp = WriteRaw(fake, people, rawPath, rawCount);
                Console.WriteLine($"RAW {rawCount} {timestamp}");
            }
            else if (words is ["stats"])
            {
                Console.WriteLine($"STATS {Stats(fake)}");
            }
            else
            {
                Console.WriteLine($"ERROR unknown command (expected: raw <path> <1..{IdeaTexts.MaxCount}>, or stats)");
            }
            await Console.Out.FlushAsync();
        }
    });
    var timedOut = Task.Delay(TimeSpan.FromSeconds(seconds), stop.Token);
    var stopped = Task.Delay(Timeout.Infinite, stop.Token);
    var why = await Task.WhenAny(stdinClosed, timedOut, stopped);
    var reason = why == stdinClosed ? (stdinClosed.IsFaulted ? $"stdin failed: {stdinClosed.Exception!.InnerException!.Message}" : "stdin closed")
        : why == timedOut && !stop.IsCancellationRequested ? $"{seconds} s passed" : "signal";

    await Console.Error.WriteLineAsync($"fake discord stopping ({reason}); {Stats(fake)}");
}
return 0;

static string Stats(FakeDiscordServer fake)
{
    var calls = fake.Calls.GroupBy(c => c.Route, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}={g.Count()}" + (g.Count(c => c.HttpStatus is < 200 or > 299) is var bad and > 0 ? $" ({bad} failed)" : ""));
    var edits = fake.WebhookEdits;
    var saved = edits.Count(e => e.Body["content"]?.GetValue<string>().Contains("Saved idea #", StringComparison.Ordinal) == true);
    return $"REST calls answered: {string.Join(", ", calls.DefaultIfEmpty("none"))}; deferred answers completed through the webhook: {edits.Count} ({saved} saying 'Saved idea #')";
}

// The interactions as Discord sends them (the fake's own SlashCommand builder: type 2, data.name "idea", option "text"),
// each with its own id and token, from users spread over the N users, serialised as SendInteractionAsync does.
static List<byte[]> Interactions(FakeDiscordServer fake, FakeDiscordUser[] people, int count)
{
    var rnd = new Random(20261127); // the same ideas and users every run: runs compare like with like
    var bodies = new List<byte[]>(count);
    foreach (var text in IdeaTexts.Generate(rnd, count))
    {
        var user = people[rnd.Next(people.Length)];
        var interaction = fake.SlashCommand(user, GuildId, "idea", FakeDiscordServer.Option("text", 3, text));
        // wrk sends these, not the fake, so the fake never sees the bot's answers. A token minted as answered (type 5)
        // lets a deferred answer's webhook edit of @original succeed, as on Discord once the bot has answered.
        interaction["token"] = fake.MintInteractionToken(answeredWith: 5);
        bodies.Add(JsonSerializer.SerializeToUtf8Bytes(interaction));
    }
    return bodies;
}

// The same interactions as whole HTTP/1.1 requests for bench/OpenLoad: records "<length>\n<request bytes>".
static string WriteRaw(FakeDiscordServer fake, FakeDiscordUser[] people, string path, int count)
{
    var bodies = Interactions(fake, people, count);
    var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    var temporary = path + ".tmp";
    using (var file = new BufferedStream(File.Create(temporary), 1 << 20))
    {
        foreach (var body in bodies)
        {
            var head = Encoding.ASCII.GetBytes(
                "POST /discord/interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                $"X-Signature-Timestamp: {timestamp}\r\nX-Signature-Ed25519: {fake.Signer.Sign(timestamp, body)}\r\n" +
                $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
            file.Write(Encoding.ASCII.GetBytes((head.Length + body.Length).ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Write(head);
            file.Write(body);
        }
    }
    File.Move(temporary, path, overwrite: true);
    return timestamp;
}

static string VerifyBench(FakeDiscordServer fake, FakeDiscordUser[] people, int count, int verifications)
{
    var bodies = Interactions(fake, people, count);
    var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    var ed25519 = SignatureAlgorithm.Ed25519;
    var key = PublicKey.Import(ed25519, Convert.FromHexString(fake.Signer.PublicKeyHex), KeyBlobFormat.RawPublicKey);
    var signatures = bodies.Select(b => fake.Signer.Sign(timestamp, b)).ToArray();
    var messages = bodies.Select(b => Encoding.ASCII.GetBytes(timestamp).Concat(b).ToArray()).ToArray();
    var rawSignatures = signatures.Select(Convert.FromHexString).ToArray();
    var hmacKey = RandomNumberGenerator.GetBytes(16);

    // NSec's Verify alone, on messages already laid out as timestamp + body.
    bool VerifyOnly(int i) => ed25519.Verify(key, messages[i], rawSignatures[i]);

    // What DiscordSignatureVerifier.Verify does per request once the headers are there: hex-decode the signature,
    // lay out timestamp + body in a new array, Verify.
    bool BotCheck(int i)
    {
        Span<byte> signature = stackalloc byte[64];
        if (Convert.FromHexString(signatures[i], signature, out _, out _) != System.Buffers.OperationStatus.Done) return false;
        var body = bodies[i];
        var message = new byte[timestamp.Length + body.Length];
        Encoding.ASCII.GetBytes(timestamp, message);
        body.CopyTo(message.AsSpan(timestamp.Length));
        return ed25519.Verify(key, message, signature);
    }

    // Slack's check for comparison: HMAC-SHA256 of the same bytes.
    bool Hmac(int i)
    {
        HMACSHA256.HashData(hmacKey, messages[i]);
        return true;
    }

    // CPU time of this thread per check, comparable with the bot's CPU per request (and not counting the runtime's
    // background JIT); and wall time, which on a shared machine also holds the time this thread waited for a core.
    (double Cpu, double Wall) Time(Func<int, bool> check, int n)
    {
        for (var i = 0; i < Math.Min(n, 20_000); i++) // warm-up: tiered JIT, caches
        {
            if (!check(i % count)) throw new InvalidOperationException("A signature did not verify.");
        }
        var cpuBefore = ThreadCpu.Now();
        var watch = Stopwatch.StartNew();
        var ok = 0;
        for (var i = 0; i < n; i++)
        {
            if (check(i % count)) ok++;
        }
        watch.Stop();
        var cpu = ThreadCpu.Now() - cpuBefore;
        if (ok != n) throw new InvalidOperationException($"{n - ok} signatures did not verify.");
        return (cpu.TotalMicroseconds / n, watch.Elapsed.TotalMicroseconds / n);
    }

    var verify = Time(VerifyOnly, verifications);
    var check = Time(BotCheck, verifications);
    var hmac = Time(Hmac, verifications);
    var bodyBytes = bodies.Average(b => b.Length);
    return string.Create(CultureInfo.InvariantCulture,
        $"VERIFY bodies={count} body_bytes={bodyBytes:F0} verifications={verifications} verify_us={verify.Cpu:F2} check_us={check.Cpu:F2} " +
        $"hmac_us={hmac.Cpu:F2} verify_wall_us={verify.Wall:F2} check_wall_us={check.Wall:F2} hmac_wall_us={hmac.Wall:F2}");
}

bool TryInt(int at, int min, int max, out int value)
{
    value = 0;
    return at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true; // we exit on our own, after disposing the server
    stop.Cancel();
}

/// <summary>
/// Idea texts as bench/slack-load.sh makes them: a verb, an object, a context and a reason from word lists, plus a
/// #tag and a counter. The (verb, object, context) triples are distinct and the reason is a checksum of the three, so
/// any two ideas differ in at least two of the four phrases and stay below the bot's near-duplicate threshold.
/// </summary>
internal static class IdeaTexts
{
    private static readonly string[] Verbs =
    [
        "block", "batch", "schedule", "draft", "sketch", "outline", "timebox", "rehearse", "automate", "prototype",
        "annotate", "benchmark", "document", "question", "revisit", "simplify", "visualize", "split", "archive",
        "pair on", "triage", "share", "tidy", "label",
    ];

    private static readonly string[] Objects =
    [
        "email replies", "paper intros", "code reviews", "lab notes", "reading lists", "experiment logs",
        "grant drafts", "figure scripts", "meeting agendas", "related work", "data pipelines", "slide decks",
        "weekly goals", "open questions", "referee comments", "literature notes", "analysis notebooks",
        "poster layouts", "student feedback", "dataset audits",
    ];

    private static readonly string[] Contexts =
    [
        "before lunch", "after standup", "on monday mornings", "on friday afternoons", "during the commute",
        "with a coauthor", "in a quiet room", "with a kitchen timer", "after each experiment",
        "before group meeting", "at the end of the day", "with the whole lab", "over coffee",
        "in short sprints", "before submitting", "with a checklist", "on a whiteboard", "in a shared doc",
        "after reading group", "on thursday evenings",
    ];

    private static readonly string[] Reasons =
    [
        "to save context switches", "so nothing gets lost", "to catch errors early", "to make progress visible",
        "to reduce rework", "to unblock students", "to keep momentum", "to get faster feedback",
        "to think more clearly", "to avoid late surprises", "to cut waiting time", "to spot gaps sooner",
        "to free up mornings", "to learn from mistakes", "to keep the scope small", "to make handovers easy",
        "to lower the stress", "to build a habit", "to help newcomers", "to finish what we start",
        "to keep notes findable", "to stop repeating work", "to see the big picture", "to write less twice",
    ];

    private static readonly string[] Tags = ["collaboration", "prioritization", "decomposition", "reading", "writing", "tools", "feedback", "focus"];

    /// <summary>How many distinct ideas there are (distinct triples).</summary>
    public const int Space = 24 * 20 * 20;

    /// <summary>The most interactions one requests file holds (each about 1 kB).</summary>
    public const int MaxCount = 200_000;

    /// <summary>
    /// <paramref name="count"/> ideas: the <see cref="Space"/> distinct ones in a random order, then that order again.
    /// A text comes back only after <see cref="Space"/> others, far outside the bot's window of the newest 2,000.
    /// </summary>
    public static IEnumerable<string> Generate(Random rnd, int count)
    {
        if (Verbs.Length * Objects.Length * Contexts.Length != Space) throw new InvalidOperationException("Space is out of date.");
        // Reasons must outnumber each list so that changing one phrase of the triple always changes the checksum.
        if (Reasons.Length < Math.Max(Verbs.Length, Math.Max(Objects.Length, Contexts.Length))) throw new InvalidOperationException("Too few reasons.");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        var codes = Enumerable.Range(0, Space).ToArray();
        rnd.Shuffle(codes);
        for (var n = 0; n < count; n++)
        {
            var (v, rest) = Math.DivRem(codes[n % Space], Objects.Length * Contexts.Length);
            var (o, c) = Math.DivRem(rest, Contexts.Length);
            var r = (v + o + c) % Reasons.Length;
            // The counter stays below 10,000 as in slack-load.sh: the bot matches words of five letters or more
            // fuzzily, and two five-digit counters (12345, 12346) count as a shared word, which tips some pairs of
            // ideas over the near-duplicate threshold. Shorter words must match exactly.
            yield return $"{Verbs[v]} {Objects[o]} {Contexts[c]} {Reasons[r]} #{Tags[rnd.Next(Tags.Length)]} ({(n + 1) % 10000})";
        }
    }
}

/// <summary>The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>).</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0) throw new InvalidOperationException("clock_gettime failed.");
        return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
