using BigLearn.Reporting.Images;
using ScottPlot;

namespace BigLearn.Reporting.Gan;

/// <summary>
/// Draws an adversarial run as PNGs: every <see cref="ImageFigure"/> (through <see cref="ImageGridWriter"/>) of the outcome (joint samples, completions next to the
/// originals and their masks), the quick-check FID curve and the diversity against the observed ratio beside the data's spread.
/// </summary>
public static class GanPlots
{
    private const int Width = 720;
    private const int Height = 480;

    /// <summary>Writes every plot into <paramref name="folder"/> (created); returns the file names.</summary>
    public static IReadOnlyList<string> WriteAll(GanOutcome outcome, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var grid in outcome.Grids)
        {
            ImageGridWriter.WritePng(Path.Combine(folder, grid.FileName), grid.Pixels, grid.Height, grid.Width,
                new ImageGridOptions { Columns = grid.Columns }, grid.Masks);
            files.Add(grid.FileName);
        }
        var measured = outcome.Curve.Where(p => double.IsFinite(p.ClassifierFid)).ToArray();
        if (measured.Length >= 2)
        {
            var plot = new Plot();
            var fid = plot.Add.Scatter(measured.Select(p => (double)p.Tasks).ToArray(), measured.Select(p => p.ClassifierFid).ToArray());
            fid.LegendText = "classifier FID of joint samples (quick check)";
            plot.Axes.Bottom.Label.Text = "tasks";
            plot.Axes.Left.Label.Text = "classifier FID";
            plot.Axes.SetLimitsY(0, measured.Max(p => p.ClassifierFid) * 1.05);
            plot.ShowLegend();
            plot.SavePng(Path.Combine(folder, "fid.png"), Width, Height);
            files.Add("fid.png");
        }
        if (outcome.Final.Diversity.Count > 0)
        {
            var ratios = outcome.Final.Diversity.Keys.Order().ToArray();
            var plot = new Plot();
            var model = plot.Add.Scatter(ratios, ratios.Select(r => outcome.Final.Diversity[r]).ToArray());
            model.LegendText = "mean distance between 8 completions of one input";
            var spread = plot.Add.HorizontalLine(outcome.Final.DataSpread);
            spread.LegendText = "data spread (two random test images)";
            spread.LinePattern = LinePattern.Dashed;
            plot.Axes.Bottom.Label.Text = "observed ratio |S| / pixels";
            plot.Axes.Left.Label.Text = "L2 distance";
            plot.Axes.SetLimitsY(0, Math.Max(outcome.Final.DataSpread, outcome.Final.Diversity.Values.Where(double.IsFinite).DefaultIfEmpty(0).Max()) * 1.1);
            plot.ShowLegend();
            plot.SavePng(Path.Combine(folder, "diversity.png"), Width, Height);
            files.Add("diversity.png");
        }
        return files;
    }
}
