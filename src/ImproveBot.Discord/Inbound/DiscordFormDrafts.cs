namespace ImproveBot.Discord.Inbound;

/// <summary>
/// What someone wrote in a reflection form that the core refused (too many ideas, an idea it could not read). A Discord
/// modal closes on any answer and cannot be shown again in reply to its own submission, so the answer offers a button
/// that opens the form again, filled in from here: twenty minutes of writing are not lost to one bad line.
/// </summary>
/// <remarks>In memory, bounded in count and age: a restart loses drafts, which costs a retype, never data the core stored.</remarks>
internal sealed class DiscordFormDrafts(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>At most this many drafts (each at most five fields of 4,000 characters).</summary>
    public const int MaxDrafts = 200;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string User, string Form), (IReadOnlyDictionary<string, string> Values, DateTimeOffset Until)> _drafts = new();

    public void Keep(string userId, string formId, IReadOnlyDictionary<string, string> values)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_drafts.Count >= MaxDrafts && !_drafts.ContainsKey((userId, formId)))
            {
                foreach (var expired in _drafts.Where(d => d.Value.Until <= now).Select(d => d.Key).ToList()) _drafts.Remove(expired);
                if (_drafts.Count >= MaxDrafts) _drafts.Remove(_drafts.MinBy(d => d.Value.Until).Key);
            }
            _drafts[(userId, formId)] = (new Dictionary<string, string>(values, StringComparer.Ordinal), now + Lifetime);
        }
    }

    /// <summary>The draft of that form, or null when there is none (or it is too old).</summary>
    public IReadOnlyDictionary<string, string>? Find(string userId, string formId)
    {
        lock (_gate)
        {
            if (!_drafts.TryGetValue((userId, formId), out var draft)) return null;
            if (draft.Until > time.GetUtcNow()) return draft.Values;
            _drafts.Remove((userId, formId));
            return null;
        }
    }

    public void Forget(string userId, string formId)
    {
        lock (_gate) _drafts.Remove((userId, formId));
    }
}
