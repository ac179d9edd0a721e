using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ImproveBot.Slack.Signing;

/// <summary>The outcome of checking a request's Slack signature; everything but <see cref="Valid"/> is a refusal.</summary>
internal enum SignatureCheck
{
    Valid,

    /// <summary>No <c>Slack:SigningSecret</c> is set: fail closed, every HTTP request is refused.</summary>
    NoSecretConfigured,

    /// <summary><c>X-Slack-Request-Timestamp</c> or <c>X-Slack-Signature</c> is absent or empty.</summary>
    MissingHeaders,

    /// <summary>The timestamp is not a plain decimal number of Unix seconds.</summary>
    BadTimestamp,

    /// <summary>The timestamp is further than <see cref="SlackOptions.SignatureTolerance"/> from now (past or future): a possible replay.</summary>
    Stale,

    /// <summary>The signature is not <c>v0=</c> + the expected HMAC (wrong secret, tampered body, other version, wrong shape).</summary>
    BadSignature,
}

/// <summary>
/// Verifies Slack's request signature (<c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{raw body}</c>, keyed with the
/// UTF-8 bytes of the signing secret) and the replay window. Stateless and thread-safe; register as a singleton.
/// </summary>
internal sealed class SlackSignatureVerifier
{
    private const string Version = "v0";
    private const string SignaturePrefix = Version + "=";

    // "v0=" + 64 lower-case hex digits. Anything else cannot match, so it is refused before any hashing.
    private const int SignatureLength = 3 + (SHA256.HashSizeInBytes * 2);

    // Unix seconds have 10 digits until the year 2286; a longer header is garbage, not a clock skew.
    private const int MaxTimestampLength = 12;

    private readonly IOptions<SlackOptions> _options;
    private readonly TimeProvider _time;

    public SlackSignatureVerifier(IOptions<SlackOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public SignatureCheck Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> rawBody)
    {
        var options = _options.Value;
        // Checked first so that a deployment without a secret refuses everything, whatever the request looks like.
        if (string.IsNullOrWhiteSpace(options.SigningSecret)) return SignatureCheck.NoSecretConfigured;
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader)) return SignatureCheck.MissingHeaders;

        // NumberStyles.None: digits only, so "+1", " 1" or "1e9" can't sneak a different basestring past the parser.
        if (timestampHeader.Length > MaxTimestampLength
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return SignatureCheck.BadTimestamp;

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // Both directions: a timestamp from the future is as suspicious as an old one.
        if (Math.Abs(now - timestamp) > options.SignatureTolerance.TotalSeconds) return SignatureCheck.Stale;

        if (signatureHeader.Length != SignatureLength || !signatureHeader.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            return SignatureCheck.BadSignature;

        Span<byte> expected = stackalloc byte[SignatureLength];
        ComputeSignature(options.SigningSecret, timestampHeader, rawBody, expected);

        // A genuine header is ASCII; other characters become '?', which never matches a hex digit.
        Span<byte> given = stackalloc byte[SignatureLength];
        Encoding.ASCII.GetBytes(signatureHeader, given);

        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.BadSignature;
    }

    /// <summary>Writes <c>v0=</c> + lower-case hex HMAC into <paramref name="destination"/> (67 ASCII bytes).</summary>
    internal static void ComputeSignature(string secret, string timestamp, ReadOnlySpan<byte> rawBody, Span<byte> destination)
    {
        // The secret is used as text, not hex-decoded: Slack's documented secret contains 'y' and 'z'.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes($"{Version}:{timestamp}:"));
        hmac.AppendData(rawBody);
        Span<byte> mac = stackalloc byte[SHA256.HashSizeInBytes];
        hmac.GetHashAndReset(mac);

        Encoding.ASCII.GetBytes(SignaturePrefix, destination);
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        Convert.TryToHexStringLower(mac, hex, out _);
        Encoding.ASCII.GetBytes(hex, destination[SignaturePrefix.Length..]);
    }
}
