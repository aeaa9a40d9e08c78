using System.Globalization;
using ScottPlot;
using BigLearn.Reporting;

namespace BigLearn.Reporting.Experiments;

/// <summary>
/// Draws a Gaussian-mixture run as PNGs (ScottPlot 5), at up to <see cref="Snapshots"/> evaluation points (the last is
/// <c>*-final.png</c>): the model's components as 1σ and 2σ ellipses against the target means (<c>model-*.png</c>) and
/// the density p_θ as a heatmap with its contours against those of q at the same levels (<c>density-*.png</c>); then the
/// KL curves and the modes-covered curve. Only 2-D models get the component and density plots. A samples target (no density)
/// draws its training points instead of target components and the held-out NLL curve instead of the KLs.
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
                var suffix = index == points.Count - 1 ? "final" : $"{point.Tasks:D6}";
                WriteComponents(outcome, point, Path.Combine(folder, $"model-{suffix}.png"));
                names.Add($"model-{suffix}.png");
                WriteDensity(outcome, point, Path.Combine(folder, $"density-{suffix}.png"));
                names.Add($"density-{suffix}.png");
            }
        }
        if (points.Count > 1 && outcome.OnData)
        {
            WriteNll(outcome, Path.Combine(folder, "nll.png"));
            names.Add("nll.png");
        }
        else if (points.Count > 1)
        {
            WriteKl(outcome, Path.Combine(folder, "kl.png"));
            names.Add("kl.png");
        }
        if (points.Count > 1 && outcome.CountsModes)
        {
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

    /// <summary>The model's weights from its parameter vector: softmax of the logits that follow the means and Cholesky factors.</summary>
    public static double[] Weights(double[] parameters, int components, int dim)
    {
        int offset = components * dim + components * dim * dim;
        if (parameters.Length < offset + components) return Enumerable.Repeat(1.0 / components, components).ToArray();
        var logits = parameters.AsSpan(offset, components).ToArray();
        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>Grid points per axis of the density plots.</summary>
    public const int DensityGridPoints = 241;

    /// <summary>
    /// The density levels drawn for both p_θ and q: the density of one target component (with its weight) at Mahalanobis
    /// distance 1, 2 and 3 from its mean, so q's contours are its 1σ, 2σ and 3σ circles and p_θ's coincide with them
    /// where the model fits.
    /// </summary>
    public static double[] DensityLevels(MixtureGeometry geometry)
    {
        double peak = TargetPeak(geometry);
        return new[] { 3.0, 2.0, 1.0 }.Select(r => peak * Math.Exp(-0.5 * r * r)).ToArray();
    }

    // The density of one weighted target component at its mean (the target's peak: its neighbours add ~1e-35 there).
    private static double TargetPeak(MixtureGeometry geometry) => 1.0 / geometry.TargetMeans.Length / (2 * Math.PI * geometry.TargetVariance);

    private static void WriteDensity(ExperimentOutcome outcome, EvaluationPoint point, string path) =>
        DensityPlot(outcome.Experiment, outcome.Geometry, point.Tasks, point.ModesCovered, point.ModesTotal, point.Parameters).SavePng(path, Width + 60, Height);

    /// <summary>
    /// The density plot of a 2-D mixture with parameters <paramref name="parameters"/> after <paramref name="tasks"/> tasks as PNG
    /// bytes: the same figure as <c>density-*.png</c> (for a live display).
    /// </summary>
    public static byte[] DensityPng(string experiment, MixtureGeometry geometry, long tasks, int modesCovered, int modesTotal, double[] parameters) =>
        DensityPlot(experiment, geometry, tasks, modesCovered, modesTotal, parameters).GetImageBytes(Width + 60, Height, ImageFormat.Png);

    private static Plot DensityPlot(string experiment, MixtureGeometry geometry, long tasks, int modesCovered, int modesTotal, double[] parameters)
    {
        var (means, covariances) = Components(parameters, geometry.Components, 2);
        double extent = PlotExtent(geometry);
        var model = MixtureDensityGrid.Evaluate(Weights(parameters, geometry.Components, 2), means, covariances, extent, DensityGridPoints);
        if (geometry.DataPoints is { } data) return DataDensityPlot(experiment, geometry, data, tasks, modesCovered, modesTotal, model, extent);
        var target = MixtureDensityGrid.Evaluate(geometry.TargetWeights ?? Enumerable.Repeat(1.0, geometry.TargetMeans.Length).ToArray(), geometry.TargetMeans,
            Enumerable.Range(0, geometry.TargetMeans.Length).Select(geometry.PlaneCovariance).ToArray(), extent, DensityGridPoints);
        var levels = DensityLevels(geometry);

        // log10 of p_θ, floored four decades below the target's peak so the empty regions read as one colour.
        double floor = Math.Log10(TargetPeak(geometry)) - 4;
        var plot = DensityHeatmap(model, floor, extent);
        AddContours(plot, target, levels, Colors.Cyan, LinePattern.Dashed, "q: 1σ, 2σ, 3σ levels of a target component");
        AddContours(plot, model, levels, Colors.OrangeRed, LinePattern.Solid, "p_θ at the same density levels");
        plot.ShowLegend(Edge.Bottom);
        plot.Title(Invariant($"{experiment}: density after {tasks} tasks — {modesCovered}/{modesTotal} modes"));
        plot.XLabel("x1");
        plot.YLabel("x2");
        plot.Axes.SetLimits(-extent, extent, -extent, extent);
        return plot;
    }

    // log10 p_θ on the grid as a heatmap with its colour bar, floored at `floor` so the empty regions read as one colour.
    private static Plot DensityHeatmap(MixtureDensityGrid model, double floor, double extent)
    {
        int n = DensityGridPoints;
        var intensities = new double[n, n];
        for (int row = 0; row < n; row++)
        for (int col = 0; col < n; col++)
            intensities[row, col] = Math.Max(floor, Math.Log10(model.Density[n - 1 - row, col])); // row 0 is drawn at the top
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double half = extent / (n - 1);
        heatmap.Extent = new CoordinateRect(-extent - half, extent + half, -extent - half, extent + half);
        plot.Add.ColorBar(heatmap).Label = "log10 p_θ(x)";
        return plot;
    }

    // A samples target's density plot: p_θ's heatmap under the training points (no target density exists to draw contours of).
    private static Plot DataDensityPlot(string experiment, MixtureGeometry geometry, double[][] data, long tasks, int modesCovered, int modesTotal,
        MixtureDensityGrid model, double extent)
    {
        double peak = model.Density.Cast<double>().Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double floor = Math.Log10(peak > 0 ? peak : 1) - 4;
        var plot = DensityHeatmap(model, floor, extent);
        AddData(plot, data, Colors.White.WithAlpha(0.5));
        plot.ShowLegend(Edge.Bottom);
        plot.Title(Invariant($"{experiment}: density after {tasks} tasks{(geometry.Labelled ? $" — {modesCovered}/{modesTotal} clusters" : "")}"));
        plot.XLabel("x1");
        plot.YLabel("x2");
        plot.Axes.SetLimits(-extent, extent, -extent, extent);
        return plot;
    }

    private static void AddData(Plot plot, double[][] data, Color color)
    {
        var points = plot.Add.Markers(data.Select(p => p[0]).ToArray(), data.Select(p => p[1]).ToArray(), MarkerShape.FilledCircle, 2, color);
        points.LegendText = "training points";
    }

    private static void AddContours(Plot plot, MixtureDensityGrid grid, double[] levels, Color color, LinePattern pattern, string legend)
    {
        int n = grid.Xs.Length;
        var points = new Coordinates3d[n, n];
        for (int row = 0; row < n; row++)
        for (int col = 0; col < n; col++)
            points[row, col] = new Coordinates3d(grid.Xs[col], grid.Ys[row], grid.Density[row, col]);
        // The levels must be set before the lines are traced (Update), which Add.ContourLines does with its defaults.
        var contours = plot.Add.ContourLines(points);
        contours.ContourLineLevels = levels;
        contours.Update(points);
        contours.LineColor = color;
        contours.LinePattern = pattern;
        contours.LineWidth = 1.5f;
        contours.LabelStyle.IsVisible = false;
        // ContourLines has no legend entry of its own.
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = legend, LineColor = color, LinePattern = pattern, LineWidth = 1.5f });
    }

    private static double PlotExtent(MixtureGeometry geometry) => geometry.DataPoints is { Length: > 0 } data
        ? Math.Max(1, data.Max(m => Math.Max(Math.Abs(m[0]), Math.Abs(m[1]))) * 1.1)
        : Math.Max(6, geometry.TargetMeans.Max(m => Math.Max(Math.Abs(m[0]), Math.Abs(m[1]))) + 2);

    private static void WriteComponents(ExperimentOutcome outcome, EvaluationPoint point, string path)
    {
        var geometry = outcome.Geometry;
        var (means, covariances) = Components(point.Parameters, geometry.Components, 2);
        var plot = new Plot();
        if (geometry.DataPoints is { } data) AddData(plot, data, Colors.Gray.WithAlpha(0.5));
        for (int t = 0; t < geometry.TargetMeans.Length && geometry.DataPoints is null; t++)
        {
            var (xs, ys) = Ellipse(geometry.TargetMeans[t], geometry.PlaneCovariance(t), 3);
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
        if (geometry.DataPoints is null || geometry.Labelled)
        {
            var targets = plot.Add.Markers(geometry.TargetMeans.Select(m => m[0]).ToArray(), geometry.TargetMeans.Select(m => m[1]).ToArray(),
                MarkerShape.Cross, 10, Colors.Red);
            targets.MarkerLineWidth = 2;
            targets.LegendText = geometry.DataPoints is not null ? "cluster means (of the labelled points)"
                : geometry.Isotropic
                ? $"target means (grey: 3σ, σ = {Math.Sqrt(geometry.TargetVariance).ToString("0.###", CultureInfo.InvariantCulture)})"
                : "target means (grey: their 3σ ellipses)";
        }
        var centres = plot.Add.Markers(means.Select(m => m[0]).ToArray(), means.Select(m => m[1]).ToArray(), MarkerShape.FilledCircle, 5, Colors.SteelBlue);
        centres.LegendText = "model components (1σ, 2σ ellipses)";
        plot.ShowLegend(Edge.Bottom);
        plot.Title(outcome.OnData
            ? Invariant($"{outcome.Experiment}: {point.Tasks} tasks — {(outcome.CountsModes ? $"{point.ModesCovered}/{point.ModesTotal} clusters, " : "")}held-out NLL {FigureText.ThreeDecimals(point.HeldOutNll)}")
            : Invariant($"{outcome.Experiment}: {point.Tasks} tasks — {point.ModesCovered}/{point.ModesTotal} modes, reverse KL {FigureText.ThreeDecimals(point.ReverseKl)}"));
        plot.XLabel("x1");
        plot.YLabel("x2");
        var extent = PlotExtent(geometry);
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

    private static void WriteNll(ExperimentOutcome outcome, string path)
    {
        var points = outcome.Evaluations;
        var plot = new Plot();
        var nll = plot.Add.Scatter(points.Select(p => (double)p.Tasks).ToArray(), points.Select(p => p.HeldOutNll).ToArray());
        nll.LegendText = "−mean log p_θ(x) of the held-out rows";
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: held-out negative log-likelihood");
        plot.XLabel("tasks");
        plot.YLabel("NLL (nats per point)");
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
