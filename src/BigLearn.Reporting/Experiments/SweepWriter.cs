using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Reporting;

namespace BigLearn.Reporting.Experiments;

/// <summary>One seed of a sweep: its sub-folder and its final figures.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Folder">Its run folder, relative to the sweep folder.</param>
/// <param name="ModesCovered">Modes covered at the end.</param>
/// <param name="ModesTotal">Target modes.</param>
/// <param name="HighQualityFraction">High-quality fraction at the end.</param>
/// <param name="ReverseKl">Final reverse KL.</param>
/// <param name="ForwardKl">Final forward KL.</param>
public sealed record SweepRow(long Seed, string Folder, int ModesCovered, int ModesTotal, double HighQualityFraction, double ReverseKl, double ForwardKl)
{
    /// <summary>The row of a finished run in <paramref name="folder"/>.</summary>
    public static SweepRow Of(ExperimentOutcome outcome, string folder) => At(outcome, outcome.Final, folder);

    /// <summary>The row of <paramref name="outcome"/>'s figures at one of its evaluation points (the untrained model's, for instance).</summary>
    public static SweepRow At(ExperimentOutcome outcome, EvaluationPoint point, string folder) =>
        new(outcome.Seed, folder, point.ModesCovered, point.ModesTotal, point.HighQualityFraction, point.ReverseKl, point.ForwardKl);

    /// <summary>The rows for the terminal, with a mean row when there are several.</summary>
    public static ResultTable Table(IReadOnlyList<SweepRow> rows)
    {
        var lines = rows.Select(r => new[]
        {
            r.Seed.ToString(CultureInfo.InvariantCulture), $"{r.ModesCovered}/{r.ModesTotal}", Invariant($"{r.HighQualityFraction:0.###}"),
            FigureText.ThreeDecimals(r.ReverseKl), FigureText.ThreeDecimals(r.ForwardKl),
        }).ToList();
        if (rows.Count > 1)
            lines.Add(["mean", Invariant($"{rows.Average(r => r.ModesCovered):0.##}"), Invariant($"{rows.Average(r => r.HighQualityFraction):0.###}"),
                FigureText.ThreeDecimals(rows.Average(r => r.ReverseKl)), FigureText.ThreeDecimals(rows.Average(r => r.ForwardKl))]);
        return new ResultTable(["seed", "modes covered", "hq fraction", "reverse KL", "forward KL"], lines);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes a seed sweep's <c>sweep.json</c> and <c>sweep.md</c> (a table with one row per seed and a mean row).</summary>
public static class SweepWriter
{
    /// <summary>Writes both files into <paramref name="folder"/>.</summary>
    public static void Write(string folder, string experiment, IReadOnlyList<SweepRow> rows)
    {
        File.WriteAllText(Path.Combine(folder, "sweep.json"), Json(experiment, rows));
        File.WriteAllText(Path.Combine(folder, "sweep.md"), Markdown(experiment, rows));
    }

    /// <summary>The sweep as JSON: experiment, runs, and the means.</summary>
    public static string Json(string experiment, IReadOnlyList<SweepRow> rows)
    {
        return IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", experiment);
            json.WriteStartArray("runs");
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("seed", r.Seed);
                json.WriteString("folder", r.Folder);
                json.WriteNumber("modes_covered", r.ModesCovered);
                json.WriteNumber("modes_total", r.ModesTotal);
                ExperimentRunWriter.WriteFinite(json, "high_quality_fraction", r.HighQualityFraction);
                ExperimentRunWriter.WriteFinite(json, "reverse_kl", r.ReverseKl);
                ExperimentRunWriter.WriteFinite(json, "forward_kl", r.ForwardKl);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("mean");
            json.WriteNumber("modes_covered", rows.Average(r => r.ModesCovered));
            ExperimentRunWriter.WriteFinite(json, "high_quality_fraction", rows.Average(r => r.HighQualityFraction));
            ExperimentRunWriter.WriteFinite(json, "reverse_kl", rows.Average(r => r.ReverseKl));
            ExperimentRunWriter.WriteFinite(json, "forward_kl", rows.Average(r => r.ForwardKl));
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    /// <summary>The sweep as a markdown table with a mean row.</summary>
    public static string Markdown(string experiment, IReadOnlyList<SweepRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {experiment}: seed sweep");
        text.AppendLine();
        text.AppendLine("| seed | modes covered | high-quality fraction | reverse KL | forward KL |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            text.AppendLine(Invariant($"| [{r.Seed}]({r.Folder}/report.md) | {r.ModesCovered} / {r.ModesTotal} | {r.HighQualityFraction:0.###} | {FigureText.ThreeDecimals(r.ReverseKl)} | {FigureText.ThreeDecimals(r.ForwardKl)} |"));
        text.AppendLine(Invariant($"| **mean** | {rows.Average(r => r.ModesCovered):0.##} | {rows.Average(r => r.HighQualityFraction):0.###} | {FigureText.ThreeDecimals(rows.Average(r => r.ReverseKl))} | {FigureText.ThreeDecimals(rows.Average(r => r.ForwardKl))} |"));
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
