using System.Text.Json.Nodes;

namespace ImproveBot.Discord.Commands;

/// <summary>Application command option types (protocol reference §2).</summary>
internal enum OptionType
{
    SubCommand = 1,
    SubCommandGroup = 2,
    String = 3,
    Integer = 4,
    Boolean = 5,
    Channel = 7,
}

/// <summary>A slash command as the bot registers it.</summary>
internal sealed record CommandSpec(string Name, string Description, IReadOnlyList<OptionSpec> Options);

/// <summary>
/// An option of a slash command, and how its value is written back into the one-line grammar the core parses.
/// </summary>
/// <param name="Words">For a subcommand: the words it stands for in the grammar (default: its name).</param>
/// <param name="Format">For a value: how it reads in the grammar (default: as given); null or empty to leave it out.</param>
internal sealed record OptionSpec(
    string Name,
    string Description,
    OptionType Type,
    bool Required = false,
    IReadOnlyList<string>? Choices = null,
    int? MaxLength = null,
    IReadOnlyList<OptionSpec>? Options = null,
    string? Words = null,
    Func<string, string?>? Format = null);

/// <summary>
/// <c>/idea</c>, <c>/ideas</c> and <c>/improve</c> for Discord: the same commands as every other platform, with Discord
/// options in place of free text. The core's grammar stays the one parser: <see cref="DiscordCommandLine"/> writes the
/// options back into the line a person would have typed, and <c>BotFrontDoor.HandleCommandAsync</c> takes it from there.
/// One definition serves registration and that rebuild, so they cannot drift apart.
/// </summary>
internal static class DiscordCommands
{
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("idea", "Log an improvement idea (only you see the answer)",
        [
            new("text", "The idea, e.g. read with a question first", OptionType.String, Required: true, MaxLength: 2000),
            new("tags", "Tags, e.g. reading focus (with or without #)", OptionType.String, MaxLength: 400, Format: Tags),
            new("visibility", "Who sees it (default: the team's setting)", OptionType.String, Choices: ["team", "anon", "private"],
                Format: v => "--" + v),
        ]),
        new("ideas", "List and search ideas",
        [
            new("scope", "Whose ideas (default: the team's)", OptionType.String, Choices: ["team", "mine"]),
            new("tag", "Only ideas with this tag", OptionType.String, MaxLength: 33, Format: v => "#" + v.Trim().TrimStart('#')),
            new("search", "Words to look for", OptionType.String, MaxLength: 200),
        ]),
        new("improve", "Reflect, update ideas, pause, settings",
        [
            new("reflect", "Start a 20-minute reflection now", OptionType.SubCommand),
            new("status", "Move your idea along", OptionType.SubCommand, Options:
            [
                new("id", "The idea's number", OptionType.Integer, Required: true),
                new("status", "Its new status", OptionType.String, Required: true, Choices: ["new", "trying", "adopted", "dropped"]),
            ]),
            new("vote", "+1 someone else's idea", OptionType.SubCommand, Options:
            [
                new("id", "The idea's number", OptionType.Integer, Required: true),
            ]),
            new("pause", "No prompts for a while", OptionType.SubCommand, Options:
            [
                new("for", "2w, 10d or until YYYY-MM-DD", OptionType.String, Required: true, MaxLength: 40),
            ]),
            new("resume", "End a pause early", OptionType.SubCommand),
            new("optout", "Stop taking part", OptionType.SubCommand),
            new("optin", "Take part again", OptionType.SubCommand),
            new("stats", "Your own experiment: ideas per source, per hour, tried and adopted", OptionType.SubCommand),
            new("tz", "Your time zone, e.g. Europe/Berlin", OptionType.SubCommand, Options:
            [
                new("zone", "An IANA time zone, e.g. Europe/Berlin", OptionType.String, Required: true, MaxLength: 64),
            ]),
            new("forget-me", "Delete everything stored about you", OptionType.SubCommand, Options:
            [
                new("confirm", "True to delete now; without it you see what would go", OptionType.Boolean,
                    Format: v => v == "true" ? "confirm" : null),
                new("keep-voted", "True to delete now but keep ideas others voted on, without your name", OptionType.Boolean,
                    Format: v => v == "true" ? "keep-voted" : null),
            ]),
            new("export", "Get everything stored about you, as JSON in your DMs", OptionType.SubCommand),
            new("help", "What the bot can do", OptionType.SubCommand, Options:
            [
                new("topic", "A command or topic, e.g. pause", OptionType.String, MaxLength: 40),
            ]),
            new("config", "Team settings (admins)", OptionType.SubCommandGroup, Options:
            [
                new("schedule", "When the weekly prompt goes out", OptionType.SubCommand, Options:
                [
                    new("day", "Day of the week", OptionType.String, Required: true, Choices: Days),
                    new("time", "Time of day, e.g. 15:00", OptionType.String, Required: true, MaxLength: 5),
                    new("zone", "The team's time zone, e.g. Europe/Berlin", OptionType.String, MaxLength: 64),
                ]),
                new("channel", "Where the digest is posted", OptionType.SubCommand, Options:
                [
                    new("channel", "The digest channel", OptionType.Channel, Required: true),
                ]),
                new("questions", "The reflection questions (1 to 5)", OptionType.SubCommand, Options:
                [
                    new("questions", "Separated by | e.g. What helped? | What slowed you down?", OptionType.String, Required: true, MaxLength: 1600),
                ]),
                new("reminder", "Nudge people who haven't reflected", OptionType.SubCommand, Options:
                [
                    new("after", "4h, 90m, 1d or off", OptionType.String, Required: true, MaxLength: 20),
                ]),
            ]),
            new("digest", "Post the digest now (admins)", OptionType.SubCommand, Words: "digest now"),
        ]),
    ];

    /// <summary>
    /// The body of a bulk overwrite (<c>PUT …/commands</c>). Global commands say where they work (<c>contexts</c>: servers
    /// and the bot's DM; private channels are for user-installed apps, which this is not) and that they come with the
    /// server install; guild commands only exist in their server, so they leave that out.
    /// </summary>
    public static JsonArray Registration(bool global)
    {
        var commands = new JsonArray();
        foreach (var command in All)
        {
            var json = new JsonObject
            {
                ["name"] = command.Name,
                ["type"] = 1,
                ["description"] = command.Description,
                ["options"] = Options(command.Options),
            };
            if (global)
            {
                json["contexts"] = new JsonArray(0, 1);
                json["integration_types"] = new JsonArray(0);
            }
            commands.Add(json);
        }
        return commands;
    }

    private static JsonArray Options(IReadOnlyList<OptionSpec> options)
    {
        var array = new JsonArray();
        foreach (var option in options)
        {
            var json = new JsonObject
            {
                ["type"] = (int)option.Type,
                ["name"] = option.Name,
                ["description"] = option.Description,
            };
            if (option.Type is OptionType.SubCommand or OptionType.SubCommandGroup)
            {
                if (option.Options is { Count: > 0 } nested) json["options"] = Options(nested);
            }
            else
            {
                json["required"] = option.Required;
                if (option.Choices is { Count: > 0 } choices)
                    json["choices"] = new JsonArray(choices.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["value"] = c }).ToArray());
                if (option.MaxLength is { } max) json["max_length"] = max;
                if (option.Type == OptionType.Integer) json["min_value"] = 1;
                // Text channels (0) and announcement channels (5): where a digest can be posted.
                if (option.Type == OptionType.Channel) json["channel_types"] = new JsonArray(0, 5);
            }
            array.Add(json);
        }
        return array;
    }

    /// <summary>"reading, #focus writing" → "#reading #focus #writing".</summary>
    private static string? Tags(string value)
    {
        var tags = value.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.TrimStart('#'))
            .Where(t => t.Length > 0)
            .Select(t => "#" + t);
        var text = string.Join(' ', tags);
        return text.Length == 0 ? null : text;
    }
}
