using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImproveBot.Testing;

/// <summary>
/// The real bot as a separate process (<c>dotnet ImproveBot.Host.dll</c> from the test's own output folder), on a
/// free port of 127.0.0.1, configured through environment variables. Unlike an in-process host it can be killed
/// outright (SIGKILL: no graceful stop, nothing flushed), which is what a crashed instance in a cluster looks like.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StreamWriter _log;

    private BotProcess(Process process, string directory, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        _log = log;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote (stdout and stderr), for a failing test's message.</summary>
    public string LogPath => Path.Combine(_directory, "bot.log");

    /// <summary>Starts the bot with <paramref name="settings"/> as environment variables (<c>Section__Key</c>).</summary>
    public static BotProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "ImproveBot.Host.dll");
        if (!File.Exists(hostDll)) throw new FileNotFoundException("The host is not next to the test assembly.", hostDll);
        // An empty working folder: no appsettings.json is found, so only the settings given here apply.
        var directory = Path.Combine(Path.GetTempPath(), "improvebot-process-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.Environment["urls"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key] = value;

        var log = new StreamWriter(Path.Combine(directory, "bot.log")) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BotProcess(process, directory, log, new Uri($"http://127.0.0.1:{port}/"));
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until <c>/readyz</c> answers 200; false if it never does or the process exits.</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var answer = await http.GetAsync("readyz");
                if (answer.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>The last <paramref name="lines"/> lines of the log.</summary>
    public string Tail(int lines = 40)
    {
        lock (_log)
        {
            try
            {
                using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: a graceful stop releases claims and Quartz's cluster row.
            using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) { }
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
