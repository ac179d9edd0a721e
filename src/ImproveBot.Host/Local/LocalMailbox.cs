using System.Collections.Concurrent;
using ImproveBot.Core.Messaging;

namespace ImproveBot.Host.Local;

/// <summary>A message as the playground shows it: rendered text and the buttons a user may press.</summary>
internal sealed record LocalMessage(long Id, string Kind, string Text, IReadOnlyList<ChatAction> Actions, DateTimeOffset At);

/// <summary>
/// The playground's inboxes and team channel, in memory: the playground is for trying the bot, and the
/// outbox (which is persisted) already guarantees each message arrives once.
/// </summary>
internal sealed class LocalMailbox(LocalOptions options)
{
    private readonly ConcurrentDictionary<string, List<LocalMessage>> _boxes = new(StringComparer.Ordinal);
    private long _nextId;

    public void Deliver(string mailbox, string kind, string text, IReadOnlyList<ChatAction> actions, DateTimeOffset at)
    {
        var message = new LocalMessage(Interlocked.Increment(ref _nextId), kind, text, actions, at);
        var box = _boxes.GetOrAdd(mailbox, _ => []);
        lock (box)
        {
            box.Add(message);
            if (box.Count > options.MaxMessagesPerMailbox) box.RemoveRange(0, box.Count - options.MaxMessagesPerMailbox);
        }
    }

    public IReadOnlyList<LocalMessage> Read(string mailbox)
    {
        if (!_boxes.TryGetValue(mailbox, out var box)) return [];
        lock (box) return box.ToList();
    }

    public static string Inbox(string user) => "dm:" + user;

    public static string Channel(string channel) => "channel:" + channel;
}
