using ImproveBot.Host.Api;

namespace ImproveBot.Host.Tests.Security;

/// <summary>
/// The admin token check compares SHA-256 hashes with <c>CryptographicOperations.FixedTimeEquals</c>, so neither the length
/// nor a shared prefix of a guess changes how long it takes; here: whatever the header holds, the answer is a plain yes or no.
/// </summary>
public sealed class AdminTokenTests
{
    private const string Token = "admin-token-0123456789abcdef";

    [Theory]
    [InlineData("Bearer " + Token, true)]
    [InlineData("bearer " + Token, true)] // the scheme is case-insensitive (RFC 9110), the token is not
    [InlineData("Bearer  " + Token + " ", true)]
    [InlineData("Bearer " + "ADMIN-TOKEN-0123456789ABCDEF", false)]
    [InlineData("Bearer " + Token + "0", false)]
    [InlineData("Bearer " + "admin-token-0123456789abcde", false)]
    [InlineData("Bearer admin-token-0123456789abcdeg", false)] // same length, last character differs
    [InlineData("Bearer ", false)]
    [InlineData("Bearer", false)]
    [InlineData(Token, false)]
    [InlineData("Basic " + Token, false)]
    [InlineData("Bearer \u0000\uD800\uFFFF😀", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TokenCheck_AnswersExactly_ForAnyHeader(string? header, bool expected) =>
        Assert.Equal(expected, AdminApiEndpoints.IsAuthorized(header, Token));

    [Fact]
    public void TokenCheck_HandlesAMegabyteGuess()
    {
        Assert.False(AdminApiEndpoints.IsAuthorized("Bearer " + new string('a', 1024 * 1024), Token));
        Assert.False(AdminApiEndpoints.IsAuthorized("Bearer " + Token + new string(' ', 10) + "x", Token));
    }
}
