using ImproveBot.Core.Messaging;
using ImproveBot.Data;
using ImproveBot.Data.Stores;
using Quartz;

namespace ImproveBot.Host.Jobs;

/// <summary>Quartz with its persistent store in the bot's own database, clustered on PostgreSQL; and the outbox pump.</summary>
/// <remarks>
/// <para>
/// On PostgreSQL several instances share the database, and Quartz's clustered job store is the distributed scheduler:
/// every instance runs a scheduler, each trigger fire is acquired by exactly one of them (row locks in Quartz's own
/// tables), <see cref="DisallowConcurrentExecutionAttribute"/> holds across the cluster, and when an instance stops
/// checking in, another recovers its triggers and re-runs the jobs it was running (they request recovery). The jobs
/// are idempotent sweeps, so a re-run after a crash only finishes what the dead instance left.
/// </para>
/// <para>
/// The outbox is different: it should be drained by every instance at once, not by one at a time, so it is not a
/// Quartz job but a per-instance <see cref="OutboxPump"/>. Instances compete for rows through the outbox's claims.
/// </para>
/// </remarks>
internal static class JobsSetup
{
    public static IServiceCollection AddImproveBotJobs(this IServiceCollection services, IConfiguration configuration, DatabaseConnection database)
    {
        var scheduling = configuration.GetSection(Configuration.SchedulingOptions.Section).Get<Configuration.SchedulingOptions>() ?? new Configuration.SchedulingOptions();
        services.AddQuartz(q =>
        {
            // Every instance keeps Quartz's default scheduler name, so they form one cluster; UseClustering generates
            // a distinct instance id per process (AUTO).
            // Quartz keeps wall-clock time even when a test hands the core a fake clock.
            q.UseTimeProvider(TimeProvider.System);
            q.UsePersistentStore(store =>
            {
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(database.ConnectionString);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = scheduling.ClusterCheckinInterval;
                        c.CheckinMisfireThreshold = scheduling.ClusterCheckinMisfireThreshold;
                    });
                }
                else
                {
                    // Its connections wait for the bot's writes inside SQLite, and the bot's for its own (see SqliteBusyWait).
                    store.UseSqlite(SqliteBusyWait.ProviderFactory, database.ConnectionString);
                }
                // Safe when several instances start at once: the loser of the race finds the winner's tables.
                store.ProvisionSchema();
            });

            AddJob<PromptJob>(q, PromptJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<ReminderJob>(q, ReminderJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<DigestJob>(q, DigestJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<FollowUpJob>(q, FollowUpJob.Key, scheduling.Enabled ? scheduling.SweepInterval : null);
            AddJob<HousekeepingJob>(q, HousekeepingJob.Key, scheduling.Enabled ? HousekeepingJob.Interval : null);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        // The configured lease replaces the core's default policy, but not a policy a test registered on purpose.
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(OutboxPolicy))?.ImplementationInstance as OutboxPolicy;
        if (registered is null || registered == new OutboxPolicy()) services.AddSingleton(new OutboxPolicy(Lease: scheduling.OutboxLease));
        if (scheduling.Enabled) services.AddSingleton(new OutboxPumpOptions(scheduling.DispatchInterval));
        services.AddHostedService<OutboxPump>();
        return services;
    }

    private static void AddJob<TJob>(IQuartzBuilder q, JobKey key, TimeSpan? interval) where TJob : IJob
    {
        // RequestRecovery: when the instance running the job dies, the instance that notices re-runs it at once
        // instead of waiting for the next sweep.
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery());
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
