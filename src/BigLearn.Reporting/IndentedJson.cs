using System.Text;
using System.Text.Json;

namespace BigLearn.Reporting;

/// <summary>The one way the run files' JSON is rendered: indented UTF-8 with a final newline.</summary>
public static class IndentedJson
{
    /// <summary>Runs <paramref name="write"/> on an indented writer and returns the text it wrote.</summary>
    public static string Render(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) write(json);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
