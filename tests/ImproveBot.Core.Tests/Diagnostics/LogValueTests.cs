using ImproveBot.Core.Diagnostics;

namespace ImproveBot.Core.Tests.Diagnostics;

/// <summary>Values from outside are clipped before they reach a log line.</summary>
public sealed class LogValueTests
{
    [Fact]
    public void AnOrdinaryValue_IsLoggedAsItIs()
    {
        Assert.Equal("U0ADA00001", LogValue.Clip("U0ADA00001"));
        Assert.Equal("(none)", LogValue.Clip(null));
    }

    [Fact]
    public void AHugeValue_IsCutToSixtyFourCharacters()
    {
        var clipped = LogValue.Clip(new string('v', 100_000));
        Assert.Equal(new string('v', LogValue.MaxLength) + "…", clipped);
    }

    [Fact]
    public void ALineBreak_CannotForgeASecondLogLine()
    {
        Assert.Equal("U1??fail: forged", LogValue.Clip("U1\r\nfail: forged"));
    }
}
