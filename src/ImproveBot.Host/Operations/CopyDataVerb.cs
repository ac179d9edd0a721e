using ImproveBot.Data;
using ImproveBot.Data.Copy;

namespace ImproveBot.Host.Operations;

/// <summary>
/// The <c>copy-data</c> verb: copies the bot's data from the configured database (usually the SQLite file) into
/// another, empty one (usually PostgreSQL), keeping every id. Stop the bot first; point it at the new database after.
/// </summary>
/// <remarks>
/// The target comes from <c>CopyData:ToProvider</c> and <c>CopyData:ToConnection</c>, as any setting: from the
/// environment (<c>CopyData__ToConnection</c>, which keeps the password out of the process list) or the command line.
/// Connection strings are never printed.
/// </remarks>
internal static class CopyDataVerb
{
    public const string Usage =
        "usage: ImproveBot.Host copy-data --CopyData:ToProvider=Postgres [--CopyData:ToConnection=\"Host=…;Database=…;Username=…;Password=…\"]\n" +
        "       (or CopyData__ToConnection in the environment). The source is the configured database (Database:Provider, ConnectionStrings:ImproveBot).";

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = HostSetup.Build(args);
        var configuration = app.Configuration;
        var source = app.Services.GetRequiredService<DatabaseConnection>();
        var toProvider = configuration["CopyData:ToProvider"];
        var toConnection = configuration["CopyData:ToConnection"];
        if (string.IsNullOrWhiteSpace(toConnection) || !Enum.TryParse<DatabaseProvider>(toProvider, ignoreCase: true, out var provider))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var target = new DatabaseConnection(provider, toConnection);
        try
        {
            var copied = await new DatabaseCopier().CopyAsync(source, target, CancellationToken.None);
            Console.WriteLine($"Copied from {source.Provider} to {target.Provider}:");
            foreach (var table in copied) Console.WriteLine($"  {table.Table,-18} {table.Rows,9:N0} rows");
            Console.WriteLine("Now start the bot with Database:Provider and ConnectionStrings:ImproveBot pointing at the new database.");
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"copy-data: {ex.Message}");
            return 1;
        }
    }
}
