using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ImproveBot.Testing.Faults;

/// <summary>The kinds of fault a fake can inject into its answers (a set: several may be enabled at once).</summary>
[Flags]
public enum FaultKinds
{
    None = 0,

    /// <summary>HTTP 429 with the platform's documented retry hint; the request is not carried out (as the platforms document).</summary>
    RateLimit = 1,

    /// <summary>HTTP 500, 502 or 503 with a non-JSON body, before or after the request was carried out.</summary>
    ServerError = 2,

    /// <summary>No answer for <see cref="FaultOptions.Hold"/> (longer than the client waits), before or after the request was carried out.</summary>
    Timeout = 4,

    /// <summary>The connection is aborted (TCP reset) without an answer, before or after the request was carried out.</summary>
    ConnectionReset = 8,

    /// <summary>The request is carried out, the status line, headers and part of the body are sent, then the connection is aborted.</summary>
    HalfWritten = 16,

    All = RateLimit | ServerError | Timeout | ConnectionReset | HalfWritten,
}

/// <summary>Random faults for a fake server: how often, which kinds, and how each behaves.</summary>
public sealed class FaultOptions
{
    /// <summary>The share of requests (0 to 1) that get a fault.</summary>
    public double Rate { get; init; }

    /// <summary>Seeds the random choices, so a failing run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    public FaultKinds Kinds { get; init; } = FaultKinds.All;

    /// <summary>Of the faults that may happen after the work (server errors, timeouts, resets), the share that do: these are what duplicates come from.</summary>
    public double AppliedShare { get; init; } = 0.5;

    /// <summary>The retry hint of an injected 429.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a timeout holds the answer back: set it longer than the client's own timeout.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The methods or routes faults may hit; null for every one.</summary>
    public IReadOnlyCollection<string>? Methods { get; init; }

    public void Validate()
    {
        if (Rate is < 0 or > 1 || double.IsNaN(Rate)) throw new ArgumentOutOfRangeException(nameof(Rate), "A share between 0 and 1.");
        if (AppliedShare is < 0 or > 1 || double.IsNaN(AppliedShare)) throw new ArgumentOutOfRangeException(nameof(AppliedShare), "A share between 0 and 1.");
        if (Rate > 0 && (Kinds & FaultKinds.All) == FaultKinds.None) throw new ArgumentException("A fault rate needs at least one kind.", nameof(Kinds));
        if (RetryAfter < TimeSpan.Zero || Hold <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Hold), "RetryAfter must not be negative and Hold must be positive.");
    }

    /// <summary>Parses a kind list such as <c>all</c> or <c>429,5xx,timeout,reset,half</c> (for the bench programs' command lines).</summary>
    public static FaultKinds ParseKinds(string text)
    {
        var kinds = FaultKinds.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            kinds |= part.ToLowerInvariant() switch
            {
                "all" => FaultKinds.All,
                "429" or "ratelimit" => FaultKinds.RateLimit,
                "5xx" or "servererror" => FaultKinds.ServerError,
                "timeout" => FaultKinds.Timeout,
                "reset" => FaultKinds.ConnectionReset,
                "half" or "halfwritten" => FaultKinds.HalfWritten,
                _ => throw new FormatException($"Unknown fault kind '{part}' (all, 429, 5xx, timeout, reset, half)."),
            };
        }
        return kinds;
    }
}

/// <summary>One injected fault: its kind, whether the fake carries the request out first, and the HTTP status for a server error.</summary>
public sealed record FaultDecision(FaultKinds Kind, bool Apply, int Status);

/// <summary>
/// Decides, request by request, whether a fake server answers with a fault, and writes the faults that look the same
/// on every platform (server errors, timeouts, resets, half-written answers). 429s are each platform's own shape, so
/// the fakes write those themselves. Thread-safe; the random choices come from one seeded <see cref="Random"/>.
/// </summary>
public sealed class FaultInjector
{
    private static readonly int[] ServerErrors = [500, 502, 503];
    private static readonly FaultKinds[] Singles =
        [FaultKinds.RateLimit, FaultKinds.ServerError, FaultKinds.Timeout, FaultKinds.ConnectionReset, FaultKinds.HalfWritten];

    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly FaultKinds[] _kinds;
    private readonly Dictionary<string, int> _injected = new(StringComparer.Ordinal);

