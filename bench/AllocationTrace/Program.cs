// Where the bot allocates, from the GC's allocation samples (one about every 100 KB, with its type and call stack).
// Usage: dotnet tool install --tool-path /tmp/dt dotnet-trace
//        /tmp/dt/dotnet-trace collect -p <bot pid> --profile gc-verbose --duration 00:00:00:04 -o bot.nettrace
//        dotnet run -c Release --project bench/AllocationTrace -- bot.nettrace [frame to break down]
// Prints the share of sampled bytes by type and, inclusively, by the bot's and its libraries' frames; with a second
// argument, what is allocated under the frames whose name contains it.
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: AllocationTrace <file.nettrace> [frame]");
    return 2;
}
string[] interesting = ["ImproveBot", "Kestrel", "Sqlite", "EntityFramework", "DependencyInjection", "Json", "Form"];
var byType = new Dictionary<string, long>();
var byFrame = new Dictionary<string, long>();
var under = new Dictionary<string, long>();
long total = 0;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData sample) continue;
    total += sample.AllocationAmount64;
    byType[sample.TypeName] = byType.GetValueOrDefault(sample.TypeName) + sample.AllocationAmount64;
    var frames = new List<string>();
    for (var s = e.CallStack(); s is not null; s = s.Caller) frames.Add(s.CodeAddress.FullMethodName ?? "?");
    foreach (var frame in frames.Where(f => interesting.Any(f.Contains)).Select(Short).Distinct())
        byFrame[frame] = byFrame.GetValueOrDefault(frame) + sample.AllocationAmount64;
    if (args.Length > 1 && frames.FindIndex(f => f.Contains(args[1], StringComparison.Ordinal)) is var at and >= 0)
    {
        var key = sample.TypeName + " <- " + string.Join(" <- ", frames.Take(at).Take(4).Select(Short));
        under[key] = under.GetValueOrDefault(key) + sample.AllocationAmount64;
    }
}
if (total == 0)
{
    Console.Error.WriteLine("no allocation samples in the trace (collect it with --profile gc-verbose)");
    return 1;
}
Console.WriteLine($"sampled {total / 1048576.0:F0} MB");
Print("by type", byType, 25);
Print("by frame, inclusive", byFrame, 60);
if (args.Length > 1) Print($"under {args[1]}", under, 20);
return 0;

void Print(string title, Dictionary<string, long> shares, int top)
{
    Console.WriteLine($"--- {title}");
    foreach (var (name, bytes) in shares.OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"{100.0 * bytes / total,5:F1}%  {name}");
}

static string Short(string frame) => frame.Length > 140 ? frame[..140] : frame;
