namespace ImproveBot.Host.Operations;

/// <summary>The <c>healthcheck</c> verb: exit 0 when the bot on this machine answers <c>/healthz</c>.</summary>
internal static class HealthCheckVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        // The bot may listen on every interface (0.0.0.0 in a container); it is asked on loopback.
        var url = HostSetup.ListenUrls(configuration).Split(';')[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace("+", "127.0.0.1", StringComparison.Ordinal).Replace("*", "127.0.0.1", StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(url.TrimEnd('/') + "/"), "healthz"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {url} did not answer: {ex.Message}");
            return 1;
        }
    }
}
