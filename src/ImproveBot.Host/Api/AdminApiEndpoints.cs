using System.Security.Cryptography;
using System.Text;
using ImproveBot.Core.Ideas;
using ImproveBot.Host.Configuration;
using Microsoft.Extensions.Options;

namespace ImproveBot.Host.Api;

/// <summary>The admin HTTP API: <c>GET /api/ideas</c>, behind <c>Authorization: Bearer &lt;Api:AdminToken&gt;</c>.</summary>
internal static partial class AdminApiEndpoints
{
    public sealed record IdeaJson(long Id, long TeamId, string Text, IReadOnlyList<string> Tags, string Source, string Visibility,
        string Status, string? Author, int Votes, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            if (!options.Enabled) return Results.NotFound();
            if (!IsAuthorized(context.HttpContext.Request.Headers.Authorization.ToString(), options.AdminToken!))
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ImproveBot.Api");
                LogUnauthorized(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                return Results.Json(new { error = "Missing or wrong bearer token." }, statusCode: StatusCodes.Status401Unauthorized);
            }
            return await next(context);
        });
        api.MapGet("/ideas", ListIdeasAsync);
        return app;
    }

    private static async Task<IResult> ListIdeasAsync(string? tag, string? status, string? source, string? author, int? limit,
        IIdeaStore ideas, CancellationToken ct)
    {
        IdeaStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<IdeaStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
                return Results.BadRequest(new { error = "status must be one of new, trying, adopted, dropped." });
            statusFilter = s;
        }
        IdeaSource? sourceFilter = null;
        if (!string.IsNullOrEmpty(source))
        {
            sourceFilter = source.ToLowerInvariant() switch
            {
                "in-flow" or "inflow" => IdeaSource.InFlow,
                "reflection" => IdeaSource.Reflection,
                _ => null,
            };
            if (sourceFilter is null) return Results.BadRequest(new { error = "source must be in-flow or reflection." });
        }
        if (limit is < 1 or > 1000) return Results.BadRequest(new { error = "limit must be between 1 and 1000." });

        var query = new IdeaQuery(TeamId: null, ViewerId: null, Tag: tag, Status: statusFilter, Source: sourceFilter, Limit: limit ?? 200, AuthorName: author);
        var found = await ideas.SearchAsync(query, ct);
        var rows = found.Select(i => new IdeaJson(i.Id, i.TeamId, i.Text, i.Tags, i.Source == IdeaSource.InFlow ? "in-flow" : "reflection",
                i.Visibility.ToString().ToLowerInvariant(), i.Status.ToString().ToLowerInvariant(), i.PublicAuthor, i.Votes, i.CreatedAt));
        return Results.Ok(rows.ToList());
    }

    // Hashing both sides first makes the comparison constant-time regardless of the lengths.
    internal static bool IsAuthorized(string? header, string token)
    {
        const string prefix = "Bearer ";
        if (string.IsNullOrEmpty(header) || !header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    [LoggerMessage(Level = LogLevel.Warning, EventName = "ApiUnauthorized", Message = "Refused an admin API request without a valid token from {Remote}")]
    private static partial void LogUnauthorized(ILogger logger, string remote);
}
