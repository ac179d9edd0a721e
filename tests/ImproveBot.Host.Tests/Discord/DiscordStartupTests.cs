using System.Net;
using ImproveBot.Discord.Gateway;
using ImproveBot.Testing;
using ImproveBot.Testing.FakeDiscord;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImproveBot.Host.Tests.Discord;

/// <summary>The Discord adapter's settings at start-up, and what is on when.</summary>
public sealed class DiscordStartupTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Discord:BotToken"] = new FakeDiscordOptions().BotToken,
        ["Discord:ApplicationId"] = "1100000000000000001",
        ["Discord:PublicKey"] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    };

    [Theory]
    [InlineData("Discord:BotToken", "Bot MTEw.GfAkE0.token", "Discord:BotToken")]
    [InlineData("Discord:BotToken", "not-a-token", "Discord:BotToken")]
    [InlineData("Discord:ApplicationId", "my-app", "Discord:ApplicationId")]
    [InlineData("Discord:ApplicationId", "", "Discord:ApplicationId")]
    [InlineData("Discord:PublicKey", "xyz", "Discord:PublicKey")]
    [InlineData("Discord:PublicKey", "", "Discord:PublicKey")]
    [InlineData("Discord:ApiBaseUrl", "https://discord.com/api/v10", "Discord:ApiBaseUrl")]
    [InlineData("Discord:SignatureTolerance", "00:00:01", "Discord:SignatureTolerance")]
    [InlineData("Discord:SignatureTolerance", "2.00:00:00", "Discord:SignatureTolerance")]
    [InlineData("Discord:AdminUserIds:0", "alice", "Discord:AdminUserIds")]
    public async Task BadSetting_StopsStartUp_WithAMessageNamingTheKey(string key, string value, string named)
    {
        var settings = Valid();
        settings[key] = value;
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BotTestHost.StartAsync(Now, settings));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task WithDiscordConfigured_ThePlaygroundIsOff_AndTheInteractionsEndpointIsOn()
    {
        await using var host = await BotTestHost.StartAsync(Now, Valid());

        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/ideas" })).StatusCode);
        // Mapped, and closed to anyone without the application's signature.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.PostAsync("/discord/interactions", new StringContent("{\"type\":1}"))).StatusCode);
        Assert.Null(host.Services.GetService<IGatewayUrlSource>());
    }

    [Fact]
    public async Task WithoutDiscord_TheInteractionsEndpointDoesNotExist()
    {
        await using var host = await BotTestHost.StartAsync(Now);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsync("/discord/interactions", new StringContent("{\"type\":1}"))).StatusCode);
    }

    [Fact]
    public async Task WithTheGateway_WhatTheGatewayClientNeedsIsRegistered()
    {
        var settings = Valid();
        settings["Discord:UseGateway"] = "true";
        await using var host = await BotTestHost.StartAsync(Now, settings);

        var identity = host.Services.GetRequiredService<GatewayIdentity>();
        Assert.Equal(settings["Discord:BotToken"], identity.BotToken);
        Assert.Equal((1 << 12) | (1 << 15), identity.Intents);
        Assert.IsType<RestGatewayUrlSource>(host.Services.GetRequiredService<IGatewayUrlSource>());
        Assert.NotNull(host.Services.GetRequiredService<IDiscordDirectMessageHandler>());
    }
}
