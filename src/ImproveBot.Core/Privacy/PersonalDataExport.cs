using System.Text.Json;
using System.Text.Json.Serialization;
using ImproveBot.Core.Messaging;
using NodaTime;

namespace ImproveBot.Core.Privacy;

/// <summary>
/// Turns <see cref="PersonalData"/> into the JSON a member gets from <c>/improve export</c>, cut into parts that fit one
/// chat message each on every platform (Discord's 2,000 characters are the tightest; Slack allows 3,000 per block).
/// </summary>
/// <remarks>
/// The export goes to the member's DM through the outbox, like every other message: it works on Slack and Discord over
/// HTTP, Socket Mode and the Gateway alike (no public URL to download from), it is retried on failure, and a restart
/// does not lose it. A file upload would need a platform API per platform for little gain at these sizes.
/// </remarks>
internal static class PersonalDataExport
{
    /// <summary>Characters of JSON per message: Discord's 2,000 less the heading and the code fence.</summary>
    public const int PartLength = 1800;

    // The default encoder escapes < > & ' ` + and non-ASCII: the slices are then inert in Slack mrkdwn and Discord markdown.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(), new LocalDateConverter(), new LocalTimeConverter() },
    };

    public static string ToJson(PersonalData data, DateTimeOffset exportedAt) =>
        JsonSerializer.Serialize(new { exportedAt, data.Member, data.Ideas, data.Votes, data.Reflections, data.Prompts }, Json);

    /// <summary>The document cut into parts of at most <see cref="PartLength"/> characters, at line ends where a line fits.</summary>
    public static IReadOnlyList<string> Split(string json)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in json.Split('\n'))
        {
            var piece = line + "\n";
            if (current.Length + piece.Length > PartLength && current.Length > 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            // A line longer than a part (a long idea, escaped) is cut where it must be; joining restores it.
            while (piece.Length > PartLength)
            {
                parts.Add(piece[..PartLength]);
                piece = piece[PartLength..];
            }
            current.Append(piece);
        }
        if (current.Length > 0) parts.Add(current.ToString().TrimEnd('\n'));
        return parts;
    }

    /// <summary>The outbox messages of one export, keyed by member and moment so each export is sent once.</summary>
    public static IReadOnlyList<OutboundMessage> Messages(Members.Member member, string json, DateTimeOffset now)
    {
        var parts = Split(json);
        return parts.Select((part, i) => new OutboundMessage(
                $"export:{member.Id}:{now.ToUnixTimeMilliseconds()}:{i + 1}",
                Destination.DirectMessage(member.Ref),
                new ExportMessage(i + 1, parts.Count, part)))
            .ToList();
    }

    private sealed class LocalDateConverter : JsonConverter<LocalDate>
    {
        public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            NodaTime.Text.LocalDatePattern.Iso.Parse(reader.GetString()!).Value;

        public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
            writer.WriteStringValue(NodaTime.Text.LocalDatePattern.Iso.Format(value));
    }

    private sealed class LocalTimeConverter : JsonConverter<LocalTime>
    {
        public override LocalTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            NodaTime.Text.LocalTimePattern.ExtendedIso.Parse(reader.GetString()!).Value;

        public override void Write(Utf8JsonWriter writer, LocalTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(NodaTime.Text.LocalTimePattern.GeneralIso.Format(value));
    }
}
