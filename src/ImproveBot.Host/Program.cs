using ImproveBot.Data;
using ImproveBot.Host;

// Verbs: none runs the bot; `migrate` applies database migrations and exits.
if (args is ["migrate", ..])
{
    await using var migrateApp = HostSetup.Build(args[1..]);
    await migrateApp.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
    return 0;
}

await using var app = HostSetup.Build(args);
await app.RunAsync();
return 0;
