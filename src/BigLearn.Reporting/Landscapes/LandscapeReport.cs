using System.Globalization;
using System.Text;
using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Landscapes;

/// <summary>
/// Writes <c>report.md</c> for a landscape study: the settings, the two summed landscapes as images, the minima of the
/// joint and the sums with a few generated sentences, and every view's KL at the paper's check points.
/// </summary>
public static class LandscapeReport
{
    /// <summary>The check points of the paper's §3.3 (docs/science.md): a global optimum, a false optimum, and the centre.</summary>
    public static IReadOnlyList<(double Mu1, double Mu2)> CheckPoints { get; } = [(-1, 1), (-1, -1), (0, 0)];

    /// <summary>Writes the report to <paramref name="path"/>; <paramref name="plotsFolder"/> is relative to it.</summary>
    /// <param name="result">The computed landscapes.</param>
    /// <param name="path">Where report.md goes.</param>
    /// <param name="experiment">The experiment's name, for the title.</param>
    /// <param name="plotsFolder">The heatmaps' folder relative to the report (e.g. <c>plots</c>).</param>
    /// <param name="notes">Extra settings lines (device, threads, config file), shown as given.</param>
    public static void Write(LandscapeResult result, string path, string experiment, string plotsFolder, IReadOnlyList<string>? notes = null) =>
        File.WriteAllText(path, Render(result, experiment, plotsFolder, notes), new UTF8Encoding(false));

    /// <summary>The report as Markdown text.</summary>
    public static string Render(LandscapeResult result, string experiment, string plotsFolder, IReadOnlyList<string>? notes = null)
    {
        var spec = result.Spec;
        var summary = LandscapeSummary.Of(result);
        var md = new StringBuilder();
        md.AppendLine($"# {experiment}: 2-GMM loss landscapes (§3.3)").AppendLine();
        md.AppendLine("Monte-Carlo reverse KL between the model ½N((μ1,0), 0.1·I) + ½N((μ2,0), 0.1·I) and the target ")
          .AppendLine("½N((−1,0), 0.1·I) + ½N((1,0), 0.1·I), over a grid of (μ1, μ2), for the joint, the rotated 1-D marginals ")
          .AppendLine("y1 and the rotated conditionals y1 | y2. The global optima are (−1, 1) and (1, −1).").AppendLine();

        md.AppendLine("## Settings").AppendLine();
        md.AppendLine($"- grid: μ1, μ2 ∈ [{N(spec.GridMin)}, {N(spec.GridMax)}], {spec.GridPoints} points per axis");
        md.AppendLine($"- model samples per grid point: {spec.Samples}, seed {spec.Seed} (common random numbers)");
        md.AppendLine($"- marginal angles (°): {string.Join(", ", spec.MarginalAnglesDeg.Select(Plain))}");
        md.AppendLine($"- conditional angles (°): {string.Join(", ", spec.ConditionalAnglesDeg.Select(Plain))}, {spec.ConditionalValues} values of y2 each");
        foreach (var note in notes ?? []) md.AppendLine($"- {note}");
        md.AppendLine();

        md.AppendLine("## Findings").AppendLine();
        foreach (var sentence in summary.Sentences) md.AppendLine(sentence);
        md.AppendLine();
        foreach (var view in new[] { LandscapeViews.Joint, LandscapeViews.MarginalSum, LandscapeViews.ConditionalSum })
            if (LandscapeSurfaces.Find(result, view) is { } surface)
                md.AppendLine($"![{LandscapeSurfaces.Label(surface)}]({plotsFolder}/{LandscapeSurfaces.FileStem(surface)}.png)").AppendLine();

        md.AppendLine("## Grid-local minima").AppendLine();
        md.AppendLine("| view | μ1 | μ2 | KL |").AppendLine("|---|---|---|---|");
        foreach (var view in summary.Views)
        {
            if (view.Minima.Count == 0) md.AppendLine($"| {view.View} | – | – | none |");
            foreach (var m in view.Minima) md.AppendLine($"| {view.View} | {N(m.Mu1, 2)} | {N(m.Mu2, 2)} | {N(m.Kl, 4)} |");
        }
        md.AppendLine();

        AppendCheckPoints(md, result);
        md.AppendLine("Every view is in `landscape.csv` (view, angle_deg, y2, mu1, mu2, kl) and drawn in `" + plotsFolder + "/`.");
        return md.ToString();
    }

    private static void AppendCheckPoints(StringBuilder md, LandscapeResult result)
    {
        var axis = result.Axis;
        var step = axis.Length > 1 ? (axis[^1] - axis[0]) / (axis.Length - 1) : 1;
        var indices = CheckPoints.Select(p => (I: LandscapeSurfaces.NearestIndex(axis, p.Mu1), J: LandscapeSurfaces.NearestIndex(axis, p.Mu2))).ToArray();
        var onGrid = CheckPoints.Zip(indices).All(x => Math.Abs(axis[x.Second.I] - x.First.Mu1) <= 1e-6 * step
                                                     && Math.Abs(axis[x.Second.J] - x.First.Mu2) <= 1e-6 * step);
        md.AppendLine("## KL at the check points").AppendLine();
        md.AppendLine(onGrid
            ? "The check points of the paper's §3.3 lie on the grid; the exact values there are 0 at (−1, 1) for every angle, and 0.691, 0.684, 0.659, 0.550, 0 at (−1, −1) for the marginals at 0°, 30°, 45°, 60°, 90° (exact quadrature; the paper prints 0.685 at 30°)."
            : "The check points are not grid points for this grid; the table shows the nearest grid points (an odd number of points, e.g. 101 on [−2, 2], puts them on the grid).");
        md.AppendLine();
        var headers = indices.Select(x => $"KL at ({N(axis[x.I], 2)}, {N(axis[x.J], 2)})");
        md.AppendLine($"| view | {string.Join(" | ", headers)} |");
        md.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---|", indices.Length))}");
        foreach (var surface in LandscapeSurfaces.All(result))
            md.AppendLine($"| {LandscapeSurfaces.Label(surface)} | {string.Join(" | ", indices.Select(x => N(surface.Kl[x.I, x.J], 4)))} |");
        md.AppendLine();
    }

    private static string N(double x) => Plain(x);

    private static string Plain(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    private static string N(double x, int decimals) => x.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
