namespace ImproveBot.Testing.FakeDiscord;

/// <summary>
/// The REST routes the fake serves, named as Discord documents them (method and template). Fault injection, bucket sizes
/// and <see cref="FakeDiscordServer.CallCount"/> take these names.
/// </summary>
public static class FakeDiscordRoutes
{
    public const string CreateDm = "POST /users/@me/channels";
    public const string CreateMessage = "POST /channels/{channel_id}/messages";
    public const string PutGlobalCommands = "PUT /applications/{application_id}/commands";
    public const string GetGlobalCommands = "GET /applications/{application_id}/commands";
    public const string PutGuildCommands = "PUT /applications/{application_id}/guilds/{guild_id}/commands";
    public const string GetGuildCommands = "GET /applications/{application_id}/guilds/{guild_id}/commands";
    public const string EditOriginal = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original";
    public const string GatewayBot = "GET /gateway/bot";
    public const string Guild = "GET /guilds/{guild_id}";

    /// <summary>A request matched to its route: the major parameter keys its bucket; the values are the path's ids.</summary>
    internal sealed record Match(string Route, string Major, bool UsesBotToken, IReadOnlyList<string> Values);

    /// <summary>The route of a request, or null when the fake does not serve it (a test then fails loudly with a 404).</summary>
    internal static Match? Find(string method, string path)
    {
        var s = path.Split('/');
        return (method, s) switch
        {
            ("POST", ["users", "@me", "channels"]) => new(CreateDm, "", true, []),
            ("POST", ["channels", var channel, "messages"]) => new(CreateMessage, channel, true, [channel]),
            ("PUT", ["applications", var app, "commands"]) => new(PutGlobalCommands, "", true, [app]),
            ("GET", ["applications", var app, "commands"]) => new(GetGlobalCommands, "", true, [app]),
            ("PUT", ["applications", var app, "guilds", var guild, "commands"]) => new(PutGuildCommands, guild, true, [app, guild]),
            ("GET", ["applications", var app, "guilds", var guild, "commands"]) => new(GetGuildCommands, guild, true, [app, guild]),
            ("PATCH", ["webhooks", var app, var token, "messages", "@original"]) =>
                new(EditOriginal, $"{app}/{token}", false, [app, Uri.UnescapeDataString(token)]),
            ("GET", ["gateway", "bot"]) => new(GatewayBot, "", true, []),
            ("GET", ["guilds", var guild]) => new(Guild, guild, true, [guild]),
            _ => null,
        };
    }
}
