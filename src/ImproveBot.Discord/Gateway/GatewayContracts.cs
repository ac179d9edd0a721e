namespace ImproveBot.Discord.Gateway;

/// <summary>Where the Gateway client gets its connection URL from: <c>GET /gateway/bot</c> over REST.</summary>
internal interface IGatewayUrlSource
{
    Task<Uri> GetGatewayUrlAsync(CancellationToken cancellationToken);
}

/// <summary>Receives the plain direct messages people send the bot (MESSAGE_CREATE in a DM, not from a bot).</summary>
internal interface IDiscordDirectMessageHandler
{
    Task HandleAsync(DiscordDirectMessage message, CancellationToken cancellationToken);
}

/// <summary>A direct message as the Gateway delivered it.</summary>
internal sealed record DiscordDirectMessage(string MessageId, string ChannelId, string AuthorId, string Content);

/// <summary>What the Gateway client identifies with: the bot token and the intents bit set.</summary>
internal sealed record GatewayIdentity(string BotToken, int Intents);
