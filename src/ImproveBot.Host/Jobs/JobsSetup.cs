using ImproveBot.Data;
using Quartz;

namespace ImproveBot.Host.Jobs;

/// <summary>Quartz with its persistent store in the bot's own database.</summary>
internal static class JobsSetup
{
    public static IServiceCollection AddImproveBotJobs(this IServiceCollection services, IConfiguration configuration, DatabaseConnection database)
    {
        var scheduling = configuration.GetSection(Configuration.SchedulingOptions.Section).Get<Configuration.SchedulingOptions>() ?? new Configuration.SchedulingOptions();
        services.AddQuartz(q =>
        {
            // Quartz keeps wall-clock time even when a test hands the core a fake clock.
            q.UseTimeProvider(TimeProvider.System);
            q.UsePersistentStore(store =>
            {
                if (database.Provider == DatabaseProvider.Postgres) store.UsePostgres(database.ConnectionString);
                else store.UseSqlite(database.ConnectionString);
                store.ProvisionSchema();
            });

            AddJob<PromptJob>(q, PromptJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<ReminderJob>(q, ReminderJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<DigestJob>(q, DigestJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<FollowUpJob>(q, FollowUpJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<OutboxDispatchJob>(q, OutboxDispatchJob.Key, scheduling.Enabled ? scheduling.DispatchInterval : null);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    private static void AddJob<TJob>(IQuartzBuilder q, JobKey key, TimeSpan? interval) where TJob : IJob
    {
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably());
        if (interval is not { } every) return;
        // Starting at once makes a restarted bot catch up on what fell due while it was down;
        // misfires need no care, because every run looks at the whole state anyway.
        q.AddTrigger(t => t
            .ForJob(key)
            .WithIdentity(key.Name + "-trigger", key.Group)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever()));
    }
}
