using ImproveBot.Core.Members;
using ImproveBot.Core.Messaging;
using ImproveBot.Core.Prompts;
using ImproveBot.Core.Storage;
using ImproveBot.Data;
using ImproveBot.Host.Local;
using ImproveBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImproveBot.Host.Tests;

/// <summary>Short-hands over <see cref="BotTestHost"/> for driving the weekly loop as the scheduler would.</summary>
internal static class HostTestSupport
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A playground member, created as their first command would create them.</summary>
    public static Task<Member> AddMemberAsync(this BotTestHost host, string user, string? timeZone = null) =>
        host.InScopeAsync(async sp =>
        {
            var members = sp.GetRequiredService<MemberService>();
            var identity = new MemberIdentity(new MemberRef(LocalChatPlatform.PlatformName, LocalChatPlatform.TenantId, user), user,
                "Playground", timeZone, IsAdmin: false, DigestChannel: "team");
            return (await members.EnsureAsync(identity, Ct)).Member;
        });

    public static Task ChangeMemberAsync(this BotTestHost host, string user, Action<Member> change) =>
        host.InScopeAsync(async sp =>
        {
            var member = await sp.GetRequiredService<IMemberDirectory>().FindMemberAsync(
                new MemberRef(LocalChatPlatform.PlatformName, LocalChatPlatform.TenantId, user), Ct);
            change(member!);
            await sp.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Ct);
        });

    /// <summary>One tick of the scheduler: the prompt, reminder and digest sweeps, then the outbox.</summary>
    public static Task<(int Prompts, int Reminders, int Digests, int Sent)> TickAsync(this BotTestHost host) =>
        host.InScopeAsync(async sp =>
        {
            var prompts = await sp.GetRequiredService<WeeklyPromptService>().PromptDueMembersAsync(Ct);
            var reminders = await sp.GetRequiredService<ReminderService>().RemindDueMembersAsync(Ct)
                            + await sp.GetRequiredService<ReminderService>().NudgeTimeUpAsync(Ct);
            var digests = await sp.GetRequiredService<Core.Digest.DigestService>().PostDueDigestsAsync(Ct);
            var sent = await sp.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(Ct);
            return (prompts, reminders, digests, sent);
        });

    /// <summary>Who has received a prompt DM, by user id, counted from the durable outbox (survives restarts).</summary>
    public static Task<Dictionary<string, int>> SentPromptsAsync(this BotTestHost host) =>
        host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<ImproveBotDbContext>();
            var rows = await db.Outbox.Where(o => o.Key.StartsWith("prompt:") && o.State == OutboxState.Sent).Select(o => o.Address).ToListAsync();
            return rows.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        });

    public static IReadOnlyList<LocalMessage> Inbox(this BotTestHost host, string user) =>
        host.Services.GetRequiredService<LocalMailbox>().Read(LocalMailbox.Inbox(user));

    public static IReadOnlyList<LocalMessage> Channel(this BotTestHost host) =>
        host.Services.GetRequiredService<LocalMailbox>().Read(LocalMailbox.Channel("team"));
}
