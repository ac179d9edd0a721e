using ImproveBot.Discord.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImproveBot.Discord.Commands;

/// <summary>
/// Registers <c>/idea</c>, <c>/ideas</c> and <c>/improve</c> with one bulk overwrite: globally (available everywhere,
/// including the bot's DM, after Discord propagates them) or in one server (instant; handy while trying the bot out).
/// Run at deploy time through the host's <c>register-commands</c> verb, not on every start: creates count against a
/// daily limit (protocol §2).
/// </summary>
internal sealed partial class DiscordCommandRegistrar(IDiscordApi discord, ILogger<DiscordCommandRegistrar> logger)
{
    public async Task<IReadOnlyList<DiscordRegisteredCommand>> RegisterAsync(string? guildId, CancellationToken ct)
    {
        if (guildId is not null && !DiscordRoutes.IsSnowflake(guildId))
            throw new ArgumentException("A guild id is the server's numeric id.", nameof(guildId));
        var registered = await discord.BulkOverwriteCommandsAsync(guildId, DiscordCommands.Registration(global: guildId is null), ct);
        LogRegistered(logger, registered.Count, guildId ?? "global");
        return registered;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} Discord commands ({Scope})")]
    private static partial void LogRegistered(ILogger logger, int count, string scope);
}

/// <summary>The host's <c>register-commands [--guild &lt;id&gt;]</c> verb.</summary>
internal static class RegisterCommandsVerb
{
    public const string Name = "register-commands";

    /// <summary>Takes <c>--guild &lt;id&gt;</c> (or <c>--guild=&lt;id&gt;</c>) out of the arguments; the rest configure the host.</summary>
    public static (string? GuildId, string[] HostArgs, string? Error) ParseArgs(IReadOnlyList<string> args)
    {
        string? guild = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--guild")
            {
                if (i + 1 >= args.Count) return (null, [], "--guild needs the server's id.");
                guild = args[++i];
            }
            else if (arg.StartsWith("--guild=", StringComparison.Ordinal)) guild = arg["--guild=".Length..];
            else rest.Add(arg);
        }
        if (guild is not null && !DiscordRoutes.IsSnowflake(guild)) return (null, [], $"--guild must be a server id (digits); got \"{guild}\".");
        return (guild, rest.ToArray(), null);
    }

    /// <summary>Registers the commands with the host's services; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var (guild, _, error) = ParseArgs(args);
        if (error is not null)
        {
            await output.WriteLineAsync($"{Name}: {error}");
            return 2;
        }
        if (services.GetService<DiscordCommandRegistrar>() is not { } registrar)
        {
            await output.WriteLineAsync($"{Name}: the Discord adapter is off; set Discord:BotToken, Discord:ApplicationId and Discord:PublicKey.");
            return 2;
        }
        try
        {
            var registered = await registrar.RegisterAsync(guild, ct);
            await output.WriteLineAsync(
                $"Registered {registered.Count} commands ({string.Join(", ", registered.Select(c => "/" + c.Name))}) "
                + (guild is null ? "globally; Discord may take a while to show them everywhere." : $"in server {guild}."));
            return 0;
        }
        catch (Exception ex) when (ex is DiscordApiException or HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{Name}: Discord refused the commands: {ex.Message}");
            return 1;
        }
    }
}
