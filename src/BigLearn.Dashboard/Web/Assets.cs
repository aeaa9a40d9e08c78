using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace BigLearn.Dashboard.Web;

/// <summary>The page's files, embedded in this assembly (wwwroot/): nothing is fetched from elsewhere, at build or at run time.</summary>
internal static class Assets
{
    private const string Prefix = "wwwroot/";

    private static readonly FrozenDictionary<string, byte[]> Files = typeof(Assets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .ToFrozenDictionary(n => n[Prefix.Length..].Replace('\\', '/'), Read, StringComparer.Ordinal);

    /// <summary>The names of the embedded files (paths under wwwroot/).</summary>
    public static IReadOnlyCollection<string> Names => Files.Keys;

    public static IResult Result(string path) => Files.TryGetValue(path, out var bytes)
        ? Results.Bytes(bytes, ContentType(path))
        : Endpoints.Error(StatusCodes.Status404NotFound, $"{path}: no such file");

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "text/plain; charset=utf-8",
    };

    private static byte[] Read(string name)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
