using ImproveBot.Discord.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Gateway;

/// <summary>The 120-events-per-60-s Gateway send limit, on a fake clock.</summary>
public sealed class GatewaySendLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Commands_UpToTheLimitLessTheReserve_GoAtOnce_ThenWaitForTheWindow()
    {
        var limiter = new GatewaySendLimiter(120, TimeSpan.FromSeconds(60), heartbeatReserve: 5, _clock);
        for (var i = 0; i < 115; i++) Assert.True(limiter.WaitAsync(heartbeat: false, CancellationToken.None).IsCompleted, $"send {i + 1}");

        var next = limiter.WaitAsync(heartbeat: false, CancellationToken.None).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(59.9));
        await Task.Delay(30);
        Assert.False(next.IsCompleted, "the 116th command waits for the first send to leave the window");
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Heartbeats_UseTheReserve_WhenCommandsFilledTheRest()
    {
        var limiter = new GatewaySendLimiter(120, TimeSpan.FromSeconds(60), heartbeatReserve: 5, _clock);
        for (var i = 0; i < 115; i++) await limiter.WaitAsync(heartbeat: false, CancellationToken.None);
        var waitingCommand = limiter.WaitAsync(heartbeat: false, CancellationToken.None).AsTask();

        // A command waiting does not hold heartbeats up.
        for (var i = 0; i < 5; i++) Assert.True(limiter.WaitAsync(heartbeat: true, CancellationToken.None).IsCompleted, $"heartbeat {i + 1}");
        var overLimit = limiter.WaitAsync(heartbeat: true, CancellationToken.None).AsTask();
        await Task.Delay(30);
        Assert.False(overLimit.IsCompleted, "the 121st event of any kind waits");
        Assert.False(waitingCommand.IsCompleted);

        _clock.Advance(TimeSpan.FromSeconds(60));
        await Task.WhenAll(overLimit, waitingCommand).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Waiting_CanBeCancelled()
    {
        var limiter = new GatewaySendLimiter(2, TimeSpan.FromSeconds(60), heartbeatReserve: 0, _clock);
        await limiter.WaitAsync(false, CancellationToken.None);
        await limiter.WaitAsync(false, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.WaitAsync(false, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]
    [InlineData(10, -1)]
    public void BadLimits_AreRefused(int limit, int reserve) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GatewaySendLimiter(limit, TimeSpan.FromSeconds(60), reserve, _clock));
}
