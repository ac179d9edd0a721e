using System.Text.Json;
using ImproveBot.Discord.Signing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Signing;

/// <summary>The RFC 8032 vectors and the interaction-shaped vector derived from TEST 1 (Fixtures/SOURCES.md).</summary>
internal static class SigningFixtures
{
    public static JsonElement Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name))).RootElement;

    public static JsonElement Derived => Fixture("interaction_signature_derived_vector.json");

    public static string Get(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    /// <summary>The derived vector's moment: its timestamp is "now" for the verifier.</summary>
    public static DateTimeOffset VectorTime => DateTimeOffset.FromUnixTimeSeconds(long.Parse(Derived.Get("x_signature_timestamp")));

    public static DiscordSignatureVerifier Verifier(string? publicKey, DateTimeOffset now, TimeSpan? tolerance = null) =>
        new(Options.Create(new DiscordOptions { PublicKey = publicKey, SignatureTolerance = tolerance ?? TimeSpan.FromMinutes(5) }), new FakeTimeProvider(now));
}
