using System.Text;
using ImproveBot.Discord.Signing;
using ImproveBot.Testing.FakeDiscord;
using NSec.Cryptography;
using static ImproveBot.Discord.Tests.Signing.SigningFixtures;

namespace ImproveBot.Discord.Tests.Signing;

public sealed class DiscordSignatureVerifierTests
{
    private static readonly string VectorKey = Derived.Get("public_key_hex");
    private static readonly string VectorTimestamp = Derived.Get("x_signature_timestamp");
    private static readonly string VectorSignature = Derived.Get("x_signature_ed25519");
    private static readonly byte[] VectorBody = Encoding.UTF8.GetBytes(Derived.Get("raw_body"));

    public static TheoryData<string> Rfc8032Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Fixture("ed25519_rfc8032_vectors.json").GetProperty("vectors").EnumerateArray()) data.Add(vector.Get("name"));
        return data;
    }

    private static System.Text.Json.JsonElement Vector(string name) =>
        Fixture("ed25519_rfc8032_vectors.json").GetProperty("vectors").EnumerateArray().Single(v => v.Get("name") == name);

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_vector_verifies_with_nsec_and_its_public_key_derives_from_the_seed(string name)
    {
        var vector = Vector(name);
        var algorithm = SignatureAlgorithm.Ed25519;
        using var key = Key.Import(algorithm, Convert.FromHexString(vector.Get("secret_key")), KeyBlobFormat.RawPrivateKey);
        var message = Convert.FromHexString(vector.Get("message"));

        Assert.Equal(vector.Get("public_key"), Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        // Ed25519 is deterministic: signing again reproduces the RFC's signature byte for byte.
        Assert.Equal(vector.Get("signature"), Convert.ToHexStringLower(algorithm.Sign(key, message)));
        var publicKey = DiscordSignatureVerifier.ImportKey(vector.Get("public_key"));
        Assert.NotNull(publicKey);
        Assert.True(algorithm.Verify(publicKey, message, Convert.FromHexString(vector.Get("signature"))));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_signature_with_one_bit_flipped_does_not_verify(string name)
    {
        var vector = Vector(name);
        var signature = Convert.FromHexString(vector.Get("signature"));
        signature[5] ^= 0x01;
        var publicKey = DiscordSignatureVerifier.ImportKey(vector.Get("public_key"))!;
        Assert.False(SignatureAlgorithm.Ed25519.Verify(publicKey, Convert.FromHexString(vector.Get("message")), signature));
    }

    [Fact]
    public void Derived_interaction_vector_is_valid_at_its_own_time()
    {
        var verifier = Verifier(VectorKey, VectorTime);
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Fact]
    public void Derived_vector_is_reproduced_by_the_test_signer_from_the_rfc_test_1_seed()
    {
        using var signer = DiscordInteractionSigner.FromSeed(Vector("TEST 1").Get("secret_key"));
        Assert.Equal(VectorKey, signer.PublicKeyHex);
        Assert.Equal(VectorSignature, signer.Sign(VectorTimestamp, VectorBody));
    }

    [Fact]
    public void Derived_vector_must_fail_cases_are_refused()
    {
        var verifier = Verifier(VectorKey, VectorTime);
        foreach (var mustFail in Derived.GetProperty("must_fail").EnumerateArray())
        {
            var check = verifier.Verify(mustFail.Get("x_signature_timestamp"), VectorSignature, Encoding.UTF8.GetBytes(mustFail.Get("raw_body")));
            Assert.Equal(SignatureCheck.BadSignature, check);
        }
    }

    [Fact]
    public void Tampered_body_is_refused()
    {
        var tampered = Encoding.UTF8.GetBytes("{\"type\":2}");
        Assert.Equal(SignatureCheck.BadSignature, Verifier(VectorKey, VectorTime).Verify(VectorTimestamp, VectorSignature, tampered));
    }

    [Fact]
    public void Another_applications_key_is_refused()
    {
        var other = Vector("TEST 2").Get("public_key");
        Assert.Equal(SignatureCheck.BadSignature, Verifier(other, VectorTime).Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86400)]
    public void Timestamps_outside_five_minutes_either_way_are_stale(int offsetSeconds)
    {
        var verifier = Verifier(VectorKey, VectorTime.AddSeconds(offsetSeconds));
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Exactly_five_minutes_either_way_is_allowed(int offsetSeconds)
    {
        var verifier = Verifier(VectorKey, VectorTime.AddSeconds(offsetSeconds));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Fact]
    public void Configured_tolerance_is_used()
    {
        var verifier = Verifier(VectorKey, VectorTime.AddSeconds(31), TimeSpan.FromSeconds(30));
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Fact]
    public void Real_clock_makes_the_vector_stale()
    {
        var verifier = new DiscordSignatureVerifier(
            Microsoft.Extensions.Options.Options.Create(new DiscordOptions { PublicKey = VectorKey }), TimeProvider.System);
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Theory]
    [InlineData(null, "sig")]
    [InlineData("", "sig")]
    [InlineData("1700000000", null)]
    [InlineData("1700000000", "")]
    public void Missing_headers_are_refused(string? timestamp, string? signature)
    {
        Assert.Equal(SignatureCheck.MissingHeaders, Verifier(VectorKey, VectorTime).Verify(timestamp, signature, VectorBody));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-hex")]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511")]
    public void No_usable_key_refuses_even_a_correctly_signed_request(string? key)
    {
        Assert.Equal(SignatureCheck.NoKeyConfigured, Verifier(key, VectorTime).Verify(VectorTimestamp, VectorSignature, VectorBody));
    }

    [Fact]
    public void No_key_wins_over_missing_headers()
    {
        Assert.Equal(SignatureCheck.NoKeyConfigured, Verifier(null, VectorTime).Verify(null, null, VectorBody));
    }

    [Theory]
    [InlineData("+1700000000")]
    [InlineData(" 1700000000")]
    [InlineData("1.7e9")]
    [InlineData("17000000000000")]
    [InlineData("abc")]
    public void Non_numeric_or_absurd_timestamps_are_refused(string timestamp)
    {
        Assert.Equal(SignatureCheck.BadTimestamp, Verifier(VectorKey, VectorTime).Verify(timestamp, VectorSignature, VectorBody));
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0")]
    [InlineData("1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0fff")]
    [InlineData("x695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f")]
    public void Malformed_signatures_are_refused(string signature)
    {
        Assert.Equal(SignatureCheck.BadSignature, Verifier(VectorKey, VectorTime).Verify(VectorTimestamp, signature, VectorBody));
    }

    [Fact]
    public void Upper_case_hex_signature_is_the_same_signature()
    {
        Assert.Equal(SignatureCheck.Valid, Verifier(VectorKey, VectorTime).Verify(VectorTimestamp, VectorSignature.ToUpperInvariant(), VectorBody));
    }
}
