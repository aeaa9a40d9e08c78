using System.Globalization;
using ScottPlot;
using BigLearn.Reporting;

namespace BigLearn.Reporting.Experiments;

/// <summary>
/// Draws a Gaussian-mixture run as PNGs (ScottPlot 5): the model's components as 1σ and 2σ ellipses against the target
/// means at up to <see cref="Snapshots"/> evaluation points (the last is <c>model-final.png</c>), the KL curves and the
/// modes-covered curve. Only 2-D models get the component plots.
/// </summary>
public static class ExperimentPlots
{
    /// <summary>How many evaluation points get a component plot (spread evenly, the first and the last included).</summary>
    public const int Snapshots = 5;

    private const int Width = 640;
    private const int Height = 600;

    /// <summary>Writes the plots into <paramref name="folder"/>; returns the file names in drawing order.</summary>
    public static IReadOnlyList<string> WriteAll(ExperimentOutcome outcome, string folder)
    {
        Directory.CreateDirectory(folder);
        var names = new List<string>();
        var points = outcome.Evaluations;
        if (outcome.Geometry.Dim == 2 && points.Count > 0)
        {
            foreach (var index in SnapshotIndices(points.Count))
            {
                var point = points[index];
                var name = index == points.Count - 1 ? "model-final.png" : $"model-{point.Tasks:D6}.png";
                WriteComponents(outcome, point, Path.Combine(folder, name));
                names.Add(name);
            }
        }
        if (points.Count > 1)
        {
            WriteKl(outcome, Path.Combine(folder, "kl.png"));
            names.Add("kl.png");
            WriteModes(outcome, Path.Combine(folder, "modes.png"));
            names.Add("modes.png");
        }
        return names;
    }

    /// <summary>Indices of the evaluation points that get a component plot: evenly spread, first and last included.</summary>
    public static IReadOnlyList<int> SnapshotIndices(int count)
    {
        if (count <= Snapshots) return Enumerable.Range(0, count).ToArray();
        return Enumerable.Range(0, Snapshots).Select(i => (int)Math.Round(i * (count - 1) / (double)(Snapshots - 1))).Distinct().ToArray();
    }