    public FaultInjector(FaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _random = new Random(options.Seed);
        _kinds = Singles.Where(k => options.Kinds.HasFlag(k)).ToArray();
    }

    public FaultOptions Options { get; }

    /// <summary>The fault for the next request of <paramref name="method"/>, or null when it goes through untouched.</summary>
    public FaultDecision? Next(string method)
    {
        if (Options.Rate <= 0 || _kinds.Length == 0) return null;
        if (Options.Methods is { } only && !only.Contains(method)) return null;
        FaultDecision decision;
        lock (_gate)
        {
            if (_random.NextDouble() >= Options.Rate) return null;
            var kind = _kinds[_random.Next(_kinds.Length)];
            var apply = kind switch
            {
                FaultKinds.RateLimit => false,
                FaultKinds.HalfWritten => true,
                _ => _random.NextDouble() < Options.AppliedShare,
            };
            decision = new FaultDecision(kind, apply, kind == FaultKinds.ServerError ? ServerErrors[_random.Next(ServerErrors.Length)] : 0);
            var name = $"{Name(kind)}{(apply ? "_applied" : "")}";
            _injected[name] = _injected.GetValueOrDefault(name) + 1;
        }
        return decision;
    }

    /// <summary>How many faults were injected, by kind (<c>5xx</c>, <c>5xx_applied</c>, …).</summary>
    public IReadOnlyDictionary<string, int> Injected
    {
        get
        {
            lock (_gate) return new Dictionary<string, int>(_injected, StringComparer.Ordinal);
        }
    }

    /// <summary>The total of <see cref="Injected"/>.</summary>
    public int InjectedCount
    {
        get
        {
            lock (_gate) return _injected.Values.Sum();
        }
    }

    public static string Name(FaultKinds kind) => kind switch
    {
        FaultKinds.RateLimit => "429",
        FaultKinds.ServerError => "5xx",
        FaultKinds.Timeout => "timeout",
        FaultKinds.ConnectionReset => "reset",
        FaultKinds.HalfWritten => "half",
        _ => kind.ToString(),
    };

    /// <summary>
    /// Writes a server error, timeout, reset or half-written answer. <paramref name="answer"/> is the answer the request
    /// would have had (for a half-written one, or a timeout whose answer comes late); null when it was not carried out.
    /// Returns the HTTP status to record (499 when the client went away first, 0 when the connection was aborted).
    /// </summary>
    public async Task<int> WriteAsync(HttpContext http, FaultDecision fault, int answerStatus, byte[]? answer, string contentType, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(fault);
        switch (fault.Kind)
        {
            case FaultKinds.ServerError:
                http.Response.StatusCode = fault.Status;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync($"fake: injected HTTP {fault.Status.ToString(CultureInfo.InvariantCulture)}", http.RequestAborted);
                return fault.Status;
            case FaultKinds.Timeout:
                using (var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping))
                {
                    try
                    {
                        await Task.Delay(Options.Hold, stopOrAbort.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return 499; // the client gave up, as it should
                    }
                }
                // A client that waited this long gets the late answer (or a gateway's 504 when nothing was done).
                if (answer is null)
                {
                    http.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                    return 504;
                }
                http.Response.StatusCode = answerStatus;
                http.Response.ContentType = contentType;
                await http.Response.Body.WriteAsync(answer, http.RequestAborted);
                return answerStatus;
            case FaultKinds.HalfWritten:
                var body = answer ?? "{\"ok\":true}"u8.ToArray();
                http.Response.StatusCode = answerStatus;
                http.Response.ContentType = contentType;
                // The full length is announced, so the client knows the body was cut, as after a real network cut.
                http.Response.ContentLength = body.Length;
                await http.Response.Body.WriteAsync(body.AsMemory(0, Math.Max(1, body.Length / 2)), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                Abort(http);
                return 0;
            default: // ConnectionReset
                Abort(http);
                return 0;
        }
    }

    private static void Abort(HttpContext http)
    {
        // Kestrel resets the connection: the client gets no (full) answer, as when a proxy or the network drops it.
        http.Abort();
    }
}
