using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace ImproveBot.Discord.Signing;

/// <summary>The outcome of checking an interaction's signature; everything but <see cref="Valid"/> is a refusal (HTTP 401).</summary>
internal enum SignatureCheck
{
    Valid,

    /// <summary>No usable <c>Discord:PublicKey</c>: fail closed, every interaction is refused.</summary>
    NoKeyConfigured,

    /// <summary><c>X-Signature-Ed25519</c> or <c>X-Signature-Timestamp</c> is absent or empty.</summary>
    MissingHeaders,

    /// <summary>The timestamp is not a plain decimal number of Unix seconds.</summary>
    BadTimestamp,

    /// <summary>The timestamp is further than <see cref="DiscordOptions.SignatureTolerance"/> from now (past or future): a possible replay.</summary>
    Stale,

    /// <summary>The signature is not 128 hex digits, or does not verify over timestamp + body with the application's key.</summary>
    BadSignature,
}

/// <summary>
/// Verifies Discord's interaction signature: Ed25519 (NSec) over the UTF-8 bytes of <c>X-Signature-Timestamp</c>
/// followed by the raw body, with the application's public key; plus a replay window of our own (Discord documents
/// none). Stateless apart from the imported key; thread-safe; register as a singleton.
/// </summary>
internal sealed class DiscordSignatureVerifier
{
    private const int SignatureBytes = 64;
    private const int PublicKeyBytes = 32;

    // Unix seconds have 10 digits until the year 2286; a longer header is garbage, not a clock skew.
    private const int MaxTimestampLength = 12;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private readonly IOptions<DiscordOptions> _options;
    private readonly TimeProvider _time;
    private readonly Lazy<PublicKey?> _key;

    public DiscordSignatureVerifier(IOptions<DiscordOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        // Imported once: the key is fixed for the process.
        _key = new Lazy<PublicKey?>(() => ImportKey(options.Value.PublicKey));
    }

    public SignatureCheck Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> rawBody)
    {
        // Checked first so that a deployment without a key refuses everything, whatever the request looks like.
        if (_key.Value is not { } key) return SignatureCheck.NoKeyConfigured;
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader)) return SignatureCheck.MissingHeaders;

        // NumberStyles.None: digits only, so "+1", " 1" or "1e9" can't stand for another signed message.
        if (timestampHeader.Length > MaxTimestampLength
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return SignatureCheck.BadTimestamp;

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // Both directions: a timestamp from the future is as suspicious as an old one.
        if (Math.Abs(now - timestamp) > _options.Value.SignatureTolerance.TotalSeconds) return SignatureCheck.Stale;

        Span<byte> signature = stackalloc byte[SignatureBytes];
        if (signatureHeader.Length != SignatureBytes * 2 || !TryFromHex(signatureHeader, signature)) return SignatureCheck.BadSignature;

        // The signed message is exactly timestamp + body, no separator; the body as received, never re-serialised.
        var message = new byte[timestampHeader.Length + rawBody.Length];
        Encoding.ASCII.GetBytes(timestampHeader, message);
        rawBody.CopyTo(message.AsSpan(timestampHeader.Length));

        // Ed25519 verification does not depend on secret data, so there is nothing here to compare in constant time.
        return Ed25519.Verify(key, message, signature) ? SignatureCheck.Valid : SignatureCheck.BadSignature;
    }

    /// <summary>The key from its 64 hex digits, or null when it is missing or not 32 bytes of hex.</summary>
    internal static PublicKey? ImportKey(string? hex)
    {
        if (string.IsNullOrWhiteSpace(hex) || hex.Length != PublicKeyBytes * 2) return null;
        Span<byte> raw = stackalloc byte[PublicKeyBytes];
        if (!TryFromHex(hex, raw)) return null;
        return PublicKey.TryImport(Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) ? key : null;
    }

    private static bool TryFromHex(string hex, Span<byte> destination) =>
        Convert.FromHexString(hex, destination, out var consumed, out var written) == System.Buffers.OperationStatus.Done
        && consumed == hex.Length && written == destination.Length;
}
