using System.Text;
using ImproveBot.Core.Commands;
using ImproveBot.Core.Ideas;
using NodaTime;

namespace ImproveBot.Core.Tests.Commands;

public sealed class CommandParserTests
{
    // Expected commands are typed as object: the command records are internal and xunit needs the data
    // members public.

    private static readonly string Chars2000 = new('a', 2000);
    private static readonly string TenTags = string.Join(' ', Enumerable.Range(1, 10).Select(i => $"#t{i}"));

    public static TheoryData<string, object> GoodIdeas => new()
    {
        { "/idea read with a question first #reading", Idea("read with a question first", ["reading"]) },
        { "/idea #reading read with a #Question first", Idea("read with a first", ["reading", "question"]) },
        { "/idea   spaced    out\ttext  ", Idea("spaced out text", []) },
        { "/idea pair on reviews --private", Idea("pair on reviews", [], IdeaVisibility.Private) },
        { "/idea --anon pair on reviews", Idea("pair on reviews", [], IdeaVisibility.Anonymous) },
        { "/idea pair --anonymous on reviews", Idea("pair on reviews", [], IdeaVisibility.Anonymous) },
        { "/idea pair on reviews --team", Idea("pair on reviews", [], IdeaVisibility.Team) },
        { "/idea pair on reviews --PRIVATE --private", Idea("pair on reviews", [], IdeaVisibility.Private) },
        { "/idea pair on reviews --anon --anonymous", Idea("pair on reviews", [], IdeaVisibility.Anonymous) },
        { "/idea pair on reviews \u2014anon", Idea("pair on reviews", [], IdeaVisibility.Anonymous) },
        { "/idea learn C# generics #dotnet", Idea("learn C# generics", ["dotnet"]) },
        { "/idea fix issue #1 first", Idea("fix issue #1 first", []) },
        { "/idea a lone # sign", Idea("a lone # sign", []) },
        { "/idea tags de-dup #Reading #reading", Idea("tags de-dup", ["reading"]) },
        { "/idea end with a tag #reading.", Idea("end with a tag", ["reading"]) },
        { "/idea tag chars #deep-work_2", Idea("tag chars", ["deep-work_2"]) },
        { "/idea arrows --> and dashes \u2014 stay", Idea("arrows --> and dashes \u2014 stay", []) },
        { "/idea lesen üben #Lesen #чтение", Idea("lesen üben", ["lesen", "чтение"]) },
        { "/idea multi\nline\u200Btext\0here", Idea("multi linetext here", []) },
        { "/idea slack escaped <#C0123|reading>", Idea("slack escaped", ["reading"]) },
        { $"/idea ten tags {TenTags}", Idea("ten tags", Enumerable.Range(1, 10).Select(i => $"t{i}").ToArray()) },
        { "/idea " + Chars2000, Idea(Chars2000, []) },
        { "/IDEA shouting works", Idea("shouting works", []) },
        { "idea slash is optional", Idea("slash is optional", []) },
        { "/idea help", new HelpCommand("idea") },
    };

    public static TheoryData<string, object> GoodLists => new()
    {
        { "/ideas", new ListIdeasCommand(IdeaScope.Team, null, null) },
        { "/ideas mine", new ListIdeasCommand(IdeaScope.Mine, null, null) },
        { "/ideas MINE #Reading", new ListIdeasCommand(IdeaScope.Mine, "reading", null) },
        { "/ideas mine #reading paper", new ListIdeasCommand(IdeaScope.Mine, "reading", "paper") },
        { "/ideas team code   review", new ListIdeasCommand(IdeaScope.Team, null, "code review") },
        { "/ideas code #review review", new ListIdeasCommand(IdeaScope.Team, "review", "code review") },
        { "/ideas #reading mine", new ListIdeasCommand(IdeaScope.Team, "reading", "mine") },
        { "/ideas #reading #Reading", new ListIdeasCommand(IdeaScope.Team, "reading", null) },
        { "/ideas help", new HelpCommand("ideas") },
    };

