using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using NSec.Cryptography;

namespace ImproveBot.Testing.FakeDiscord;

/// <summary>
/// Signs interactions as Discord does (protocol §1): Ed25519 over the UTF-8 bytes of the timestamp followed by the raw
/// body, sent as <c>X-Signature-Ed25519</c> (hex) and <c>X-Signature-Timestamp</c>. A fresh key pair by default, or one
/// from a 32-byte seed (the RFC 8032 vectors).
/// </summary>
public sealed class DiscordInteractionSigner : IDisposable
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    public DiscordInteractionSigner()
        : this(Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }))
    {
    }

    private DiscordInteractionSigner(Key key)
    {
        _key = key;
        PublicKeyHex = Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>A signer from a secret key given as its 32-byte seed in hex (as RFC 8032 lists them).</summary>
    public static DiscordInteractionSigner FromSeed(string seedHex) =>
        new(Key.Import(Ed25519, Convert.FromHexString(seedHex), KeyBlobFormat.RawPrivateKey));

    /// <summary>The public key as the Developer Portal shows it: 64 hex characters.</summary>
    public string PublicKeyHex { get; }

    /// <summary>The hex signature of <paramref name="timestamp"/> + <paramref name="body"/>.</summary>
    public string Sign(string timestamp, ReadOnlySpan<byte> body)
    {
        var message = new byte[Encoding.UTF8.GetByteCount(timestamp) + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, message);
        body.CopyTo(message.AsSpan(written));
        return Convert.ToHexStringLower(Ed25519.Sign(_key, message));
    }

    /// <summary>A POST of <paramref name="body"/> to <paramref name="path"/>, signed at <paramref name="at"/> (Unix seconds), as JSON.</summary>
    public HttpRequestMessage CreateRequest(string path, byte[] body, DateTimeOffset at) =>
        CreateRequest(path, body, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    public HttpRequestMessage CreateRequest(string path, byte[] body, string timestamp)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Signature-Ed25519", Sign(timestamp, body));
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        return request;
    }

    public void Dispose() => _key.Dispose();
}
