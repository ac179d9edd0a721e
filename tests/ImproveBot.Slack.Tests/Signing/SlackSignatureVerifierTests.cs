using System.Text;
using ImproveBot.Slack.Signing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ImproveBot.Slack.Tests.Signing.SigningFixtures;

namespace ImproveBot.Slack.Tests.Signing;

public sealed class SlackSignatureVerifierTests
{
    // FakeTimeProvider only moves forward, so tests that need "before the vector" build their own clock.
    private FakeTimeProvider _clock = new(VectorTime);

    private SlackSignatureVerifier Verifier(string? secret = null, bool noSecret = false) =>
        new(Options.Create(new SlackOptions { SigningSecret = noSecret ? secret : secret ?? Secret }), _clock);

    private void SetClock(int secondsFromVector) => _clock = new FakeTimeProvider(VectorTime.AddSeconds(secondsFromVector));

    [Fact]
    public void Fixture_is_the_documented_vector()
    {
        // Guards the fixture itself: the independent signer reproduces Slack's published signature.
        Assert.Equal(ExpectedSignature, Sign(Secret, Timestamp, SlashCommandBody));
        Assert.Equal("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", ExpectedSignature);
    }

    [Fact]
    public void Documented_vector_is_valid()
    {
        Assert.Equal(SignatureCheck.Valid, Verifier().Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void Tampered_body_is_refused()
    {
        var body = SlashCommandBody.Concat("------"u8.ToArray()).ToArray();
        Assert.Equal(SignatureCheck.BadSignature, Verifier().Verify(Timestamp, ExpectedSignature, body));
    }

    [Fact]
    public void Wrong_secret_is_refused()
    {
        Assert.Equal(SignatureCheck.BadSignature, Verifier("8f742231b10e8888abcd99yyyzzz85a6").Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void Hex_decoded_secret_is_not_what_Slack_uses()
    {
        // The secret is keyed as UTF-8 text; the documented one isn't even valid hex ('y', 'z').
        Assert.Throws<FormatException>(() => Convert.FromHexString(Secret));
    }

    [Fact]
    public void Timestamp_changed_under_the_same_signature_is_refused()
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignatureCheck.BadSignature, Verifier().Verify((TimestampSeconds + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ExpectedSignature, SlashCommandBody));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public void Timestamps_outside_five_minutes_either_way_are_stale(int offsetSeconds)
    {
        SetClock(offsetSeconds);
        Assert.Equal(SignatureCheck.Stale, Verifier().Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    [InlineData(0)]
    public void Exactly_five_minutes_either_way_is_allowed(int offsetSeconds)
    {
        SetClock(offsetSeconds);
        Assert.Equal(SignatureCheck.Valid, Verifier().Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void Configured_tolerance_is_used()
    {
        var verifier = new SlackSignatureVerifier(
            Options.Create(new SlackOptions { SigningSecret = Secret, SignatureTolerance = TimeSpan.FromSeconds(30) }), _clock);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void Real_clock_makes_the_documented_request_stale()
    {
        var verifier = new SlackSignatureVerifier(Options.Create(new SlackOptions { SigningSecret = Secret }), TimeProvider.System);
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Theory]
    [InlineData(null, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("1531420618", null)]
    [InlineData("1531420618", "")]
    [InlineData(null, null)]
    public void Missing_headers_are_refused(string? timestamp, string? signature)
    {
        Assert.Equal(SignatureCheck.MissingHeaders, Verifier().Verify(timestamp, signature, SlashCommandBody));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_secret_configured_refuses_even_a_correctly_signed_request(string? secret)
    {
        Assert.Equal(SignatureCheck.NoSecretConfigured, Verifier(secret, noSecret: true).Verify(Timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void No_secret_configured_wins_over_missing_headers()
    {
        Assert.Equal(SignatureCheck.NoSecretConfigured, Verifier(null, noSecret: true).Verify(null, null, SlashCommandBody));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1531420618.5")]
    [InlineData("+1531420618")]
    [InlineData("-1531420618")]
    [InlineData(" 1531420618")]
    [InlineData("1e9")]
    [InlineData("99999999999999999999999")]
    [InlineData("０１２３")] // full-width digits
    public void Non_numeric_timestamps_are_refused(string timestamp)
    {
        Assert.Equal(SignatureCheck.BadTimestamp, Verifier().Verify(timestamp, ExpectedSignature, SlashCommandBody));
    }

    [Fact]
    public void Other_version_prefix_is_refused()
    {
        var v1 = "v1=" + ExpectedSignature[3..];
        Assert.Equal(SignatureCheck.BadSignature, Verifier().Verify(Timestamp, v1, SlashCommandBody));
    }

    [Theory]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")] // no prefix
    [InlineData("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503")] // Slack sends lower case
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50")] // one digit short
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5033")] // one digit long
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50ä")] // non-ASCII
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503,v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")] // repeated header, joined
    public void Malformed_signatures_are_refused(string signature)
    {
        Assert.Equal(SignatureCheck.BadSignature, Verifier().Verify(Timestamp, signature, SlashCommandBody));
    }

    [Fact]
    public void Absurdly_long_signature_header_is_refused()
    {
        var huge = "v0=" + new string('a', 1_000_000);
        Assert.Equal(SignatureCheck.BadSignature, Verifier().Verify(Timestamp, huge, SlashCommandBody));
    }

    [Fact]
    public void Empty_body_can_be_signed()
    {
        var signature = Sign(Secret, Timestamp, []);
        Assert.Equal(SignatureCheck.Valid, Verifier().Verify(Timestamp, signature, []));
    }

    [Fact]
    public void Non_ascii_secret_is_keyed_as_utf8()
    {
        const string secret = "sécret-ü-🔑";
        var body = Encoding.UTF8.GetBytes("payload=%7B%7D");
        Assert.Equal(SignatureCheck.Valid, Verifier(secret).Verify(Timestamp, Sign(secret, Timestamp, body), body));
    }
}
