using ImproveBot.Core.Interactions;

namespace ImproveBot.Core.Tests.Interactions;

/// <summary>The body reader both HTTP adapters use: whole bodies in, oversized ones refused without buffering them.</summary>
public sealed class BoundedBodyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 251)).ToArray();

    /// <summary>A stream that hands out at most a few bytes per read, as a chunked body arrives, and counts what was read.</summary>
    private sealed class TrickleStream(byte[] data, int perRead) : MemoryStream(data)
    {
        public long Consumed => Position;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, perRead)], cancellationToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    public async Task ABodyOfAnnouncedLength_IsReadWhole(int size)
    {
        var data = Bytes(size);
        var read = await BoundedBody.ReadAsync(new TrickleStream(data, 1000), size, 100_000, Ct);
        Assert.Equal(data, read.Bytes);
    }

    [Fact]
    public async Task ABodyWithoutALength_IsReadWhole_AcrossManyReads()
    {
        var data = Bytes(50_000);
        var read = await BoundedBody.ReadAsync(new TrickleStream(data, 777), null, 50_000, Ct);
        Assert.Equal(data, read.Bytes);
    }

    [Fact]
    public async Task AnAnnouncedLengthOverTheLimit_IsRefused_BeforeAnyByteIsRead()
    {
        var stream = new TrickleStream(Bytes(2_000), 1000);
        var read = await BoundedBody.ReadAsync(stream, 2_000, 1_999, Ct);
        Assert.Null(read.Bytes);
        Assert.Equal(2_000, read.TooLargeAt);
        Assert.Equal(0, stream.Consumed);
    }

    [Fact]
    public async Task ABodyWithoutALength_OverTheLimit_IsRefused_AtTheFirstReadTooMany()
    {
        var stream = new TrickleStream(Bytes(100_000), 1_000);
        var read = await BoundedBody.ReadAsync(stream, null, 4_500, Ct);
        Assert.Null(read.Bytes);
        Assert.Equal(5_000, read.TooLargeAt);   // four reads kept (4,000 bytes), the fifth goes over
        Assert.Equal(5_000, stream.Consumed);   // and nothing after it is read
    }

    [Fact]
    public async Task ABodyEndingBeforeItsAnnouncedLength_Throws()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await BoundedBody.ReadAsync(new TrickleStream(Bytes(10), 4), 11, 100, Ct));
    }
}
