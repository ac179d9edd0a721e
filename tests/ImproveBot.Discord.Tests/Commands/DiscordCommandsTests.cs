using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImproveBot.Core.Commands;
using ImproveBot.Core.Ideas;
using ImproveBot.Discord.Commands;
using NodaTime;

namespace ImproveBot.Discord.Tests.Commands;

public sealed partial class DiscordCommandsTests
{
    [Fact]
    public void Registration_IsIdeaIdeasAndImprove_WithValidNamesAndDescriptions()
    {
        var commands = DiscordCommands.Registration(global: true);

        Assert.Equal(["idea", "ideas", "improve"], commands.Select(c => c!["name"]!.GetValue<string>()));
        foreach (var node in Walk(commands))
        {
            Assert.Matches(NameRule(), node["name"]!.GetValue<string>());
            Assert.InRange(node["description"]!.GetValue<string>().Length, 1, 100);
            Assert.InRange((node["options"] as JsonArray)?.Count ?? 0, 0, 25);
            Assert.InRange((node["choices"] as JsonArray)?.Count ?? 0, 0, 25);
        }
        Assert.All(commands, c => Assert.Equal("[0,1]", c!["contexts"]!.ToJsonString()));
    }

    [Fact]
    public void Improve_HasASubcommandForEverySubcommandOfTheCoreGrammar_AndConfigForEveryKey()
    {
        var improve = DiscordCommands.All.Single(c => c.Name == "improve");

        Assert.Equal(ImproveCommandParser.Subcommands.Order(), improve.Options.Select(o => o.Name).Order());
        var config = improve.Options.Single(o => o.Name == "config");
        Assert.Equal(OptionType.SubCommandGroup, config.Type);
        Assert.Equal(ConfigCommandParser.ConfigKeys.Order(), config.Options!.Select(o => o.Name).Order());
    }

