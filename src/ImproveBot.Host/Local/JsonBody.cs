using System.Text.Json;

namespace ImproveBot.Host.Local;

/// <summary>
/// Reads a JSON request body with a clear 4xx for every way it can be wrong (content type, syntax,
/// shape), where model binding would answer a bare 400 and log nothing.
/// </summary>
internal static partial class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, ILogger logger, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
        {
            LogRejected(logger, request.Path, "content type is not application/json");
            return (null, Results.Json(new { error = "Send a JSON body with Content-Type: application/json." },
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        try
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>();
            var value = await request.ReadFromJsonAsync<T>(options.Value.SerializerOptions, ct);
            if (value is not null) return (value, null);
            LogRejected(logger, request.Path, "empty body");
            return (null, Results.BadRequest(new { error = "The request body is empty; send a JSON object." }));
        }
        catch (JsonException ex)
        {
            LogRejected(logger, request.Path, "malformed JSON: " + ex.Message);
            return (null, Results.BadRequest(new { error = $"The body is not valid JSON for this endpoint: {ex.Message}" }));
        }
        catch (BadHttpRequestException ex)
        {
            LogRejected(logger, request.Path, ex.Message);
            return (null, Results.Json(new { error = ex.Message }, statusCode: ex.StatusCode));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request to {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, string reason);
}
