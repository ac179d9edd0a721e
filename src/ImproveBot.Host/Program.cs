using ImproveBot.Data;
using ImproveBot.Discord.Commands;
using ImproveBot.Host;
using ImproveBot.Host.Operations;

// Verbs: none runs the bot; `migrate` applies database migrations and exits;
// `healthcheck` asks a running bot's /healthz (for container health checks, which have no curl);
// `register-commands [--guild <id>]` bulk-overwrites the Discord slash commands (globally, or in one server) and exits;
// `copy-data` copies everything into another, empty database (SQLite to PostgreSQL).
switch (args)
{
    case [RegisterCommandsVerb.Name, ..]:
    {
        var (_, hostArgs, error) = RegisterCommandsVerb.ParseArgs(args[1..]);
        if (error is not null)
        {
            Console.Error.WriteLine($"{RegisterCommandsVerb.Name}: {error}");
            return 2;
        }
        await using var app = HostSetup.Build(hostArgs);
        return await RegisterCommandsVerb.RunAsync(app.Services, args[1..], Console.Out, CancellationToken.None);
    }
    case ["migrate", ..]:
    {
        await using var app = HostSetup.Build(args[1..]);
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return 0;
    }
    case ["healthcheck", ..]:
        return await HealthCheckVerb.RunAsync(args[1..]);
    case ["copy-data", ..]:
        return await CopyDataVerb.RunAsync(args[1..]);
    default:
    {
        await using var app = HostSetup.Build(args);
        await app.RunAsync();
        return 0;
    }
}
