using System.Text.Json.Nodes;

namespace ImproveBot.Slack.Rendering;

/// <summary>One <c>chat.postMessage</c>: blocks, and the fallback <paramref name="Text"/> Slack shows in notifications.</summary>
/// <param name="Text">Fallback text, already escaped like the blocks.</param>
/// <param name="Blocks">At most 50 blocks.</param>
internal sealed record SlackMessage(string Text, JsonArray Blocks);

/// <summary>
/// Lays blocks out over as many messages as the 50-block limit needs. Each message stands on its own: it starts with
/// its own top block (a header, or a "(continued)" line) and the closing blocks (hints, buttons) stay together at the end.
/// </summary>
internal static class SlackPager
{
    /// <param name="body">The content blocks, in order.</param>
    /// <param name="closing">Blocks that belong at the very end and together (e.g. a hint and its buttons).</param>
    /// <param name="top">The first block of page <c>i</c>, or null for none; called once per page (a node has one parent).</param>
    /// <param name="fallback">The fallback text of page <c>i</c>.</param>
    public static IReadOnlyList<SlackMessage> Paginate(
        IReadOnlyList<JsonObject> body,
        IReadOnlyList<JsonObject> closing,
        Func<int, JsonObject?> top,
        Func<int, string> fallback)
    {
        var pages = new List<List<JsonObject>>();
        var tops = new List<JsonObject?>();
        List<JsonObject> NewPage()
        {
            var page = new List<JsonObject>();
            tops.Add(top(pages.Count));
            pages.Add(page);
            return page;
        }
        int Capacity(int index) => BlockKitLimits.BlocksPerMessage - (tops[index] is null ? 0 : 1);

        var current = NewPage();
        foreach (var block in body)
        {
            // A divider only separates content: never the first or last thing on a page.
            if (IsDivider(block) && current.Count == 0) continue;
            if (current.Count >= Capacity(pages.Count - 1))
            {
                TrimTrailingDividers(current);
                current = NewPage();
                if (IsDivider(block)) continue;
            }
            current.Add(block);
        }
        TrimTrailingDividers(current);

        if (closing.Count > 0)
        {
            if (current.Count + closing.Count > Capacity(pages.Count - 1)) current = NewPage();
            foreach (var block in closing)
            {
                if (current.Count >= Capacity(pages.Count - 1)) current = NewPage();
                current.Add(block);
            }
        }

        var messages = new List<SlackMessage>(pages.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            var blocks = new JsonArray();
            if (tops[i] is { } first) blocks.Add(first);
            foreach (var block in pages[i]) blocks.Add(block);
            messages.Add(new SlackMessage(SlackText.Truncate(fallback(i), BlockKitLimits.Text), blocks));
        }
        return messages;
    }

    private static bool IsDivider(JsonObject block) => block["type"]?.GetValue<string>() == "divider";

    private static void TrimTrailingDividers(List<JsonObject> page)
    {
        while (page.Count > 0 && IsDivider(page[^1])) page.RemoveAt(page.Count - 1);
    }
}
