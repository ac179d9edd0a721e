using System.Globalization;
using System.Text.Json;

namespace ImproveBot.Discord.Commands;

/// <summary>
/// Writes an APPLICATION_COMMAND's options back into the line a person would have typed (<c>/improve status 42 trying</c>),
/// so the core's one grammar parses every platform alike. Options are taken in the order the command defines them,
/// whatever order Discord sends them in; unknown options are ignored.
/// </summary>
internal static class DiscordCommandLine
{
    /// <summary>Subcommand groups nest one level (protocol §2); anything deeper is not one of our commands.</summary>
    private const int MaxDepth = 3;

    /// <summary>The command name (<c>idea</c>, …) and the argument text; null when the command is not one of ours.</summary>
    public static (string Command, string Arguments)? Build(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            return null;
        var name = nameElement.GetString()!;
        var spec = DiscordCommands.All.FirstOrDefault(c => c.Name == name);
        if (spec is null) return null;

        var words = new List<string>();
        AddOptions(words, spec.Options, Property(data, "options"), 0);
        return (name, string.Join(' ', words));
    }

    private static void AddOptions(List<string> words, IReadOnlyList<OptionSpec> specs, JsonElement given, int depth)
    {
        if (depth >= MaxDepth || given.ValueKind != JsonValueKind.Array) return;
        var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var option in given.EnumerateArray().Take(25))
        {
            if (Property(option, "name") is { ValueKind: JsonValueKind.String } n && n.GetString() is { } optionName)
                byName.TryAdd(optionName, option);
        }

        foreach (var spec in specs)
        {
            if (!byName.TryGetValue(spec.Name, out var option)) continue;
            if (spec.Type is OptionType.SubCommand or OptionType.SubCommandGroup)
            {
                words.Add(spec.Words ?? spec.Name);
                AddOptions(words, spec.Options ?? [], Property(option, "options"), depth + 1);
                // One subcommand is chosen per invocation; a second one would not be Discord's.
                return;
            }
            if (Value(Property(option, "value")) is not { } value) continue;
            var formatted = spec.Format is null ? value : spec.Format(value);
            if (!string.IsNullOrWhiteSpace(formatted)) words.Add(formatted.Trim());
        }
    }

    /// <summary>A value as text: strings as given, numbers in invariant form, booleans as <c>true</c>/<c>false</c>.</summary>
    private static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;
}
