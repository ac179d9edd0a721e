using System.Diagnostics.CodeAnalysis;

namespace ImproveBot.Core.Commands;

/// <summary>
/// Either a command the bot understood or a friendly hint to show the member instead. Exactly one of
/// <see cref="Command"/> and <see cref="Hint"/> is set, and a hint is never empty.
/// </summary>
internal sealed record ParseResult
{
    private ParseResult(BotCommand? command, string? hint)
    {
        Command = command;
        Hint = hint;
    }

    public BotCommand? Command { get; }

    /// <summary>Short text for the member, with an example of correct usage in backticks.</summary>
    public string? Hint { get; }

    [MemberNotNullWhen(true, nameof(Command))]
    [MemberNotNullWhen(false, nameof(Hint))]
    public bool IsCommand => Command is not null;

    public static ParseResult Success(BotCommand command) =>
        new(command ?? throw new ArgumentNullException(nameof(command)), null);

    public static ParseResult Failure(string hint) =>
        new(null, string.IsNullOrWhiteSpace(hint) ? throw new ArgumentException("A hint needs text.", nameof(hint)) : hint);

    public static implicit operator ParseResult(BotCommand command) => Success(command);
}
