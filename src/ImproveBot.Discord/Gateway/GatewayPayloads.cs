using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImproveBot.Discord.Gateway;

// The Gateway's wire format (protocol reference §5), reduced to what the client reads and sends. Unknown fields
// are ignored, so Discord adding fields never breaks parsing; a missing field is null and is checked where used.

/// <summary>Gateway opcodes the client knows.</summary>
internal enum GatewayOpcode
{
    Dispatch = 0,
    Heartbeat = 1,
    Identify = 2,
    Resume = 6,
    Reconnect = 7,
    InvalidSession = 9,
    Hello = 10,
    HeartbeatAck = 11,
}

/// <summary>Intent bits (protocol reference §5).</summary>
internal static class GatewayIntents
{
    public const int Guilds = 1 << 0;
    public const int GuildMembers = 1 << 1;
    public const int GuildPresences = 1 << 8;
    public const int GuildMessages = 1 << 9;
    public const int DirectMessages = 1 << 12;
    public const int DirectMessageReactions = 1 << 13;
    public const int MessageContent = 1 << 15;

    /// <summary>Intents that must be switched on in the Developer Portal, or the Gateway closes with 4014.</summary>
    public const int Privileged = GuildMembers | GuildPresences | MessageContent;
}

/// <summary>What a Gateway close code asks the client to do next.</summary>
internal enum GatewayCloseAction
{
    /// <summary>Reconnect to <c>resume_gateway_url</c> and RESUME the session.</summary>
    Resume,

    /// <summary>The session is gone: reconnect to the Gateway URL and IDENTIFY afresh.</summary>
    Identify,

    /// <summary>Reconnecting cannot help (bad token, intents, shard or version): stop.</summary>
    Stop,
}

/// <summary>Gateway close codes and what each one means for the client.</summary>
internal static class GatewayCloseCodes
{
    public const int NormalClosure = 1000;
    public const int GoingAway = 1001;
    public const int UnknownError = 4000;
    public const int UnknownOpcode = 4001;
    public const int DecodeError = 4002;
    public const int NotAuthenticated = 4003;
    public const int AuthenticationFailed = 4004;
    public const int AlreadyAuthenticated = 4005;
    public const int InvalidSequence = 4007;
    public const int RateLimited = 4008;
    public const int SessionTimedOut = 4009;
    public const int InvalidShard = 4010;
    public const int ShardingRequired = 4011;
    public const int InvalidApiVersion = 4012;
    public const int InvalidIntents = 4013;
    public const int DisallowedIntents = 4014;

    /// <summary>
    /// What the client closes with when it means to resume: any code but 1000/1001 keeps the session alive on
    /// Discord's side (1000/1001 invalidate it). 4000 is in the range RFC 6455 leaves to applications.
    /// </summary>
    public const int ClientReconnecting = 4000;

    /// <summary>
    /// What to do after the server closed with <paramref name="code"/>. A close without a code (a dropped TCP
    /// connection) resumes, as the Gateway documentation says; so do the codes it lists as reconnectable.
    /// </summary>
    public static GatewayCloseAction ActionFor(int? code) => code switch
    {
        AuthenticationFailed or InvalidShard or ShardingRequired or InvalidApiVersion or InvalidIntents or DisallowedIntents => GatewayCloseAction.Stop,
        // 4007/4009 end the session; a server-sent 1000 is a normal closure, which invalidates it as well.
        InvalidSequence or SessionTimedOut or NormalClosure => GatewayCloseAction.Identify,
        _ => GatewayCloseAction.Resume,
    };

    /// <summary>A short explanation for the log, so an operator knows what to fix.</summary>
    public static string Describe(int? code) => code switch
    {
        null => "connection dropped without a close frame",
        NormalClosure => "normal closure",
        GoingAway => "going away",
        UnknownError => "unknown error",
        UnknownOpcode => "unknown opcode",
        DecodeError => "decode error",
        NotAuthenticated => "not authenticated",
        AuthenticationFailed => "authentication failed: the bot token (Discord:BotToken) is wrong or was reset",
        AlreadyAuthenticated => "already authenticated",
        InvalidSequence => "invalid sequence when resuming",
        RateLimited => "rate limited: too many Gateway events sent",
        SessionTimedOut => "session timed out",
        InvalidShard => "invalid shard",
        ShardingRequired => "sharding required: the bot is in too many guilds for one connection",
        InvalidApiVersion => "invalid API version",
        InvalidIntents => "invalid intents",
        DisallowedIntents => "disallowed intents: a privileged intent is not enabled for the app in the Developer Portal",
        _ => "unrecognised close code",
    };
}

/// <summary>Any frame the Gateway sends: <c>{op, d, s, t}</c>; <c>s</c> and <c>t</c> are set only on dispatches.</summary>
internal sealed class GatewayPayload
{
    public int Op { get; init; }
    public JsonElement D { get; init; }
    public long? S { get; init; }
    public string? T { get; init; }
}

/// <summary>A frame the client sends: <c>{op, d}</c>.</summary>
internal sealed class GatewayCommand<T>
{
    public required int Op { get; init; }

    /// <summary>Written even when null: a first heartbeat says <c>"d": null</c>.</summary>
    public required T D { get; init; }
}

internal sealed class HelloData
{
    /// <summary>Milliseconds between heartbeats.</summary>
    public int HeartbeatInterval { get; init; }
}

// IDENTIFY and RESUME carry the token: plain classes rather than records, so no generated ToString ever prints it.
internal sealed class IdentifyData
{
    public required string Token { get; init; }
    public required int Intents { get; init; }
    public required IdentifyProperties Properties { get; init; }
}

internal sealed class IdentifyProperties
{
    public required string Os { get; init; }
    public required string Browser { get; init; }
    public required string Device { get; init; }
}

internal sealed class ResumeData
{
    public required string Token { get; init; }
    public required string SessionId { get; init; }
    public required long Seq { get; init; }
}

internal sealed class ReadyData
{
    public string? SessionId { get; init; }
    public string? ResumeGatewayUrl { get; init; }
    public GatewayUser? User { get; init; }
}

internal sealed class GatewayUser
{
    public string? Id { get; init; }
    public bool? Bot { get; init; }
}

/// <summary>MESSAGE_CREATE, reduced to what decides whether it is a plain DM and what the handler needs.</summary>
internal sealed class MessageCreateData
{
    public string? Id { get; init; }
    public string? ChannelId { get; init; }

    /// <summary>Absent in DMs.</summary>
    public string? GuildId { get; init; }

    public GatewayUser? Author { get; init; }
    public string? Content { get; init; }

    /// <summary>Message type: 0 DEFAULT and 19 REPLY are what a person types; the rest are system messages.</summary>
    public int? Type { get; init; }

    /// <summary>Set on messages sent through a webhook, which no person in the DM wrote.</summary>
    public string? WebhookId { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(GatewayPayload))]
[JsonSerializable(typeof(GatewayCommand<IdentifyData>))]
[JsonSerializable(typeof(GatewayCommand<ResumeData>))]
[JsonSerializable(typeof(GatewayCommand<long?>))]
[JsonSerializable(typeof(HelloData))]
[JsonSerializable(typeof(ReadyData))]
[JsonSerializable(typeof(MessageCreateData))]
internal sealed partial class GatewayJson : JsonSerializerContext;
