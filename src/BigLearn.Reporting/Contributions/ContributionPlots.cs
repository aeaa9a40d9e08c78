using System.Globalization;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;
using ScottPlot;

namespace BigLearn.Reporting.Contributions;

/// <summary>
/// The ledger's PNGs (ScottPlot 5): cumulative credit by group over the run (stacked), each group's share of the credit per
/// window (stacked bars), credit per agent (sorted bars, coloured by group) and, when the run audited, the alignment with ∇J over
/// the run by group.
/// </summary>
public static class ContributionPlots
{
    /// <summary>The files, in drawing order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["credit-by-group.png", "credit-share-by-window.png", "credit-by-agent.png", "alignment.png"];

    /// <summary>
    /// The files a ledger gets: all of <see cref="Names"/>, less <c>alignment.png</c> when it kept no audits (<c>ledger.audit-every = 0</c>,
    /// and every GAN run): an empty plot says nothing.
    /// </summary>
    public static IReadOnlyList<string> NamesFor(ContributionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.AuditEvery > 0 ? Names : Names.Take(3).ToArray();
    }

    private const int Width = 720;
    private const int Height = 480;

    /// <summary>Writes the plots (<see cref="NamesFor"/>) into <paramref name="folder"/>; returns their names.</summary>
    public static IReadOnlyList<string> WriteAll(IContributionRun outcome, ContributionSummary summary, string folder)
    {
        Directory.CreateDirectory(folder);
        var palette = new ScottPlot.Palettes.Category10();
        WriteStacked(outcome, summary, palette, Path.Combine(folder, Names[0]));
        WriteWindows(outcome, summary, palette, Path.Combine(folder, Names[1]));
        WriteAgents(outcome, summary, palette, Path.Combine(folder, Names[2]));
        var names = NamesFor(summary);
        if (names.Contains(Names[3])) WriteAlignment(outcome, summary, palette, Path.Combine(folder, Names[3]));
        return names;
    }

    private static void WriteStacked(IContributionRun outcome, ContributionSummary summary, IPalette palette, string path)
    {
        var plot = new Plot();
        var points = ContributionFigures.Thin(summary.Timeline, 2000);
        if (points.Count > 0)
        {
            var xs = points.Select(p => (double)p.Tasks).ToArray();
            var lower = new double[xs.Length];
            for (int g = 0; g < summary.Groups.Count; g++)
            {
                var upper = points.Select((p, i) => lower[i] + p.GroupCredit[g]).ToArray();
                var fill = plot.Add.FillY(xs, lower, upper);
                fill.FillColor = palette.GetColor(g).WithAlpha(0.6);
                fill.LegendText = summary.Groups[g].Name;
                lower = upper;
            }
            var total = plot.Add.ScatterLine(xs, lower, Colors.Black);
            total.LegendText = "total = J(θ₀) − J(θ)";
        }
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: cumulative credit by group{Sampled(summary)}");
        plot.XLabel("tasks");
        plot.YLabel($"credit (fall of {summary.Objective})");
        plot.SavePng(path, Width, Height);
    }

    // One bar per window, as wide as the window: each group's share of that window's credit, the positive shares stacked up
    // from 0 and the negative ones (groups that raised J) down from it.
    private static void WriteWindows(IContributionRun outcome, ContributionSummary summary, IPalette palette, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        foreach (var w in ContributionWindows.Of(outcome, summary))
        {
            double up = 0, down = 0, width = w.Until - w.From;
            for (int g = 0; g < w.GroupShare.Length; g++)
            {
                double share = w.GroupShare[g];
                if (!double.IsFinite(share) || share == 0) continue;
                double from = share > 0 ? up : down;
                bars.Add(new Bar { Position = w.From + width / 2, ValueBase = from, Value = from + share, Size = width * 0.9, FillColor = palette.GetColor(g) });
                if (share > 0) up += share;
                else down += share;
            }
        }
        plot.Add.Bars(bars);
        for (int g = 0; g < summary.Groups.Count; g++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = summary.Groups[g].Name, FillColor = palette.GetColor(g) });
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: each group's share of the credit per window{Sampled(summary)}");
        plot.XLabel("tasks");
        plot.YLabel("credit / Σ|credit| in the window");
        plot.SavePng(path, Width, Height);
    }

    private static void WriteAgents(IContributionRun outcome, ContributionSummary summary, IPalette palette, string path)
    {
        var plot = new Plot();
        var ranked = summary.Agents.OrderByDescending(a => a.Credit).ThenBy(a => a.Id).ToArray();
        var groupIndex = summary.Groups.Select((g, i) => (g.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var bars = ranked.Select((a, i) => new Bar { Position = i, Value = a.Credit, FillColor = palette.GetColor(groupIndex[a.Group]) }).ToList();
        plot.Add.Bars(bars);
        if (ranked.Length <= 40)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, ranked.Length).Select(i => (double)i).ToArray(),
                ranked.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)).ToArray());
        for (int g = 0; g < summary.Groups.Count; g++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = summary.Groups[g].Name, FillColor = palette.GetColor(g) });
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: credit per agent{Sampled(summary)}");
        plot.XLabel("agent (sorted by credit)");
        plot.YLabel("credit");
        plot.SavePng(path, Width, Height);
    }

    private static void WriteAlignment(IContributionRun outcome, ContributionSummary summary, IPalette palette, string path)
    {
        var plot = new Plot();
        for (int g = 0; g < summary.Groups.Count; g++)
        {
            var audited = summary.Audits.Where(a => double.IsFinite(a.GroupAlignment[g])).ToArray();
            if (audited.Length == 0) continue;
            var line = plot.Add.Scatter(audited.Select(a => (double)a.Tasks).ToArray(), audited.Select(a => a.GroupAlignment[g]).ToArray(), palette.GetColor(g));
            line.LegendText = summary.Groups[g].Name;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.Axes.SetLimitsY(-1.05, 1.05);
        plot.ShowLegend(Edge.Bottom);
        plot.Title($"{outcome.Experiment}: alignment of task gradients with ∇J (mean cosine by group)");
        plot.XLabel("tasks");
        plot.YLabel("cos(∇ task loss, ∇J)");
        plot.SavePng(path, Width, Height);
    }

    private static string Sampled(ContributionSummary summary) => summary.Sampled ? $" (sampled: every {summary.Every}-th task, scaled)" : "";
}