    /// <summary>The model's means and covariances (2-D) from its parameter vector (means, Cholesky with log diagonal, logits).</summary>
    public static (double[][] Means, double[][,] Covariances) Components(double[] parameters, int components, int dim)
    {
        var means = new double[components][];
        var covariances = new double[components][,];
        int offset = components * dim;
        for (int k = 0; k < components; k++)
        {
            means[k] = parameters.AsSpan(k * dim, dim).ToArray();
            var factor = new double[dim, dim];
            for (int i = 0; i < dim; i++)
            for (int j = 0; j <= i; j++)
            {
                double raw = parameters[offset + (k * dim + i) * dim + j];
                factor[i, j] = i == j ? Math.Exp(raw) : raw;
            }
            var cov = new double[dim, dim];
            for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++)
            for (int m = 0; m < dim; m++)
                cov[i, j] += factor[i, m] * factor[j, m];
            covariances[k] = cov;
        }
        return (means, covariances);
    }

    private static void WriteComponents(ExperimentOutcome outcome, EvaluationPoint point, string path)
    {
        var geometry = outcome.Geometry;
        var (means, covariances) = Components(point.Parameters, geometry.Components, 2);
        var plot = new Plot();
        var sigma = Math.Sqrt(geometry.TargetVariance);
        foreach (var mean in geometry.TargetMeans)
        {
            var (xs, ys) = Ellipse(mean, new[,] { { geometry.TargetVariance, 0 }, { 0, geometry.TargetVariance } }, 3);
            var ring = plot.Add.ScatterLine(xs, ys, Colors.LightGray);
            ring.LineWidth = 1;
        }
        for (int k = 0; k < means.Length; k++)
        {
            foreach (var (scale, width) in new[] { (1.0, 2f), (2.0, 1f) })
            {
                var (xs, ys) = Ellipse(means[k], covariances[k], scale);
                var line = plot.Add.ScatterLine(xs, ys, Colors.SteelBlue);
                line.LineWidth = width;
            }
        }
        var targets = plot.Add.Markers(geometry.TargetMeans.Select(m => m[0]).ToArray(), geometry.TargetMeans.Select(m => m[1]).ToArray(),
            MarkerShape.Cross, 10, Colors.Red);
        targets.MarkerLineWidth = 2;
        targets.LegendText = $"target means (grey: 3σ, σ = {sigma.ToString("0.###", CultureInfo.InvariantCulture)})";
        var centres = plot.Add.Markers(means.Select(m => m[0]).ToArray(), means.Select(m => m[1]).ToArray(), MarkerShape.FilledCircle, 5, Colors.SteelBlue);
        centres.LegendText = "model components (1σ, 2σ ellipses)";
        plot.ShowLegend(Edge.Bottom);
        plot.Title(Invariant($"{outcome.Experiment}: {point.Tasks} tasks — {point.ModesCovered}/{point.ModesTotal} modes, reverse KL {FigureText.ThreeDecimals(point.ReverseKl)}"));
        plot.XLabel("x1");
        plot.YLabel("x2");
        var extent = Math.Max(6, geometry.TargetMeans.Max(m => Math.Max(Math.Abs(m[0]), Math.Abs(m[1]))) + 2);
        plot.Axes.SetLimits(-extent, extent, -extent, extent);
        plot.SavePng(path, Width, Height);
    }

    private static void WriteKl(ExperimentOutcome outcome, string path)
    {
        var points = outcome.Evaluations;
        var tasks = points.Select(p => (double)p.Tasks).ToArray();
        var plot = new Plot();
        var reverse = plot.Add.Scatter(tasks, points.Select(p => p.ReverseKl).ToArray());
        reverse.LegendText = "reverse KL[p‖q]";
        var forward = plot.Add.Scatter(tasks, points.Select(p => p.ForwardKl).ToArray());
        forward.LegendText = "forward KL[q‖p]";
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: KL to the target");
        plot.XLabel("tasks");
        plot.YLabel("KL (nats, Monte Carlo)");
        plot.SavePng(path, Width, 480);
    }

    private static void WriteModes(ExperimentOutcome outcome, string path)
    {
        var points = outcome.Evaluations;
        var tasks = points.Select(p => (double)p.Tasks).ToArray();
        var plot = new Plot();
        var modes = plot.Add.Scatter(tasks, points.Select(p => (double)p.ModesCovered).ToArray());
        modes.LegendText = "modes covered";
        var quality = plot.Add.Scatter(tasks, points.Select(p => p.HighQualityFraction * p.ModesTotal).ToArray());
        quality.LegendText = $"high-quality fraction × {points[0].ModesTotal}";
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: modes covered (of {points[0].ModesTotal})");
        plot.XLabel("tasks");
        plot.YLabel("modes");
        plot.Axes.SetLimitsY(0, points[0].ModesTotal + 1);
        plot.SavePng(path, Width, 480);
    }

    // The curve {μ + scale·L·(cos t, sin t)} with L the Cholesky factor of the 2×2 covariance.
    private static (double[] Xs, double[] Ys) Ellipse(double[] mean, double[,] cov, double scale)
    {
        const int n = 64;
        double l00 = Math.Sqrt(Math.Max(cov[0, 0], 0));
        double l10 = l00 > 0 ? cov[1, 0] / l00 : 0;
        double l11 = Math.Sqrt(Math.Max(cov[1, 1] - l10 * l10, 0));
        var xs = new double[n + 1];
        var ys = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double t = 2 * Math.PI * i / n, c = Math.Cos(t), s = Math.Sin(t);
            xs[i] = mean[0] + scale * l00 * c;
            ys[i] = mean[1] + scale * (l10 * c + l11 * s);
        }
        return (xs, ys);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
