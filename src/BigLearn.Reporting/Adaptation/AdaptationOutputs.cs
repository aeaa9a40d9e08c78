using System.Globalization;
using System.Text;
using BigLearn.Core.Adaptation;
using ScottPlot;

namespace BigLearn.Reporting.Adaptation;

/// <summary>
/// The files of a population with a menu (docs/adaptation.md, docs/outputs.md): <c>adaptation.csv</c> (every menu agent's shares
/// every hundredth of the budget), <c>adaptation-tasks.csv</c> (the tasks each menu group ran per family in each interval),
/// <c>adaptation.json</c> (the menus, the mean shares at the start, halfway and at the end, the tasks per family and pbt's
/// copies) and one plot per menu group, <c>plots/adaptation-&lt;group&gt;.png</c> (the group's mean shares over the run, stacked).
/// </summary>
public static class AdaptationOutputs
{
    /// <summary>The header of <c>adaptation.csv</c> (long format: one row per task count, agent and family).</summary>
    public const string SharesHeader = "tasks,group,agent,family,share";

    /// <summary>The header of <c>adaptation-tasks.csv</c>.</summary>
    public const string TasksHeader = "tasks,group,family,tasks_in_interval";

    /// <summary>The plot of a menu group.</summary>
    public static string PlotName(MenuRecord menu) => $"adaptation-{menu?.Name}.png";

    /// <summary>Writes the files into <paramref name="folder"/> (plots into its <paramref name="plotsFolder"/>); returns them, relative.</summary>
    public static IReadOnlyList<string> Write(string experiment, AdaptationHistory history, string folder, string plotsFolder)
    {
        ArgumentNullException.ThrowIfNull(history);
        File.WriteAllText(Path.Combine(folder, "adaptation.csv"), SharesCsv(history));
        File.WriteAllText(Path.Combine(folder, "adaptation-tasks.csv"), TasksCsv(history));
        File.WriteAllText(Path.Combine(folder, "adaptation.json"), Json(history));
        var files = new List<string> { "adaptation.csv", "adaptation-tasks.csv", "adaptation.json" };
        Directory.CreateDirectory(Path.Combine(folder, plotsFolder));
        foreach (var menu in history.Menus)
        {
            WritePlot(experiment, history, menu, Path.Combine(folder, plotsFolder, PlotName(menu)));
            files.Add($"{plotsFolder}/{PlotName(menu)}");
        }
        return files;
    }

    /// <summary>Every shares row, one line per family.</summary>
    public static string SharesCsv(AdaptationHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder(SharesHeader).Append('\n');
        var menuOf = history.Menus.SelectMany(m => m.Agents.Select(a => (a, m))).ToDictionary(p => p.a, p => p.m);
        foreach (var row in history.Shares)
        {
            var menu = menuOf[row.AgentId];
            for (int f = 0; f < row.Shares.Length; f++)
                text.Append(Invariant($"{row.Task},{menu.Name},{row.AgentId},{Quote(menu.Families[f])},{row.Shares[f]:R}\n"));
        }
        return text.ToString();
    }

    /// <summary>Every interval's tasks per family.</summary>
    public static string TasksCsv(AdaptationHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder(TasksHeader).Append('\n');
        var menus = history.Menus.ToDictionary(m => m.Group);
        foreach (var row in history.Tasks)
        {
            var menu = menus[row.Group];
            for (int f = 0; f < row.Tasks.Length; f++) text.Append(Invariant($"{row.Task},{menu.Name},{Quote(menu.Families[f])},{row.Tasks[f]}\n"));
        }
        return text.ToString();
    }

    /// <summary>
    /// The summary: per menu group its families with the mean share at the start, halfway and at the end and the tasks run, and
    /// each agent's shares at the end; then pbt's copies.
    /// </summary>
    public static string Json(AdaptationHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("mode", history.Mode);
            json.WriteNumber("record_every", history.RecordEvery);
            json.WriteNumber("pbt_copies", history.Copies.Length);
            json.WriteStartArray("menus");
            foreach (var menu in history.Menus)
            {
                var means = history.MeanShares(menu).ToArray();
                var (start, end) = (means[0], means[^1]);
                var middle = means.MinBy(m => Math.Abs(m.Task - end.Task / 2.0));
                var tasks = history.TotalTasks(menu);
                json.WriteStartObject();
                json.WriteString("group", menu.Name);
                json.WriteStartArray("agents");
                foreach (var a in menu.Agents) json.WriteNumberValue(a);
                json.WriteEndArray();
                json.WriteNumber("middle_task", middle.Task);
                json.WriteNumber("end_task", end.Task);
                json.WriteStartArray("families");
                for (int f = 0; f < menu.Families.Length; f++)
                {
                    json.WriteStartObject();
                    json.WriteString("family", menu.Families[f]);
                    json.WriteNumber("share_start", start.Mean[f]);
                    json.WriteNumber("share_middle", middle.Mean[f]);
                    json.WriteNumber("share_end", end.Mean[f]);
                    json.WriteNumber("tasks", tasks[f]);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("agents_end");
                foreach (var row in history.Shares.Where(r => r.Task == end.Task && menu.Agents.Contains(r.AgentId)))
                {
                    json.WriteStartObject();
                    json.WriteNumber("agent", row.AgentId);
                    json.WriteStartArray("shares");
                    foreach (var share in row.Shares) json.WriteNumberValue(share);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("copies");
            foreach (var copy in history.Copies)
            {
                json.WriteStartObject();
                json.WriteNumber("task", copy.Task);
                json.WriteNumber("agent", copy.AgentId);
                json.WriteNumber("from", copy.From);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void WritePlot(string experiment, AdaptationHistory history, MenuRecord menu, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var means = history.MeanShares(menu).ToArray();
        var xs = means.Select(m => (double)m.Task).ToArray();
        var lower = new double[xs.Length];
        for (int f = 0; f < menu.Families.Length; f++)
        {
            var upper = means.Select((m, i) => lower[i] + m.Mean[f]).ToArray();
            var fill = plot.Add.FillY(xs, lower, upper);
            fill.FillColor = palette.GetColor(f).WithAlpha(0.75);
            fill.LegendText = menu.Families[f];
            lower = upper;
        }
        plot.ShowLegend(Edge.Right);
        plot.Title($"{experiment}: mean shares of group {menu.Name} ({history.Mode}, {menu.Agents.Length} agents)");
        plot.XLabel("tasks");
        plot.YLabel("share of the agents' draws");
        plot.Axes.SetLimitsY(0, 1);
        plot.SavePng(path, 960, 480);
    }

    private static string Quote(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
