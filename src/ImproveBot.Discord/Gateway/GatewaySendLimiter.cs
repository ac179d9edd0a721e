namespace ImproveBot.Discord.Gateway;

/// <summary>
/// The Gateway's send limit for one connection: at most <c>limit</c> events in any <c>window</c> (120 per 60 s);
/// Discord disconnects a client that sends more (close 4008). A sliding window on the injected clock.
/// </summary>
/// <remarks>
/// The last <c>heartbeatReserve</c> places are kept for heartbeats: other events wait for the window to move
/// before they may use them, so a burst of commands can never make a heartbeat late and the connection a zombie.
/// Waiters do not queue behind each other, so a heartbeat is never stuck behind a waiting command.
/// </remarks>
internal sealed class GatewaySendLimiter
{
    private readonly int _limit;
    private readonly int _reserve;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Queue<long> _sent = new();
    private readonly Lock _gate = new();

    public GatewaySendLimiter(int limit, TimeSpan window, int heartbeatReserve, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(heartbeatReserve);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(heartbeatReserve, limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _reserve = heartbeatReserve;
        _window = window;
        _time = time;
    }

    /// <summary>Waits until one more event may be sent, and counts it as sent.</summary>
    public async ValueTask WaitAsync(bool heartbeat, CancellationToken ct)
    {
        // Each round either takes a place or sleeps until the oldest send leaves the window, so it ends.
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                while (_sent.TryPeek(out var oldest) && _time.GetElapsedTime(oldest, now) >= _window) _sent.Dequeue();
                var allowed = heartbeat ? _limit : _limit - _reserve;
                if (_sent.Count < allowed)
                {
                    _sent.Enqueue(now);
                    return;
                }
                // The place this event needs frees up when the send (Count - allowed) positions from the front expires.
                var blocking = _sent.ElementAt(_sent.Count - allowed);
                wait = _window - _time.GetElapsedTime(blocking, now);
            }
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, ct);
        }
    }
}