    public static TheoryData<string, object> GoodImprove => new()
    {
        { "/improve", new HelpCommand(null) },
        { "/improve help", new HelpCommand(null) },
        { "/improve help Pause", new HelpCommand("pause") },
        { "/improve help /idea", new HelpCommand("idea") },
        { "/help", new HelpCommand(null) },
        { "/improve reflect", new StartReflectionCommand() },
        { "/improve REFLECT", new StartReflectionCommand() },
        { "/improve status 42 trying", new SetIdeaStatusCommand(42, IdeaStatus.Trying) },
        { "/improve status #42 Adopted", new SetIdeaStatusCommand(42, IdeaStatus.Adopted) },
        { "/improve status 7 new", new SetIdeaStatusCommand(7, IdeaStatus.New) },
        { "/improve Status 7 DROPPED", new SetIdeaStatusCommand(7, IdeaStatus.Dropped) },
        { "/improve vote 42", new VoteCommand(42) },
        { "/improve vote #9000000000", new VoteCommand(9_000_000_000) },
        { "/improve pause 2w", new PauseForCommand(14) },
        { "/improve pause 10d", new PauseForCommand(10) },
        { "/improve pause 1w", new PauseForCommand(7) },
        { "/improve pause 1d", new PauseForCommand(1) },
        { "/improve pause 52w", new PauseForCommand(364) },
        { "/improve pause 364d", new PauseForCommand(364) },
        { "/improve pause 2W", new PauseForCommand(14) },
        { "/improve pause 2 weeks", new PauseForCommand(14) },
        { "/improve pause 3 days", new PauseForCommand(3) },
        { "/improve pause until 2026-09-01", new PauseUntilCommand(new LocalDate(2026, 9, 1)) },
        { "/improve pause UNTIL 2020-01-31", new PauseUntilCommand(new LocalDate(2020, 1, 31)) },
        { "/improve resume", new ResumeCommand() },
        { "/improve optout", new OptOutCommand() },
        { "/improve opt-out", new OptOutCommand() },
        { "/improve optin", new OptInCommand() },
        { "/improve stats", new StatsCommand() },
        { "/improve tz Europe/Berlin", new SetTimeZoneCommand("Europe/Berlin") },
        { "/improve tz europe/berlin", new SetTimeZoneCommand("Europe/Berlin") },
        { "/improve tz UTC", new SetTimeZoneCommand("UTC") },
        { "/improve tz utc", new SetTimeZoneCommand("UTC") },
        { "/improve tz america/new york", new SetTimeZoneCommand("America/New_York") },
        { "/improve tz America/Argentina/Buenos_Aires", new SetTimeZoneCommand("America/Argentina/Buenos_Aires") },
        { "/improve forget-me", new ForgetMeCommand(false) },
        { "/improve forget-me confirm", new ForgetMeCommand(true) },
        { "/improve FORGET-ME Confirm", new ForgetMeCommand(true) },
        { "/improve forget-me keep-voted", new ForgetMeCommand(true, KeepVotedIdeas: true) },
        { "/improve forget-me confirm keep-voted", new ForgetMeCommand(true, KeepVotedIdeas: true) },
        { "/improve forget-me Keep-Voted confirm", new ForgetMeCommand(true, KeepVotedIdeas: true) },
        { "/improve export", new ExportCommand() },
    };

