using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BigLearn.Dashboard.Web;

/// <summary>The body of <c>POST /api/runs/{id}/share</c>: <c>{"group": NAME, "share": NUMBER}</c>, refused in one line otherwise.</summary>
internal static class ShareRequest
{
    private const string Shape = "{\"group\": NAME, \"share\": NUMBER}";

    public static async Task<(string? Group, double Share, string? Error)> Read(HttpContext http)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 4 }, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, 0, $"body: not JSON (send {Shape})");
        }
        catch (BadHttpRequestException e)
        {
            return (null, 0, $"body: {e.Message} (send {Shape})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("group", out var group) || group.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("share", out var share) || share.ValueKind != JsonValueKind.Number || !share.TryGetDouble(out var value))
                return (null, 0, $"body: {Truncate(root.GetRawText())} is not allowed (send {Shape})");
            return (group.GetString(), value, null);
        }
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
