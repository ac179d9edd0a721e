using System.Net;
using System.Text.Json;
using ImproveBot.Testing;

namespace ImproveBot.Host.Tests.Security;

/// <summary>
/// Hostile idea text on the local playground: mentions, links, Markdown and HTML render as literal text in what the page
/// shows (Markdown-escaped, sent as JSON with &lt; and &gt; escaped), and the page never turns data into HTML.
/// </summary>
public sealed class PlaygroundInjectionTests : IAsyncLifetime
{
    private const string Hostile =
        "<!channel> <!here> <@U123> @everyone <https://evil.example|click> [click](https://evil.example) `code` ```fence``` <script>alert(1)</script> <img src=x onerror=alert(1)>";

    private BotTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BotTestHost.StartAsync(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostileIdeaText_InTheDigest_IsEscapedExactly_AndTheJsonCarriesNoRawAngleBrackets()
    {
        var saved = await _host.Http.PostAsJsonAsync("/local/command", new { user = "ada", text = "/idea " + Hostile + " #tools" });
        Assert.StartsWith("Saved idea #1", (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync("/local/jobs/digest/run", null)).StatusCode);

        var channel = await _host.Http.GetAsync("/local/channel");
        var raw = await channel.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", channel.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", string.Join(",", channel.Headers.GetValues("X-Content-Type-Options")));
        // Whatever the client does with the JSON, no tag can come out of it as markup by accident.
        Assert.DoesNotContain("<", raw);
        Assert.DoesNotContain(">", raw);

        var digest = JsonDocument.Parse(raw).RootElement.EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "digest")
            .GetProperty("text").GetString()!;
        // Every metacharacter backslash-escaped, the mass mention broken by a zero-width space: the exact line.
        const string expected =
            @"\<\!channel\> \<\!here\> \<@U123\> @" + "\u200B" + @"everyone \<https://evil\.example\|click\> \[click\]\(https://evil\.example\) "
            + @"\`code\` \`\`\`fence\`\`\` \<script\>alert\(1\)\</script\> \<img src=x onerror=alert\(1\)\>";
        Assert.Contains(expected, digest);
        Assert.DoesNotContain("<!channel>", digest);
        Assert.DoesNotContain("[click](", digest);
    }

    [Fact]
    public async Task PlaygroundPage_InsertsDataOnlyAsText_AndIsNotSniffed()
    {
        var response = await _host.Http.GetAsync("/");
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains(".textContent = m.text", page);
        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc" })
            Assert.DoesNotContain(sink, page);
    }
}
