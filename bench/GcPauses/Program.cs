// How long the bot's garbage collections pause it, and why: per generation, the count, the pause, and the bytes each
// collection promoted (survivors copied or kept), from a dotnet-trace of the running bot.
// Usage: dotnet tool install --tool-path /tmp/dt dotnet-trace
//        /tmp/dt/dotnet-trace collect -p <bot pid> --profile gc-collect --duration 00:00:00:05 -o bot.nettrace
//        dotnet run -c Release --project bench/GcPauses -- bot.nettrace
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: GcPauses <file.nettrace>");
    return 2;
}
using var source = new EventPipeEventSource(args[0]);
source.NeedLoadedDotNetRuntimes();
var processes = new List<TraceProcess>();
source.AddCallbackOnProcessStop(p => processes.Add(p));
source.Process();
processes.AddRange(source.Processes().Where(p => !processes.Contains(p)));
var gcs = processes.Select(p => p.LoadedDotNetRuntime()).Where(r => r is not null).SelectMany(r => r!.GC.GCs).ToList();
if (gcs.Count == 0)
{
    Console.Error.WriteLine("no collections in the trace (collect it with --profile gc-collect)");
    return 1;
}
var seconds = (gcs.Max(g => g.StartRelativeMSec) - gcs.Min(g => g.StartRelativeMSec)) / 1000;
Console.WriteLine($"{gcs.Count} collections over {seconds:F1} s; paused {gcs.Sum(g => g.PauseDurationMSec):F0} ms in all ({100 * gcs.Sum(g => g.PauseDurationMSec) / (seconds * 1000):F1} % of the time)");
Console.WriteLine("gen  type                count  pause ms (mean / p50 / max)   suspend ms  gc ms  promoted KB (mean)  allocated MB before (mean)");
foreach (var group in gcs.GroupBy(g => (g.Generation, g.Type)).OrderBy(g => g.Key.Generation))
{
    var pauses = group.Select(g => g.PauseDurationMSec).OrderBy(p => p).ToList();
    Console.WriteLine($"{group.Key.Generation,3}  {group.Key.Type,-18} {group.Count(),6}  {pauses.Average(),8:F2} / {pauses[pauses.Count / 2],6:F2} / {pauses[^1],7:F2}" +
        $"   {group.Average(g => g.SuspendDurationMSec),8:F2}  {group.Average(g => g.DurationMSec),6:F2}   {group.Average(g => g.PromotedMB) * 1024,12:F0}   {group.Average(g => g.AllocedSinceLastGCMB),10:F1}");
}
return 0;
