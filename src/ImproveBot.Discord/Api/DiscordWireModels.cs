using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImproveBot.Discord.Api;

// What Discord answers, reduced to the fields the adapter reads. Unknown fields are ignored, so Discord adding fields
// never breaks parsing; a missing field is null and is checked where it matters. Snowflakes are JSON strings.

internal sealed class DiscordIdDto
{
    public string? Id { get; init; }
}

internal sealed class DiscordCommandDto
{
    public string? Id { get; init; }
    public string? Name { get; init; }
}

internal sealed class DiscordGuildDto
{
    public string? Id { get; init; }
    public string? Name { get; init; }
}

internal sealed class DiscordGatewayBotDto
{
    public string? Url { get; init; }
    public int Shards { get; init; }
    public DiscordSessionStartLimitDto? SessionStartLimit { get; init; }
}

internal sealed class DiscordSessionStartLimitDto
{
    public int Total { get; init; }
    public int Remaining { get; init; }

    /// <summary>Milliseconds.</summary>
    public long ResetAfter { get; init; }

    public int MaxConcurrency { get; init; }
}

/// <summary>Discord's error body: <c>{"code", "message", "errors"?}</c> (protocol §3).</summary>
internal sealed class DiscordErrorDto
{
    public int Code { get; init; }
    public string? Message { get; init; }
    public JsonElement? Errors { get; init; }
}

/// <summary>A 429's body: <c>{"message", "retry_after", "global", "code"?}</c> (protocol §4).</summary>
internal sealed class DiscordRateLimitDto
{
    public string? Message { get; init; }

    /// <summary>Seconds, fractional.</summary>
    public double? RetryAfter { get; init; }

    public bool Global { get; init; }
    public int? Code { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DiscordIdDto))]
[JsonSerializable(typeof(List<DiscordCommandDto>))]
[JsonSerializable(typeof(DiscordGuildDto))]
[JsonSerializable(typeof(DiscordGatewayBotDto))]
[JsonSerializable(typeof(DiscordErrorDto))]
[JsonSerializable(typeof(DiscordRateLimitDto))]
internal sealed partial class DiscordWireJson : JsonSerializerContext;