    public static TheoryData<string, string, string> Lines => new()
    {
        { """{"name":"idea","options":[{"name":"text","type":3,"value":"read with a question first"}]}""", "idea", "read with a question first" },
        { """{"name":"idea","options":[{"name":"visibility","type":3,"value":"anon"},{"name":"tags","type":3,"value":"reading, #focus"},{"name":"text","type":3,"value":"draft early"}]}""",
            "idea", "draft early #reading #focus --anon" },
        { """{"name":"ideas"}""", "ideas", "" },
        { """{"name":"ideas","options":[{"name":"search","type":3,"value":"paper"},{"name":"tag","type":3,"value":"#reading"},{"name":"scope","type":3,"value":"mine"}]}""",
            "ideas", "mine #reading paper" },
        { """{"name":"improve","options":[{"name":"reflect","type":1}]}""", "improve", "reflect" },
        { """{"name":"improve","options":[{"name":"status","type":1,"options":[{"name":"status","type":3,"value":"trying"},{"name":"id","type":4,"value":42}]}]}""",
            "improve", "status 42 trying" },
        { """{"name":"improve","options":[{"name":"vote","type":1,"options":[{"name":"id","type":4,"value":7}]}]}""", "improve", "vote 7" },
        { """{"name":"improve","options":[{"name":"pause","type":1,"options":[{"name":"for","type":3,"value":"until 2026-09-01"}]}]}""", "improve", "pause until 2026-09-01" },
        { """{"name":"improve","options":[{"name":"forget-me","type":1,"options":[{"name":"confirm","type":5,"value":true}]}]}""", "improve", "forget-me confirm" },
        { """{"name":"improve","options":[{"name":"forget-me","type":1,"options":[{"name":"confirm","type":5,"value":false}]}]}""", "improve", "forget-me" },
        { """{"name":"improve","options":[{"name":"forget-me","type":1,"options":[{"name":"keep-voted","type":5,"value":true}]}]}""", "improve", "forget-me keep-voted" },
        { """{"name":"improve","options":[{"name":"export","type":1}]}""", "improve", "export" },
        { """{"name":"improve","options":[{"name":"help","type":1,"options":[{"name":"topic","type":3,"value":"pause"}]}]}""", "improve", "help pause" },
        { """{"name":"improve","options":[{"name":"config","type":2,"options":[{"name":"schedule","type":1,"options":[{"name":"zone","type":3,"value":"Europe/Berlin"},{"name":"day","type":3,"value":"Fri"},{"name":"time","type":3,"value":"16:00"}]}]}]}""",
            "improve", "config schedule Fri 16:00 Europe/Berlin" },
        { """{"name":"improve","options":[{"name":"config","type":2,"options":[{"name":"channel","type":1,"options":[{"name":"channel","type":7,"value":"645027906669510667"}]}]}]}""",
            "improve", "config channel 645027906669510667" },
        { """{"name":"improve","options":[{"name":"config","type":2,"options":[{"name":"questions","type":1,"options":[{"name":"questions","type":3,"value":"What helped? | What slowed you down?"}]}]}]}""",
            "improve", "config questions What helped? | What slowed you down?" },
        { """{"name":"improve","options":[{"name":"digest","type":1}]}""", "improve", "digest now" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Options_AreWrittenBackAsTheLineAPersonWouldType(string data, string command, string arguments)
    {
        Assert.Equal((command, arguments), DiscordCommandLine.Build(JsonDocument.Parse(data).RootElement));
    }

    [Fact]
    public void RebuiltLines_ParseToTheSameCommandsAsOnEveryPlatform()
    {
        ParseResult Parse(string data)
        {
            var (command, arguments) = DiscordCommandLine.Build(JsonDocument.Parse(data).RootElement)!.Value;
            return CommandParser.Parse("/" + command, arguments);
        }

        Assert.Equal(new LogIdeaCommand("draft early", ["reading", "focus"], IdeaVisibility.Anonymous),
            Parse("""{"name":"idea","options":[{"name":"text","type":3,"value":"draft early"},{"name":"tags","type":3,"value":"reading focus"},{"name":"visibility","type":3,"value":"anon"}]}""").Command);
        Assert.Equal(new SetIdeaStatusCommand(42, IdeaStatus.Trying),
            Parse("""{"name":"improve","options":[{"name":"status","type":1,"options":[{"name":"id","type":4,"value":42},{"name":"status","type":3,"value":"trying"}]}]}""").Command);
        Assert.Equal(new ConfigureScheduleCommand(IsoDayOfWeek.Friday, new LocalTime(16, 0), "Europe/Berlin"),
            Parse("""{"name":"improve","options":[{"name":"config","type":2,"options":[{"name":"schedule","type":1,"options":[{"name":"day","type":3,"value":"Fri"},{"name":"time","type":3,"value":"16:00"},{"name":"zone","type":3,"value":"Europe/Berlin"}]}]}]}""").Command);
        Assert.Equal(new ConfigureChannelCommand("645027906669510667"),
            Parse("""{"name":"improve","options":[{"name":"config","type":2,"options":[{"name":"channel","type":1,"options":[{"name":"channel","type":7,"value":"645027906669510667"}]}]}]}""").Command);
        Assert.IsType<PostDigestNowCommand>(Parse("""{"name":"improve","options":[{"name":"digest","type":1}]}""").Command);
        Assert.Equal(new ForgetMeCommand(true),
            Parse("""{"name":"improve","options":[{"name":"forget-me","type":1,"options":[{"name":"confirm","type":5,"value":true}]}]}""").Command);
    }

    [Theory]
    [InlineData("""{"name":"blep"}""")]
    [InlineData("""{"options":[]}""")]
    [InlineData("""[]""")]
    public void CommandsThatAreNotOurs_AreNotRebuilt(string data)
    {
        Assert.Null(DiscordCommandLine.Build(JsonDocument.Parse(data).RootElement));
    }

    [Fact]
    public void UnknownOptionsAndOddValues_AreIgnoredNotThrown()
    {
        var data = """{"name":"idea","options":[{"name":"text","type":3,"value":"ok"},{"name":"extra","type":3,"value":"x"},{"name":"tags","type":3,"value":{"a":1}},"junk"]}""";
        Assert.Equal(("idea", "ok"), DiscordCommandLine.Build(JsonDocument.Parse(data).RootElement));
    }

    [Fact]
    public void RegisterVerb_ArgumentsAreParsed()
    {
        var withGuild = RegisterCommandsVerb.ParseArgs(["--guild", "123", "--Discord:BotToken=x"]);
        Assert.Equal("123", withGuild.GuildId);
        Assert.Equal(["--Discord:BotToken=x"], withGuild.HostArgs);
        Assert.Null(withGuild.Error);
        Assert.Equal("456", RegisterCommandsVerb.ParseArgs(["--guild=456"]).GuildId);
        Assert.Null(RegisterCommandsVerb.ParseArgs([]).GuildId);
        Assert.NotNull(RegisterCommandsVerb.ParseArgs(["--guild"]).Error);
        Assert.NotNull(RegisterCommandsVerb.ParseArgs(["--guild", "general"]).Error);
    }

    private static IEnumerable<JsonObject> Walk(JsonArray nodes)
    {
        foreach (var node in nodes.OfType<JsonObject>())
        {
            yield return node;
            if (node["options"] is JsonArray options)
                foreach (var child in Walk(options)) yield return child;
        }
    }

    [GeneratedRegex(@"^[-_'\p{L}\p{N}]{1,32}$")]
    private static partial Regex NameRule();
}
