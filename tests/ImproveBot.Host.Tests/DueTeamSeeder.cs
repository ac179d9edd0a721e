using ImproveBot.Core;
using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using ImproveBot.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace ImproveBot.Host.Tests;

/// <summary>
/// Seeds a database before bot processes start on it: migrated, with one team whose weekly prompt fell due a minute
/// ago (UTC, real time), and its members. For the tests that run the bot as a process (cluster, reliability).
/// </summary>
internal static class DueTeamSeeder
{
    public static async Task SeedAsync(string provider, string connectionString, string platform, string tenantId, IReadOnlyList<string> userIds)
    {
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:ImproveBot"] = connectionString,
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new TeamDefaults(IsoDayOfWeekOf(due.DayOfWeek), LocalTime.FromTimeOnly(TimeOnly.FromDateTime(due.UtcDateTime)), "UTC",
                Duration.FromHours(4), Duration.FromDays(3), IdeaVisibility.Team, "C0TEAM"))
            .AddImproveBotCore()
            .AddImproveBotData(configuration)
            .BuildServiceProvider();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        foreach (var userId in userIds)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MemberService>()
                .EnsureAsync(new MemberIdentity(new MemberRef(platform, tenantId, userId), $"member-{userId}"), CancellationToken.None);
        }
    }

    private static IsoDayOfWeek IsoDayOfWeekOf(DayOfWeek day) => day == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)day;
}