    public static TheoryData<string, object> GoodAdmin => new()
    {
        { "/improve config schedule Fri 16:00", new ConfigureScheduleCommand(IsoDayOfWeek.Friday, new LocalTime(16, 0), null) },
        { "/improve config schedule FRIDAY 16:00", new ConfigureScheduleCommand(IsoDayOfWeek.Friday, new LocalTime(16, 0), null) },
        { "/improve config schedule mon 9:30 europe/berlin", new ConfigureScheduleCommand(IsoDayOfWeek.Monday, new LocalTime(9, 30), "Europe/Berlin") },
        { "/improve config schedule Monday 09:30 Europe/Berlin", new ConfigureScheduleCommand(IsoDayOfWeek.Monday, new LocalTime(9, 30), "Europe/Berlin") },
        { "/improve config schedule thurs 00:00 UTC", new ConfigureScheduleCommand(IsoDayOfWeek.Thursday, new LocalTime(0, 0), "UTC") },
        { "/improve config schedule su 23:59", new ConfigureScheduleCommand(IsoDayOfWeek.Sunday, new LocalTime(23, 59), null) },
        { "/improve config channel C0123ABCD", new ConfigureChannelCommand("C0123ABCD") },
        { "/improve config channel <#C0123ABCD|improvements>", new ConfigureChannelCommand("C0123ABCD") },
        { "/improve config channel <#C0123ABCD|>", new ConfigureChannelCommand("C0123ABCD") },
        { "/improve config channel <#123456789012345678>", new ConfigureChannelCommand("123456789012345678") },
        { "/improve config channel 123456789012345678", new ConfigureChannelCommand("123456789012345678") },
        { "/improve config questions What slowed you down? | What will you try?", Questions("What slowed you down?", "What will you try?") },
        { "/improve config questions  one  question ", Questions("one question") },
        { "/improve config questions a|b|c|d|e|", Questions("a", "b", "c", "d", "e") },
        { "/improve config reminder 4h", new ConfigureReminderCommand(Duration.FromHours(4)) },
        { "/improve config reminder 90m", new ConfigureReminderCommand(Duration.FromMinutes(90)) },
        { "/improve config reminder 15m", new ConfigureReminderCommand(Duration.FromMinutes(15)) },
        { "/improve config reminder 1d", new ConfigureReminderCommand(Duration.FromDays(1)) },
        { "/improve config reminder 6d", new ConfigureReminderCommand(Duration.FromDays(6)) },
        { "/improve config reminder 144h", new ConfigureReminderCommand(Duration.FromDays(6)) },
        { "/improve config reminder 2 hours", new ConfigureReminderCommand(Duration.FromHours(2)) },
        { "/improve config reminder 0", new ConfigureReminderCommand(Duration.Zero) },
        { "/improve config reminder 0h", new ConfigureReminderCommand(Duration.Zero) },
        { "/improve config reminder off", new ConfigureReminderCommand(Duration.Zero) },
        { "/improve config reminder OFF", new ConfigureReminderCommand(Duration.Zero) },
        { "/improve digest now", new PostDigestNowCommand() },
        { "/improve Digest NOW", new PostDigestNowCommand() },
    };

    [Theory]
    [MemberData(nameof(GoodIdeas))]
    [MemberData(nameof(GoodLists))]
    [MemberData(nameof(GoodImprove))]
    [MemberData(nameof(GoodAdmin))]
    public void Parse_ValidInput_ReturnsExpectedCommand(string input, object expected)
    {
        var result = CommandParser.Parse(input);

        Assert.True(result.IsCommand, $"Expected a command but got the hint: {result.Hint}");
        Assert.Equal(expected, result.Command);
        AssertListsEqual(expected, result.Command);
    }

    public static TheoryData<string?, string?, object> SeparateCommandAndArguments => new()
    {
        { "/idea", "read more #papers", Idea("read more", ["papers"]) },
        { "idea", "read more", Idea("read more", []) },
        { "/IDEAS", "mine", new ListIdeasCommand(IdeaScope.Mine, null, null) },
        { "/improve", "pause 2w", new PauseForCommand(14) },
        { "improve", null, new HelpCommand(null) },
        { " /improve ", "  status  42   trying ", new SetIdeaStatusCommand(42, IdeaStatus.Trying) },
        { "/improve pause", "until 2026-09-01", new PauseUntilCommand(new LocalDate(2026, 9, 1)) },
    };

