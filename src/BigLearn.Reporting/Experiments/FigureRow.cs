using System.Globalization;
using System.Text;

namespace BigLearn.Reporting.Experiments;

/// <summary>One seed of a sweep of any kind: its sub-folder and its summary figures (<see cref="IRunOutcome.Figures"/>).</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Folder">Its run folder, relative to the sweep folder.</param>
/// <param name="Figures">Its figures, in the kind's order.</param>
public sealed record FigureRow(long Seed, string Folder, IReadOnlyList<RunFigure> Figures)
{
    /// <summary>The row of a finished run in <paramref name="folder"/>.</summary>
    public static FigureRow Of(IRunOutcome outcome, string folder) => new(outcome.Seed, folder, outcome.Figures);

    /// <summary>The value of the figure <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The row has no such figure.</exception>
    public double Value(string name) =>
        Figures.FirstOrDefault(f => f.Name == name)?.Value ?? throw new KeyNotFoundException($"no figure {name} (figures: {string.Join(", ", Figures.Select(f => f.Name))})");

    /// <summary>The rows for the terminal, with a mean row when there are several.</summary>
    public static ResultTable Table(IReadOnlyList<FigureRow> rows)
    {
        var names = rows[0].Figures;
        var lines = rows.Select(r => (string[])[r.Seed.ToString(CultureInfo.InvariantCulture), .. r.Figures.Select(f => FigureText.ThreeDecimals(f.Value))]).ToList();
        if (rows.Count > 1) lines.Add(["mean", .. names.Select(f => FigureText.ThreeDecimals(rows.Average(r => r.Value(f.Name))))]);
        return new ResultTable(["seed", .. names.Select(f => f.Label)], lines);
    }
}

/// <summary>Writes the <c>sweep.json</c> and <c>sweep.md</c> of a sweep whose runs are not Gaussian-mixture runs (their figures by name).</summary>
public static class FigureSweepWriter
{
    /// <summary>Writes both files into <paramref name="folder"/>.</summary>
    public static void Write(string folder, string experiment, IReadOnlyList<FigureRow> rows)
    {
        File.WriteAllText(Path.Combine(folder, "sweep.json"), IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", experiment);
            json.WriteStartArray("runs");
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("seed", r.Seed);
                json.WriteString("folder", r.Folder);
                foreach (var f in r.Figures) ExperimentRunWriter.WriteFinite(json, f.Name, f.Value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("mean");
            foreach (var f in rows[0].Figures) ExperimentRunWriter.WriteFinite(json, f.Name, rows.Average(r => r.Value(f.Name)));
            json.WriteEndObject();
            json.WriteEndObject();
        }));
        var table = FigureRow.Table(rows);
        var text = new StringBuilder().AppendLine($"# {experiment}: seed sweep").AppendLine();
        text.AppendLine($"| {string.Join(" | ", table.Header)} |");
        text.AppendLine($"|{string.Concat(Enumerable.Repeat("---:|", table.Header.Count))}");
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var cells = table.Rows[i].ToArray();
            cells[0] = i < rows.Count ? $"[{cells[0]}]({rows[i].Folder}/report.md)" : $"**{cells[0]}**";
            text.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        File.WriteAllText(Path.Combine(folder, "sweep.md"), text.ToString());
    }
}
