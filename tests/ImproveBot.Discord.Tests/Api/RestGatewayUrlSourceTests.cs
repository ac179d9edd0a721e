using ImproveBot.Discord.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Discord.Tests.Api;

/// <summary>The Gateway URL the Gateway client connects to, from <c>GET /gateway/bot</c> (kept here: Gateway/ tests belong to the client).</summary>
public sealed class RestGatewayUrlSourceTests
{
    [Fact]
    public async Task Url_comes_from_rest_with_version_and_encoding_and_is_cached_for_a_while()
    {
        var clock = new FakeTimeProvider(DiscordApiTestKit.Start);
        await using var kit = await DiscordApiTestKit.StartAsync(clock: clock);
        kit.Discord.GatewayUrl = new Uri("ws://127.0.0.1:9/gateway");
        var source = new RestGatewayUrlSource(kit.Api, clock);

        var first = await source.GetGatewayUrlAsync(CancellationToken.None);
        kit.Discord.GatewayUrl = new Uri("ws://127.0.0.1:10/gateway");
        var cached = await source.GetGatewayUrlAsync(CancellationToken.None);
        clock.Advance(RestGatewayUrlSource.CacheFor + TimeSpan.FromSeconds(1));
        var refreshed = await source.GetGatewayUrlAsync(CancellationToken.None);

        Assert.Equal(new Uri("ws://127.0.0.1:9/gateway?v=10&encoding=json"), first);
        Assert.Equal(first, cached);
        Assert.Equal(new Uri("ws://127.0.0.1:10/gateway?v=10&encoding=json"), refreshed);
        Assert.Equal(2, kit.Discord.CallCount(ImproveBot.Testing.FakeDiscord.FakeDiscordRoutes.GatewayBot));
    }

    [Fact]
    public void A_query_discord_might_add_is_replaced_not_doubled()
    {
        Assert.Equal(new Uri("wss://gateway.discord.gg/?v=10&encoding=json"), RestGatewayUrlSource.WithQuery(new Uri("wss://gateway.discord.gg/?v=9")));
    }
}
