using BigLearn.Core.Landscapes;
using ScottPlot;

namespace BigLearn.Reporting.Landscapes;

/// <summary>
/// Draws landscape surfaces as PNG heatmaps (ScottPlot 5): μ1 across, μ2 up, a colorbar of the reverse KL, the global
/// optima (−1, 1) and (1, −1) ringed in red and, for the joint and the sums, the grid-local minima as magenta crosses.
/// </summary>
public static class LandscapeHeatmaps
{
    /// <summary>The global optima of the §3.3 study.</summary>
    public static IReadOnlyList<(double Mu1, double Mu2)> GlobalOptima { get; } = [(-1, 1), (1, -1)];

    private const int Width = 640;
    private const int Height = 580;

    /// <summary>
    /// Writes one PNG per surface (file names from <see cref="LandscapeSurfaces.FileStem"/>) into
    /// <paramref name="folder"/>, returning the file names in drawing order.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(LandscapeResult result, string folder, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        var surfaces = LandscapeSurfaces.All(result);
        var names = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var surface in surfaces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stem = LandscapeSurfaces.FileStem(surface);
            // Two y2 values closer than the name's two decimals must not overwrite each other.
            var name = stem + ".png";
            for (var k = 2; !used.Add(name); k++) name = $"{stem}-{k}.png";
            Write(surface, result.Axis, Path.Combine(folder, name));
            names.Add(name);
            progress?.Report(names.Count / (double)surfaces.Count);
        }
        return names;
    }

    /// <summary>Writes one surface as a PNG heatmap to <paramref name="path"/>.</summary>
    public static void Write(LandscapeSurface surface, IReadOnlyList<double> axis, string path)
    {
        var n = axis.Count;
        // ScottPlot draws row 0 at the top and column 0 at the left: rows run over μ2 (descending), columns over μ1.
        var intensities = new double[n, n];
        for (var row = 0; row < n; row++)
        for (var col = 0; col < n; col++)
            intensities[row, col] = surface.Kl[col, n - 1 - row];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cells are centred on the grid values, so the image reaches half a step beyond both ends.
        var half = n > 1 ? (axis[n - 1] - axis[0]) / (n - 1) / 2 : 0.5;
        heatmap.Extent = new CoordinateRect(axis[0] - half, axis[n - 1] + half, axis[0] - half, axis[n - 1] + half);

        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "reverse KL";

        if (surface.AngleDeg is null && surface.Y2 is null)
        {
            var minima = LandscapeMinimaFinder.Find(surface.Kl, axis);
            if (minima.Count > 0)
            {
                var crosses = plot.Add.Markers(minima.Select(m => m.Mu1).ToArray(), minima.Select(m => m.Mu2).ToArray(),
                    MarkerShape.Cross, 12, Colors.Magenta);
                crosses.MarkerLineWidth = 2;
                crosses.LegendText = "grid-local minima";
            }
        }
        var optima = plot.Add.Markers(GlobalOptima.Select(o => o.Mu1).ToArray(), GlobalOptima.Select(o => o.Mu2).ToArray(),
            MarkerShape.OpenCircle, 18, Colors.Red);
        optima.MarkerLineWidth = 2;
        optima.LegendText = "global optima (−1, 1), (1, −1)";
        // Below the axes, so the legend never hides part of the landscape.
        plot.ShowLegend(Edge.Bottom);

        plot.Title($"2-GMM reverse KL — {LandscapeSurfaces.Label(surface)}");
        plot.XLabel("μ1");
        plot.YLabel("μ2");
        plot.Axes.SetLimits(axis[0] - half, axis[n - 1] + half, axis[0] - half, axis[n - 1] + half);
        plot.SavePng(path, Width, Height);
    }
}
