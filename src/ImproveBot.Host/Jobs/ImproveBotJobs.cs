using ImproveBot.Core.Digest;
using ImproveBot.Core.Prompts;
using Quartz;

namespace ImproveBot.Host.Jobs;

// Thin Quartz jobs: each resolves one core service (per-execution scope) and calls it. The logic,
// including catch-up after downtime and "never twice", lives in the services and is tested without Quartz.

/// <summary>Queues weekly prompts that have fallen due, in each member's own zone.</summary>
[DisallowConcurrentExecution]
internal sealed class PromptJob(WeeklyPromptService prompts) : IJob
{
    public static readonly JobKey Key = new("prompt", "improvebot");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await prompts.PromptDueMembersAsync(cancellationToken);
}

/// <summary>Queues the one reminder to members who have not answered after the team's delay, and the "time is up" nudges.</summary>
[DisallowConcurrentExecution]
internal sealed class ReminderJob(ReminderService reminders) : IJob
{
    public static readonly JobKey Key = new("reminder", "improvebot");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await reminders.RemindDueMembersAsync(cancellationToken) + await reminders.NudgeTimeUpAsync(cancellationToken);
}

/// <summary>Queues the digest of every round whose reflection window has closed.</summary>
[DisallowConcurrentExecution]
internal sealed class DigestJob(DigestService digests) : IJob
{
    public static readonly JobKey Key = new("digest", "improvebot");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await digests.PostDueDigestsAsync(cancellationToken);
}

/// <summary>Asks authors whether they tried their ideas, when the follow-up is due and they are at work.</summary>
[DisallowConcurrentExecution]
internal sealed class FollowUpJob(ImproveBot.Core.FollowUps.FollowUpService followUps) : IJob
{
    public static readonly JobKey Key = new("followup", "improvebot");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await followUps.SendDueAsync(cancellationToken);
}

/// <summary>Forgets the records of handled deliveries once no platform can retry them.</summary>
[DisallowConcurrentExecution]
internal sealed class HousekeepingJob(ImproveBot.Core.Storage.InboundLogPruner pruner) : IJob
{
    public static readonly JobKey Key = new("housekeeping", "improvebot");

    /// <summary>Hourly: the table grows by one row per interaction, so a daily run would delete large chunks at once.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await pruner.PruneAsync(cancellationToken);
}
