using System.Globalization;
using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Landscapes;

/// <summary>
/// Writes every surface of a landscape study as long-format CSV, one row per view and grid point:
/// <c>view,angle_deg,y2,mu1,mu2,kl</c> (invariant culture, round-trip precision; angle and y2 empty where they do not apply).
/// </summary>
public static class LandscapeCsvWriter
{
    /// <summary>The exact header line.</summary>
    public const string Header = "view,angle_deg,y2,mu1,mu2,kl";

    /// <summary>Writes <paramref name="result"/> (sums included, see <see cref="LandscapeSurfaces.All"/>) to <paramref name="path"/>.</summary>
    public static void Write(LandscapeResult result, string path)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Write(result, writer);
    }

    /// <summary>Writes <paramref name="result"/> to <paramref name="writer"/>.</summary>
    public static void Write(LandscapeResult result, TextWriter writer)
    {
        writer.NewLine = "\n";
        writer.WriteLine(Header);
        var axis = result.Axis;
        foreach (var surface in LandscapeSurfaces.All(result))
        {
            var prefix = $"{surface.View},{Number(surface.AngleDeg)},{Number(surface.Y2)},";
            for (var i = 0; i < axis.Length; i++)
            for (var j = 0; j < axis.Length; j++)
                writer.WriteLine($"{prefix}{Number(axis[i])},{Number(axis[j])},{Number(surface.Kl[i, j])}");
        }
    }

    private static string Number(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
