using System.Globalization;
using System.Text;
using BigLearn.Reporting.Experiments;
using ScottPlot;

namespace BigLearn.Reporting.Ablations;

/// <summary>Writes an ablation's <c>ablation.json</c>, <c>ablation.md</c> and <c>ablation.png</c>.</summary>
public static class AblationWriter
{
    /// <summary>The file <c>inspect</c> reads.</summary>
    public const string JsonFile = "ablation.json";

    /// <summary>The plot: what each group adds to the Shapley figure (whole population − population without it), with its 95 % interval, and the Shapley values.</summary>
    public const string PlotFile = "ablation.png";

    /// <summary>Writes the three files into <paramref name="folder"/>.</summary>
    public static void Write(string folder, AblationResult result)
    {
        File.WriteAllText(Path.Combine(folder, JsonFile), Json(result));
        File.WriteAllText(Path.Combine(folder, "ablation.md"), Markdown(result));
        WritePlot(result, Path.Combine(folder, PlotFile));
    }

    /// <summary>Everything as indented JSON.</summary>
    public static string Json(AblationResult result) => IndentedJson.Render(json =>
    {
        json.WriteStartObject();
        json.WriteString("experiment", result.Experiment);
        json.WriteStartArray("seeds");
        foreach (long s in result.Seeds) json.WriteNumberValue(s);
        json.WriteEndArray();
        json.WriteNumber("variants", result.Variants);
        json.WriteStartObject("baseline_mean");
        foreach (var f in result.Baseline[0].Figures) ExperimentRunWriter.WriteFinite(json, f.Name, Mean(result, f.Name));
        json.WriteEndObject();
        json.WriteStartObject("figure_labels");
        foreach (var f in result.Baseline[0].Figures) json.WriteString(f.Name, f.Label);
        json.WriteEndObject();
        json.WriteStartArray("groups");
        foreach (var e in result.Effects)
        {
            json.WriteStartObject();
            json.WriteString("group", e.Group);
            if (e.NotRunnable is not null) json.WriteString("not_runnable", e.NotRunnable);
            if (e.Folder is not null) json.WriteString("folder", e.Folder);
            json.WriteStartObject("effect_of_removing");
            foreach (var f in e.Effects ?? [])
            {
                json.WriteStartObject(f.Figure);
                ExperimentRunWriter.WriteFinite(json, "mean", f.Mean);
                ExperimentRunWriter.WriteFinite(json, "ci95_low", f.Low);
                ExperimentRunWriter.WriteFinite(json, "ci95_high", f.High);
                json.WriteStartArray("per_seed");
                foreach (double d in f.PerSeed) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (result.Shapley is { } shapley)
        {
            json.WriteStartObject("shapley");
            json.WriteString("figure", result.Figure);
            json.WriteString("method", result.ShapleySamples is { } n ? $"sampled ({n} orders of arrival)" : "exact");
            json.WriteStartObject("values");
            for (int i = 0; i < shapley.Count; i++)
            {
                json.WriteStartObject(result.Groups[i]);
                ExperimentRunWriter.WriteFinite(json, "value", shapley[i].Value);
                ExperimentRunWriter.WriteFinite(json, "standard_error", shapley[i].StandardError);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    });

    /// <summary>The tables as Markdown.</summary>
    public static string Markdown(AblationResult result)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Ablation of {result.Experiment}").AppendLine();
        text.AppendLine(Invariant($"Seeds {string.Join(", ", result.Seeds)}; {result.Variants} populations run. Each row: the figure without the group minus the figure with the whole population, mean over the seeds [95 % interval]."));
        text.AppendLine();
        var figures = result.Baseline[0].Figures;
        text.AppendLine($"| group removed | {string.Join(" | ", figures.Select(f => f.Label))} |");
        text.AppendLine($"|---|{string.Concat(figures.Select(_ => "---:|"))}");
        text.AppendLine($"| (none: the whole population) | {string.Join(" | ", figures.Select(f => Invariant($"{Mean(result, f.Name):0.###}")))} |");
        foreach (var e in result.Effects)
            text.AppendLine(e.Effects is null
                ? $"| {e.Group} | not runnable: {e.NotRunnable} |{string.Concat(Enumerable.Repeat(" |", figures.Count - 1))}"
                : $"| {e.Group} | {string.Join(" | ", e.Effects.Select(Cell))} |");
        if (result.Shapley is { } shapley)
        {
            text.AppendLine().AppendLine(Invariant($"Shapley values on {result.Figure} ({(result.ShapleySamples is { } n ? $"{n} sampled orders of arrival, ± standard error" : "exact, from every coalition")}); they sum to the whole population's figure minus that without any studied group:"));
            text.AppendLine().AppendLine("| group | Shapley value |").AppendLine("|---|---:|");
            for (int i = 0; i < shapley.Count; i++)
                text.AppendLine(Invariant($"| {result.Groups[i]} | {shapley[i].Value:0.###}{(result.ShapleySamples is null ? "" : $" ± {shapley[i].StandardError:0.###}")} |"));
        }
        text.AppendLine().AppendLine($"![ablation]({PlotFile})");
        return text.ToString();
    }

    /// <summary>"mean [low, high]" of one effect.</summary>
    public static string Cell(FigureEffect f) => double.IsFinite(f.Low)
        ? Invariant($"{f.Mean:+0.###;-0.###;0} [{f.Low:+0.###;-0.###;0}, {f.High:+0.###;-0.###;0}]")
        : Invariant($"{f.Mean:+0.###;-0.###;0}");

    private static double Mean(AblationResult result, string figure) => result.Baseline.Average(r => r.Value(figure));

    private static void WritePlot(AblationResult result, string path)
    {
        var plot = new Plot();
        var runnable = result.Effects.Where(e => e.Effects is not null).ToArray();
        var bars = new List<Bar>();
        for (int i = 0; i < runnable.Length; i++)
        {
            var f = runnable[i].Effects!.First(x => x.Figure == result.Figure);
            bars.Add(new Bar
            {
                // Drawn as what the group adds (with it − without it), the sign of its Shapley value.
                Position = i, Value = -f.Mean, FillColor = Colors.SteelBlue,
                Error = double.IsFinite(f.High) ? (f.High - f.Low) / 2 : 0,
            });
        }
        plot.Add.Bars(bars);
        if (result.Shapley is { } shapley)
        {
            var marks = runnable.Select((e, i) => (i, Index: result.Groups.ToList().IndexOf(e.Group))).ToArray();
            var scatter = plot.Add.ScatterPoints(marks.Select(m => (double)m.i).ToArray(), marks.Select(m => shapley[m.Index].Value).ToArray(), Colors.OrangeRed);
            scatter.MarkerSize = 12;
            scatter.LegendText = "Shapley value";
            plot.ShowLegend(Edge.Bottom);
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        if (runnable.Length > 0)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, runnable.Length).Select(i => (double)i).ToArray(), runnable.Select(e => e.Group).ToArray());
        plot.Title($"{result.Experiment}: what each group adds ({result.Seeds.Count} seeds, 95 % intervals)");
        plot.XLabel("group");
        plot.YLabel($"{result.Figure}: with it − without it");
        plot.SavePng(path, 720, 480);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
