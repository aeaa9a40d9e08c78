using System.Globalization;
using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Landscapes;

/// <summary>Lookups over a <see cref="LandscapeResult"/> shared by the CSV, the heatmaps and the report.</summary>
public static class LandscapeSurfaces
{
    /// <summary>
    /// The surface of a single-surface view (joint, marginal-sum, conditional-sum), or null when absent. A missing sum
    /// is formed from its per-angle views, so reports do not depend on whether the computation emitted the sums.
    /// </summary>
    public static LandscapeSurface? Find(LandscapeResult result, string view)
    {
        var found = result.Surfaces.FirstOrDefault(s => s.View == view);
        if (found is not null) return found;
        var parts = view switch
        {
            LandscapeViews.MarginalSum => result.Surfaces.Where(s => s.View == LandscapeViews.Marginal).ToArray(),
            LandscapeViews.ConditionalSum => result.Surfaces.Where(s => s.View == LandscapeViews.Conditional).ToArray(),
            _ => [],
        };
        return parts.Length == 0 ? null : new LandscapeSurface(view, null, null, Sum(parts));
    }

    /// <summary>The surfaces to draw and tabulate: every stored one, plus sums formed where the result lacks them.</summary>
    public static IReadOnlyList<LandscapeSurface> All(LandscapeResult result)
    {
        var all = result.Surfaces.ToList();
        foreach (var view in new[] { LandscapeViews.MarginalSum, LandscapeViews.ConditionalSum })
            if (all.All(s => s.View != view) && Find(result, view) is { } sum) all.Add(sum);
        return all;
    }

    /// <summary>
    /// The PNG file name of a surface: <c>joint.png</c>, <c>marginal-030.png</c>, <c>conditional-045-y2-0.32.png</c>,
    /// <c>conditional-045-y2-neg0.32.png</c> (y2 &lt; 0), <c>marginal-sum.png</c>, <c>conditional-sum.png</c>.
    /// </summary>
    public static string FileStem(LandscapeSurface surface)
    {
        var stem = surface.View;
        if (surface.AngleDeg is { } angle) stem += "-" + FormatAngle(angle);
        if (surface.Y2 is { } y2) stem += "-y2-" + (y2 < 0 ? "neg" : "") + Math.Abs(y2).ToString("0.00", CultureInfo.InvariantCulture);
        return stem;
    }

    /// <summary>Angles as three-digit degrees (<c>005</c>, <c>030</c>, <c>165</c>), keeping any fraction (<c>007.5</c>).</summary>
    public static string FormatAngle(double angle) => angle.ToString("000.####", CultureInfo.InvariantCulture);

    /// <summary>A human label: "joint", "marginal 30°", "conditional 45°, y2 = −0.32", "marginal sum".</summary>
    public static string Label(LandscapeSurface surface)
    {
        var label = surface.View.Replace('-', ' ');
        if (surface.AngleDeg is { } angle) label += " " + angle.ToString("0.####", CultureInfo.InvariantCulture) + "°";
        if (surface.Y2 is { } y2) label += ", y2 = " + y2.ToString("0.00", CultureInfo.InvariantCulture);
        return label;
    }

    /// <summary>The grid index nearest to <paramref name="value"/>.</summary>
    public static int NearestIndex(IReadOnlyList<double> axis, double value)
    {
        var best = 0;
        for (var i = 1; i < axis.Count; i++)
            if (Math.Abs(axis[i] - value) < Math.Abs(axis[best] - value)) best = i;
        return best;
    }

    private static double[,] Sum(IReadOnlyList<LandscapeSurface> parts)
    {
        var first = parts[0].Kl;
        var sum = new double[first.GetLength(0), first.GetLength(1)];
        foreach (var part in parts)
            for (var i = 0; i < sum.GetLength(0); i++)
            for (var j = 0; j < sum.GetLength(1); j++)
                sum[i, j] += part.Kl[i, j];
        return sum;
    }
}
