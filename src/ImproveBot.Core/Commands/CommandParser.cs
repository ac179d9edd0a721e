namespace ImproveBot.Core.Commands;

/// <summary>
/// One grammar for every platform: Slack and Discord adapters hand over what the member typed and get a
/// typed <see cref="BotCommand"/> or a hint to show. Never throws, whatever the input.
/// </summary>
/// <remarks>
/// Platform adapters should undo their own escaping first (Slack sends <c>&amp;amp;</c>, <c>&amp;lt;</c>,
/// <c>&amp;gt;</c> for <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>); the parser takes text literally, except for
/// Slack/Discord channel links, which it understands where a channel or tag is expected.
/// </remarks>
internal static class CommandParser
{
    /// <summary>Longest idea text accepted. Kept equal to <c>Idea.MaxTextLength</c>, which enforces it again on save.</summary>
    public const int MaxIdeaLength = 2000;

    /// <summary>Top-level command names without the slash; also the "Did you mean" candidates.</summary>
    public static readonly IReadOnlyList<string> Commands = ["idea", "ideas", "improve"];

    /// <summary>Parses a whole line as typed, e.g. <c>/improve pause 2w</c>. The leading slash is optional.</summary>
    public static ParseResult Parse(string? fullText)
    {
        var words = InputText.Words(fullText);
        return words.Length == 0
            ? ParseResult.Failure(CommandHints.NoCommand())
            : Dispatch(words[0], words[1..]);
    }

    /// <summary>
    /// Parses what slash-command platforms deliver separately: the command name (<c>/idea</c>,
    /// <c>idea</c> and <c>/IDEAS</c> all work) and the argument text.
    /// </summary>
    public static ParseResult Parse(string? command, string? arguments)
    {
        // A name with spaces in it ("/improve pause") is read as the start of the line.
        var commandWords = InputText.Words(command);
        if (commandWords.Length == 0) return ParseResult.Failure(CommandHints.NoCommand());
        return Dispatch(commandWords[0], [.. commandWords[1..], .. InputText.Words(arguments)]);
    }

    private static ParseResult Dispatch(string commandWord, string[] args)
    {
        // Slack sends "/idea", Discord sends "idea"; members type either, in any case.
        var name = commandWord.TrimStart('/').ToLowerInvariant();
        return name switch
        {
            "idea" => IdeaTextParser.ParseLogIdea(args),
            "ideas" => IdeaTextParser.ParseListIdeas(args),
            "improve" => ImproveCommandParser.Parse(args),
            // Not a registered slash command, but "help" typed to the bot can only mean one thing.
            "help" => ImproveCommandParser.Parse(["help", .. args]),
            _ => ParseResult.Failure(CommandHints.UnknownCommand(name, NearMiss.Closest(name, Commands))),
        };
    }
}
