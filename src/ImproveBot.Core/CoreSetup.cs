using ImproveBot.Core.Digest;
using ImproveBot.Core.Interactions;
using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Core.Reflections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImproveBot.Core;

/// <summary>Registers the core services. Storage ports and chat platforms are registered by their own projects.</summary>
public static class CoreSetup
{
    public static IServiceCollection AddImproveBotCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Cluster.InstanceIdentity.ForThisProcess());
        services.AddSingleton<Cluster.SingletonLeaseRunner>();
        services.TryAddSingleton(new OutboxPolicy());
        services.AddScoped<MemberService>();
        services.AddSingleton<MemberCache>();
        services.AddScoped<RoundCalendar>();
        services.AddScoped<ReflectionService>();
        services.AddScoped<WeeklyPromptService>();
        services.AddScoped<ReminderService>();
        services.AddScoped<DigestService>();
        services.AddScoped<Storage.InboundLogPruner>();
        services.AddScoped<Experiment.ExperimentHistory>();
        services.AddScoped<OutboxDispatcher>();
        services.AddScoped<FollowUps.FollowUpService>();
        services.TryAddSingleton(FollowUps.FollowUpPolicy.Default);
        services.AddScoped<CommandHandler>();
        services.AddScoped<BotFrontDoor>();
        services.AddTransient(typeof(Deferred<>));
        services.AddSingleton<Ideas.Similarity.TeamIdeaIndex>();
        return services;
    }
}
