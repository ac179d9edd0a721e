using System.Text.Json;
using ImproveBot.Discord.Inbound;
using ImproveBot.Discord.Rendering;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Inbound;

public sealed class DiscordInteractionTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void DocumentedSlashCommand_IsReadFromTheServerMember()
    {
        var fixture = Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "interaction_slash_command.json")));

        Assert.True(DiscordInteraction.TryParse(fixture, out var interaction, out _));

        Assert.Equal(InteractionType.ApplicationCommand, interaction.Type);
        Assert.Equal("786008729715212338", interaction.Id);
        Assert.Equal("A_UNIQUE_TOKEN", interaction.Token);
        Assert.Equal("290926798626357999", interaction.GuildId);
        Assert.Equal("53908232506183680", interaction.UserId);
        Assert.Equal("Mason", interaction.DisplayName);
        Assert.False(interaction.InDirectMessage);
        Assert.True(interaction.HasAdminPermission); // 2147483647 has every bit of the first 31
        Assert.Equal("cardsearch", interaction.Data.GetProperty("name").GetString());
    }

    [Fact]
    public void DirectMessage_HasAUserAndNoServer()
    {
        Assert.True(DiscordInteraction.TryParse(Parse(
            """{"type":3,"id":"1","token":"t","user":{"id":"2","username":"ada","global_name":"Ada"},"data":{"custom_id":"x"}}"""), out var interaction, out _));

        Assert.True(interaction.InDirectMessage);
        Assert.Equal("2", interaction.UserId);
        Assert.Equal("Ada", interaction.DisplayName);
        Assert.False(interaction.HasAdminPermission);
    }

    [Theory]
    [InlineData("""{"nick":"Ad","user":{"id":"2","username":"ada","global_name":"Ada"}}""", "Ad")]
    [InlineData("""{"nick":null,"user":{"id":"2","username":"ada","global_name":"Ada"}}""", "Ada")]
    [InlineData("""{"user":{"id":"2","username":"ada","global_name":null}}""", "ada")]
    public void DisplayName_IsNickThenGlobalNameThenUsername(string member, string expected)
    {
        Assert.True(DiscordInteraction.TryParse(Parse($$$"""{"type":2,"id":"1","token":"t","guild_id":"9","member":{{{member}}},"data":{}}"""), out var interaction, out _));
        Assert.Equal(expected, interaction.DisplayName);
    }

    [Theory]
    [InlineData("32", true)]          // MANAGE_GUILD
    [InlineData("8", true)]           // ADMINISTRATOR
    [InlineData("40", true)]
    [InlineData("2112", false)]       // SEND_MESSAGES | ADD_REACTIONS … but no admin bit
    [InlineData("0", false)]
    [InlineData("1125899906842623", true)] // beyond 32 bits: all of the first 50
    [InlineData("1125899906842583", false)] // the same without bits 3 and 5
    [InlineData("not a number", false)]
    public void Admin_IsManageServerOrAdministrator(string permissions, bool admin)
    {
        Assert.True(DiscordInteraction.TryParse(Parse(
            $$$"""{"type":2,"id":"1","token":"t","guild_id":"9","member":{"user":{"id":"2","username":"u"},"permissions":"{{{permissions}}}"},"data":{}}"""), out var interaction, out _));
        Assert.Equal(admin, interaction.HasAdminPermission);
    }

    [Theory]
    [InlineData("""{"id":"1","token":"t","user":{"id":"2"}}""")]
    [InlineData("""{"type":"2","id":"1","token":"t","user":{"id":"2"}}""")]
    [InlineData("""{"type":99,"id":"1","token":"t","user":{"id":"2"}}""")]
    [InlineData("""{"type":2,"token":"t","user":{"id":"2"}}""")]
    [InlineData("""{"type":2,"id":"1","user":{"id":"2"}}""")]
    [InlineData("""{"type":2,"id":"1","token":"t"}""")]
    [InlineData("""{"type":2,"id":"1","token":"t","user":{"id":"../2"}}""")]
    [InlineData("""{"type":2,"id":"1","token":"t","guild_id":"x","user":{"id":"2"}}""")]
    [InlineData("""[]""")]
    public void Malformed_IsRefusedWithAReason(string json)
    {
        Assert.False(DiscordInteraction.TryParse(Parse(json), out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Theory]
    [InlineData("290926798626357999|reflect:start:7", "290926798626357999", "reflect:start:7")]
    [InlineData("reflect:start:7", null, "reflect:start:7")]
    [InlineData("abc|reflect:start:7", null, "abc|reflect:start:7")]
    [InlineData("", null, "")]
    public void CustomIds_CarryTheServerOnlyWhenPrefixed(string customId, string? tenant, string action)
    {
        Assert.Equal((tenant, action), DiscordCustomId.Parse(customId));
    }

    [Fact]
    public void CustomId_TooLongWithTheServer_FallsBackToThePlainActionId()
    {
        var action = "idea:merge:" + new string('1', 40) + ":" + new string('2', 40);
        Assert.Equal(action, DiscordCustomId.For(action, "290926798626357999"));
    }

    [Fact]
    public void Drafts_AreKeptForHalfAnHourPerPersonAndForm()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var drafts = new DiscordFormDrafts(clock);
        drafts.Keep("u1", "reflect:submit:1", new Dictionary<string, string> { ["q0"] = "a" });

        Assert.Equal("a", drafts.Find("u1", "reflect:submit:1")!["q0"]);
        Assert.Null(drafts.Find("u2", "reflect:submit:1"));
        Assert.Null(drafts.Find("u1", "reflect:submit:2"));
        clock.Advance(DiscordFormDrafts.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Null(drafts.Find("u1", "reflect:submit:1"));
    }

    [Fact]
    public void Drafts_AreBounded_OldestGoesFirst()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var drafts = new DiscordFormDrafts(clock);
        for (var i = 0; i <= DiscordFormDrafts.MaxDrafts; i++)
        {
            drafts.Keep($"u{i}", "f", new Dictionary<string, string> { ["q0"] = $"{i}" });
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Null(drafts.Find("u0", "f"));
        Assert.NotNull(drafts.Find($"u{DiscordFormDrafts.MaxDrafts}", "f"));
    }
}
