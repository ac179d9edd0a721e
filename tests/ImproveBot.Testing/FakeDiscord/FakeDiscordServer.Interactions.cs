using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImproveBot.Testing.FakeDiscord;

// Discord's other side: interactions as Discord builds them (protocol §1), signed with the application's key and posted
// to the bot. Each one gets a fresh id and token; the token then works for the follow-up webhook for 15 minutes.
public sealed partial class FakeDiscordServer
{
    public const string InteractionsPath = "/discord/interactions";

    /// <summary>A slash command (type 2) from a server (<paramref name="guildId"/>) or, with null, from the bot's DM.</summary>
    /// <param name="options">The command's <c>options</c> as Discord sends them (see <see cref="Option"/> and <see cref="SubCommand"/>).</param>
    public JsonObject SlashCommand(FakeDiscordUser user, string? guildId, string name, params JsonObject[] options) =>
        Interaction(2, user, guildId, new JsonObject
        {
            ["id"] = "1800000000000000001",
            ["name"] = name,
            ["type"] = 1,
            ["options"] = new JsonArray(options.Select(o => (JsonNode)o.DeepClone()).ToArray()),
        });

    /// <summary>A button press (type 3, component type 2) on a message with <paramref name="customId"/>.</summary>
    public JsonObject Button(FakeDiscordUser user, string? guildId, string customId) =>
        Interaction(3, user, guildId, new JsonObject { ["component_type"] = 2, ["custom_id"] = customId });

    /// <summary>A modal submission (type 5) in the current shape: a Label (type 18) around each Text Input (type 4).</summary>
    public JsonObject ModalSubmit(FakeDiscordUser user, string? guildId, string customId, IReadOnlyDictionary<string, string> values)
    {
        var components = new JsonArray();
        var n = 0;
        foreach (var (id, value) in values)
        {
            components.Add(new JsonObject
            {
                ["type"] = 18,
                ["id"] = ++n,
                ["component"] = new JsonObject { ["type"] = 4, ["id"] = ++n, ["custom_id"] = id, ["value"] = value },
            });
        }
        return Interaction(5, user, guildId, new JsonObject { ["custom_id"] = customId, ["components"] = components });
    }

    /// <summary>
    /// An interaction token as if Discord had sent an interaction now and the bot had answered it with
    /// <paramref name="answeredWith"/> (5, deferred, by default; null: not answered yet, so @original does not exist).
    /// </summary>
    public string MintInteractionToken(int? answeredWith = 5)
    {
        var interaction = Button(new FakeDiscordUser("1", "nobody"), null, "unused");
        var token = interaction["token"]!.GetValue<string>();
        lock (_gate) _interactions[token].ResponseType = answeredWith;
        return token;
    }

    /// <summary>A value option, e.g. <c>Option("text", 3, "read more")</c>.</summary>
    public static JsonObject Option(string name, int type, JsonNode value) => new() { ["name"] = name, ["type"] = type, ["value"] = value };

    /// <summary>A subcommand (type 1) or group (type 2) with its own options.</summary>
    public static JsonObject SubCommand(string name, params JsonObject[] options) => Group(name, 1, options);

    public static JsonObject SubCommandGroup(string name, params JsonObject[] options) => Group(name, 2, options);

    /// <summary>
    /// Posts <paramref name="interaction"/> to the bot signed as Discord signs it, with the timestamp of
    /// <paramref name="at"/> (the bot's clock, so its replay window is met), and records what the bot answered. A
    /// type 4 or 5 answer creates the message the follow-up webhook then edits.
    /// </summary>
    public async Task<FakeInteractionResponse> SendInteractionAsync(HttpClient bot, JsonObject interaction, DateTimeOffset at, string path = InteractionsPath)
    {
        ArgumentNullException.ThrowIfNull(bot);
        var body = JsonSerializer.SerializeToUtf8Bytes(interaction);
        using var request = Signer.CreateRequest(path, body, at);
        using var response = await bot.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                // Recorded without a body: the test's assertions say what they expected.
            }
        }
        var id = interaction["id"]?.GetValue<string>() ?? "";
        var recorded = new FakeInteractionResponse(id, (int)response.StatusCode, json, Time.GetUtcNow());
        lock (_gate)
        {
            _interactionResponses.Add(recorded);
            if (interaction["token"]?.GetValue<string>() is { } token && _interactions.TryGetValue(token, out var state)
                && recorded.Type is 4 or 5)
                state.ResponseType = recorded.Type;
        }
        return recorded;
    }

    /// <summary>Posts raw bytes with the given headers (or none), for tests of what the bot refuses.</summary>
    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient bot, byte[] body, string? signature, string? timestamp, string path = InteractionsPath)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (signature is not null) request.Headers.Add("X-Signature-Ed25519", signature);
        if (timestamp is not null) request.Headers.Add("X-Signature-Timestamp", timestamp);
        return await bot.SendAsync(request);
    }

    private JsonObject Interaction(int type, FakeDiscordUser user, string? guildId, JsonObject data)
    {
        var id = NextId();
        var token = $"aW50ZXJhY3Rpb246{id}:{Guid.NewGuid():N}";
        lock (_gate) _interactions[token] = new InteractionState(id, Time.GetUtcNow());
        var userJson = new JsonObject
        {
            ["id"] = user.Id,
            ["username"] = user.Username,
            ["global_name"] = user.GlobalName,
            ["discriminator"] = "0",
        };
        var interaction = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = _options.ApplicationId,
            ["type"] = type,
            ["data"] = data,
            ["channel_id"] = guildId is null ? DirectMessageChannels.GetValueOrDefault(user.Id) ?? "1400000000000000000" : "1500000000000000000",
            ["token"] = token,
            ["version"] = 1,
            ["app_permissions"] = "442368",
            ["locale"] = "en-US",
            ["context"] = guildId is null ? 1 : 0,
        };
        if (guildId is null)
        {
            interaction["user"] = userJson;
        }
        else
        {
            interaction["guild_id"] = guildId;
            interaction["guild_locale"] = "en-US";
            interaction["member"] = new JsonObject
            {
                ["user"] = userJson,
                ["nick"] = user.Nick,
                ["roles"] = new JsonArray(),
                ["permissions"] = user.Permissions,
                ["joined_at"] = "2026-01-05T10:00:00.000000+00:00",
                ["deaf"] = false,
                ["mute"] = false,
            };
        }
        return interaction;
    }

    private static JsonObject Group(string name, int type, JsonObject[] options) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["options"] = new JsonArray(options.Select(o => (JsonNode)o.DeepClone()).ToArray()),
    };
}