    [Theory]
    [MemberData(nameof(SeparateCommandAndArguments))]
    public void Parse_CommandAndArgumentsSeparately_ReturnsExpectedCommand(string? command, string? arguments, object expected)
    {
        var result = CommandParser.Parse(command, arguments);

        Assert.True(result.IsCommand, $"Expected a command but got the hint: {result.Hint}");
        Assert.Equal(expected, result.Command);
        AssertListsEqual(expected, result.Command);
    }

    public static TheoryData<string?, string> BadInputs => new()
    {
        // Nothing to parse.
        { null, "`/improve help`" },
        { "", "Type a command" },
        { "   \t\n ", "Type a command" },
        { "\0", "Type a command" },

        // /idea
        { "/idea", "What's your idea?" },
        { "/idea    ", "What's your idea?" },
        { "/idea --private", "What's your idea?" },
        { "/idea #reading #papers", "I only see tags" },
        { "/idea " + new string('a', 2001), "at most 2,000 characters; yours has 2,001" },
        { $"/idea eleven tags {TenTags} #t11", "at most 10 tags; I counted 11" },
        { "/idea x #" + new string('a', 33), "Tags can be at most 32 characters" },
        { "/idea share notes --private --anon", "`--private` and `--anon` contradict" },
        { "/idea share notes --team --private", "contradict" },
        { "/idea share notes --privat", "Did you mean `--private`?" },
        { "/idea share notes --public", "I don't know the option `--public`" },

        // /ideas
        { "/ideas #reading #papers", "one tag at a time" },
        { "/ideas --mine", "`/ideas` has no option `--mine`" },
        { "/ideas " + string.Join(' ', Enumerable.Repeat("word", 50)), "Search text can be at most 200 characters" },

        // /improve status, vote
        { "/improve status", "`new`, `trying`, `adopted` or `dropped`" },
        { "/improve status 42", "What's the new status of idea #42?" },
        { "/improve status abc trying", "`abc` isn't an idea number" },
        { "/improve status 0 new", "`0` isn't an idea number" },
        { "/improve status -5 new", "`-5` isn't an idea number" },
        { "/improve status 42 done", "`done` isn't a status. A status is `new`, `trying`, `adopted` or `dropped`" },
        { "/improve status 42 adpoted", "Did you mean `adopted`?" },
        { "/improve status 42 trying now", "more than an idea number and a status" },
        { "/improve vote", "Which idea?" },
        { "/improve vote x", "`x` isn't an idea number" },
        { "/improve vote 1 2", "One idea at a time" },

        // /improve pause
        { "/improve pause", "`/improve pause 2w` or `/improve pause until 2026-09-01`" },
        { "/improve pause 0w", "1 day to 52 weeks" },
        { "/improve pause 0d", "1 day to 52 weeks" },
        { "/improve pause 53w", "1 day to 52 weeks" },
        { "/improve pause 365d", "1 day to 52 weeks" },
        { "/improve pause 14", "14 what? Add `d` for days or `w` for weeks" },
        { "/improve pause 2y", "`/improve pause until 2026-09-01`" },
        { "/improve pause 2w now", "`/improve pause 2w`" },
        { "/improve pause 99999999999999w", "`/improve pause 2w`" },
        { "/improve pause until 2026-13-01", "`2026-13-01` isn't a date I can read" },
        { "/improve pause until 2026-02-30", "isn't a date I can read" },
        { "/improve pause until tomorrow", "YYYY-MM-DD" },
        { "/improve pause until", "`/improve pause until 2026-09-01`" },

        // /improve resume, optout, optin, stats, reflect take no arguments
        { "/improve resume now", "`/improve resume` doesn't take anything after it" },
        { "/improve reflect now", "`/improve reflect` doesn't take anything after it" },
        { "/improve optout please", "`/improve optout`" },
        { "/improve optin again", "`/improve optin`" },
        { "/improve stats mine", "`/improve stats`" },

        // /improve tz
        { "/improve tz", "Which time zone?" },
        { "/improve tz Mars/Olympus_Mons", "I don't know the time zone `Mars/Olympus_Mons`" },
        { "/improve tz Europe/Berln", "Did you mean `Europe/Berlin`?" },
        { "/improve tz berlin", "Did you mean `Europe/Berlin`?" },
        { "/improve tz +02:00", "`Europe/Berlin`, `America/New_York`" },

        // /improve forget-me
        { "/improve forget-me please", "`/improve forget-me confirm`" },
        { "/improve forget-me yes", "`/improve forget-me confirm`" },
        { "/improve forget-me confirm now", "`/improve forget-me confirm`" },
        { "/improve forget-me keep-voted keep-voted", "`/improve forget-me keep-voted`" },
        { "/improve forget-me keep", "`/improve forget-me keep-voted`" },
        { "/improve export everything", "/improve export" },

        // Unknown or misspelt subcommands
        { "/improve stauts 42 new", "Did you mean `/improve status`?" },
        { "/improve pasue 2w", "Did you mean `/improve pause`?" },
        { "/improve forgetme", "Did you mean `/improve forget-me`?" },
        { "/improve idea read more", "Did you mean `/idea`?" },
        { "/improve frobnicate", "I don't know `/improve frobnicate`. Try `/improve help`" },
        { "/improve x", "Try `/improve help`" },

        // Admin: config, digest
        { "/improve config", "`schedule`, `channel`, `questions` and `reminder`" },
        { "/improve config colour blue", "I can't configure `colour`" },
        { "/improve config shedule Fri 16:00", "Did you mean `/improve config schedule`?" },
        { "/improve config schedule", "`/improve config schedule Fri 16:00 Europe/Berlin`" },
        { "/improve config schedule Fri", "weekday and a 24-hour time" },
        { "/improve config schedule Fry 16:00", "`Fry` isn't a weekday" },
        { "/improve config schedule t 16:00", "`t` isn't a weekday" },
        { "/improve config schedule Fri 25:00", "`25:00` isn't a time" },
        { "/improve config schedule Fri 4pm", "`4pm` isn't a time" },
        { "/improve config schedule Fri 16:00 Europe/Berln", "Did you mean `Europe/Berlin`?" },
        { "/improve config channel", "Which channel?" },
        { "/improve config channel #general", "`#general` isn't a channel I can use" },
        { "/improve config channel C01 C02", "isn't a channel I can use" },
        { "/improve config channel <@U0123>", "isn't a channel I can use" },
        { "/improve config channel <#>", "isn't a channel I can use" },
        { "/improve config questions", "Which questions should the reflection ask?" },
        { "/improve config questions | |", "Which questions should the reflection ask?" },
        { "/improve config questions a | b | c | d | e | f", "at most 5 questions; I counted 6" },
        { "/improve config questions ok? | " + new string('q', 301), "Question 2 has 301 characters; the limit is 300" },
        { "/improve config reminder", "How long after the prompt" },
        { "/improve config reminder 14m", "out of range" },
        { "/improve config reminder 7d", "out of range" },
        { "/improve config reminder 145h", "out of range" },
        { "/improve config reminder 999999999d", "out of range" },
        { "/improve config reminder 4", "4 what? Add `m`, `h` or `d`" },
        { "/improve config reminder 4y", "`y` isn't a unit I know" },
        { "/improve config reminder soon", "`soon` isn't a delay I can read" },
        { "/improve digest", "`/improve digest now`" },
        { "/improve digest later", "`/improve digest now`" },

        // Unknown commands
        { "/foo", "I don't know the command `/foo`" },
        { "/foo bar", "`/improve help`" },
        { "/idae read more", "Did you mean `/idea`?" },
        { "/improv pause 2w", "Did you mean `/improve`?" },
        { "/", "I don't know the command" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Parse_MalformedInput_ReturnsHintWithExample(string? input, string expectedInHint)
    {
        var result = CommandParser.Parse(input);

        Assert.False(result.IsCommand, $"Expected a hint but got {result.Command}");
        Assert.Contains(expectedInHint, result.Hint);
        Assert.Matches("`[^`]+`", result.Hint); // every hint shows something to copy
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "pause 2w")]
    [InlineData("   ", "")]
    public void Parse_MissingCommandName_ReturnsHint(string? command, string? arguments)
    {
        var result = CommandParser.Parse(command, arguments);

        Assert.False(result.IsCommand);
        Assert.Contains("Type a command", result.Hint);
    }

    [Fact]
    public void Parse_TagOnlyIdea_ReturnsHint()
    {
        var result = CommandParser.Parse("/idea #reading");

        Assert.False(result.IsCommand);
        Assert.Contains("`/idea read with a question first #reading`", result.Hint);
    }

    [Fact]
    public void Parse_IdeaOfExactlyMaxLength_IsAcceptedButOneMoreIsNot()
    {
        var atLimit = CommandParser.Parse("/idea", new string('x', CommandParser.MaxIdeaLength));
        var overLimit = CommandParser.Parse("/idea", new string('x', CommandParser.MaxIdeaLength + 1));

        Assert.Equal(CommandParser.MaxIdeaLength, Assert.IsType<LogIdeaCommand>(atLimit.Command).Text.Length);
        Assert.Contains("2,000", overLimit.Hint);
        Assert.Contains("2,001", overLimit.Hint);
    }

    [Fact]
    public void Parse_IdeaLengthIsMeasuredAfterTagsAndSpacesAreRemoved()
    {
        var padded = new string('x', CommandParser.MaxIdeaLength) + "      #reading   --private";

        var command = Assert.IsType<LogIdeaCommand>(CommandParser.Parse("/idea", padded).Command);

        Assert.Equal(CommandParser.MaxIdeaLength, command.Text.Length);
    }

    [Fact]
    public void Parse_SameIdeaTwice_GivesEqualCommandsWithEqualTagLists()
    {
        var first = CommandParser.Parse("/idea try #a #b").Command;
        var second = CommandParser.Parse("/idea try #a #b").Command;

        Assert.Equal(first, second);
        Assert.Equal(first!.GetHashCode(), second!.GetHashCode());
        Assert.NotEqual(first, CommandParser.Parse("/idea try #b #a").Command); // tag order is kept
        Assert.True(((LogIdeaCommand)first).Tags.SequenceEqual(["a", "b"]));
    }

    [Fact]
    public void Parse_HugeInput_ReturnsHintWithoutThrowing()
    {
        var huge = "/idea " + string.Concat(Enumerable.Repeat("lorem ipsum ", 200_000));

        var result = CommandParser.Parse(huge);

        Assert.Contains("at most 2,000 characters", result.Hint);
    }

    [Theory]
    [InlineData("/improve config schedule Fri 16:00", true)]
    [InlineData("/improve config channel C1", true)]
    [InlineData("/improve config questions a | b", true)]
    [InlineData("/improve config reminder 4h", true)]
    [InlineData("/improve digest now", true)]
    [InlineData("/improve pause 2w", false)]
    [InlineData("/improve status 1 new", false)]
    [InlineData("/idea something", false)]
    public void Parse_ConfigAndDigestCommands_AreMarkedAdmin(string input, bool isAdmin)
    {
        var command = CommandParser.Parse(input).Command;

        Assert.NotNull(command);
        Assert.Equal(isAdmin, command is IAdminCommand);
    }

    [Fact]
    public void CommandHelp_Overview_MentionsEverySubcommandAndConfigKey()
    {
        foreach (var subcommand in ImproveCommandParser.Subcommands)
            Assert.Contains("/improve " + subcommand, CommandHelp.Overview);
        foreach (var key in ConfigCommandParser.ConfigKeys)
            Assert.Contains("/improve config " + key, CommandHelp.Overview);
        Assert.Contains("`/idea ", CommandHelp.Overview);
        Assert.Contains("`/ideas ", CommandHelp.Overview);
        Assert.Contains("For admins:", CommandHelp.Overview);
    }

    [Fact]
    public void CommandHelp_ForTopic_ShowsMatchingLinesOrFallsBackToOverview()
    {
        var pause = CommandHelp.For("pause");

        Assert.Contains("/improve pause until", pause);
        Assert.Contains("/improve resume", pause);
        Assert.DoesNotContain("/improve vote", pause);
        Assert.Equal(CommandHelp.Overview, CommandHelp.For("no-such-topic"));
        Assert.Equal(CommandHelp.Overview, CommandHelp.For(null));
    }

    /// <summary>
    /// Property: whatever arrives (control characters, lone surrogates, emoji, megabytes of nothing),
    /// the parser answers with a command or a non-empty hint that shows an example, and never throws.
    /// </summary>
    [Fact]
    public void Parse_RandomInput_NeverThrowsAndAlwaysAnswers()
    {
        var random = new Random(20_240_601);
        string[] prefixes =
        [
            "", "/", "/idea ", "/ideas ", "/improve ", "/improve status ", "/improve vote ", "/improve pause ",
            "/improve pause until ", "/improve tz ", "/improve forget-me ", "/improve help ", "/improve config ",
            "/improve config schedule ", "/improve config schedule Fri ", "/improve config channel ",
            "/improve config questions ", "/improve config reminder ", "/improve digest ",
        ];

        for (var i = 0; i < 2000; i++)
        {
            var input = prefixes[random.Next(prefixes.Length)] + RandomText(random, random.Next(0, 80));
            var split = random.Next(0, input.Length + 1);

            AssertAnswers(input, CommandParser.Parse(input));
            AssertAnswers(input, CommandParser.Parse(input[..split], input[split..]));
        }
    }

    private static void AssertAnswers(string input, ParseResult result)
    {
        if (result.IsCommand)
        {
            Assert.Null(result.Hint);
            return;
        }
        Assert.False(string.IsNullOrWhiteSpace(result.Hint), $"Empty hint for {Escape(input)}");
        Assert.True(result.Hint.Contains('`'), $"Hint without an example for {Escape(input)}: {result.Hint}");
    }

    /// <summary>Mostly plausible pieces (numbers, tags, flags, separators) mixed with hostile characters.</summary>
    private static string RandomText(Random random, int pieces)
    {
        string[] fragments =
        [
            " ", "  ", "\t", "\n", "\0", "#", "#tag", "--", "--private", "--anon", "|", "<#", ">", "<#C1|x>", "`",
            "2w", "0", "42", "#42", "16:00", "25:00", "2026-13-01", "Europe/Berlin", "europe/berln", "new", "mine",
            "confirm", "now", "\u200B", "\u202E", "\uFEFF", "\u2014anon", "😀", "👩‍🔬", "ü", "ß", "чтение", "中文",
            "\u0301", "C#", "-", ":", "/",
        ];

        var text = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    text.Append(fragments[random.Next(fragments.Length)]);
                    break;
                case 1:
                    // Any UTF-16 code unit, including lone surrogates and noncharacters.
                    text.Append((char)random.Next(0, 0x10000));
                    break;
                case 2:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
                default:
                    text.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)));
                    break;
            }
        }
        return text.ToString();
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));

    private static void AssertListsEqual(object expected, BotCommand? actual)
    {
        // The records compare their lists element by element; say so explicitly as well, so a failure
        // points at the list.
        switch (expected, actual)
        {
            case (LogIdeaCommand e, LogIdeaCommand a):
                Assert.True(e.Tags.SequenceEqual(a.Tags), $"Tags [{string.Join(", ", a.Tags)}]");
                break;
            case (ConfigureQuestionsCommand e, ConfigureQuestionsCommand a):
                Assert.True(e.Questions.SequenceEqual(a.Questions), $"Questions [{string.Join(" | ", a.Questions)}]");
                break;
        }
    }

    private static LogIdeaCommand Idea(string text, string[] tags, IdeaVisibility? visibility = null) =>
        new(text, tags, visibility);

    private static ConfigureQuestionsCommand Questions(params string[] questions) => new(questions);
}
