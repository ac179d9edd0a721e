using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImproveBot.Slack.Tests.Signing;

/// <summary>Slack's documented signing example (Fixtures/signing_test_vector.json) and an independent signer for tests.</summary>
internal static class SigningFixtures
{
    private static readonly Lazy<JsonElement> VectorJson = new(() => JsonDocument.Parse(File.ReadAllText(FixturePath("signing_test_vector.json"))).RootElement);

    public static string Secret => VectorJson.Value.GetProperty("signing_secret").GetString()!;

    public static string Timestamp => VectorJson.Value.GetProperty("x_slack_request_timestamp").GetString()!;

    public static long TimestampSeconds => long.Parse(Timestamp, System.Globalization.CultureInfo.InvariantCulture);

    public static string ExpectedSignature => VectorJson.Value.GetProperty("x_slack_signature").GetString()!;

    /// <summary>The raw body exactly as Slack sent it (no trailing newline), from its own fixture file.</summary>
    public static byte[] SlashCommandBody => ReadFixtureBytes("slash_command_body.form.txt");

    public static DateTimeOffset VectorTime => DateTimeOffset.FromUnixTimeSeconds(TimestampSeconds);

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] ReadFixtureBytes(string name) => File.ReadAllBytes(FixturePath(name));

    /// <summary>
    /// Signs like Slack does, written separately from the production code (HMACSHA256 one-shot, string concatenation)
    /// so a shared mistake can't make both sides agree.
    /// </summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var basestring = Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        return "v0=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), basestring)).ToLowerInvariant();
    }
}
