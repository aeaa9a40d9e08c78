using System.Text.Json;
using BigLearn.Reporting.Experiments;
using BigLearn.Reporting.Gan;

namespace BigLearn.Reporting.Tests;

public sealed class GanOutputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-gan-output-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Dictionary<string, double> Masks(double top, double left, double random) =>
        new() { ["top_half"] = top, ["left_half"] = left, ["random_25"] = random };

    internal static GanOutcome Outcome(double fid = 31.5)
    {
        var figures = new GanFigures(fid, 3.9, 0.91, Masks(0.7, 0.72, 0.65), Masks(0.3, 0.35, 0.2), Masks(0.69, 0.7, 0.6),
            new Dictionary<double, double> { [0] = 9.5, [0.25] = 4.1, [0.5] = 2.5, [0.75] = 1.2 }, 10.2, 1000);
        var pixels = Enumerable.Range(0, 4 * 9).Select(i => (i % 9) / 8f).ToArray();
        var grids = new[] { new ImageFigure("samples", "samples.png", 2, 2, 3, 3, pixels, null) };
        return new GanOutcome("gan-test", "fashion-mnist", 888, 100, "lockstep", 100, 99, 1, 1, 0, 0,
            [new GroupRow("joint", 1, "joint", 1, 0.5, 0, 1, 50, 49, 1), new GroupRow("pixels", 2, "pixels(observed=0.1..0.9)", 1, 0.5, 0, 1, 50, 50, 0)],
            [new AgentRow(0, "joint", 50, 49, 1, 0, 0.7, 1.1), new AgentRow(1, "pixels", 25, 25, 0, 0, 0.6, 1.0), new AgentRow(2, "pixels", 25, 25, 0, 0, null, null)],
            [new GanPoint(0, 0, 250, double.NaN, double.NaN, 0), new GanPoint(50, 50, 80, 1.2, 0.9, 10), new GanPoint(100, 99, fid, 1.3, 0.8, 20)],
            figures, grids, ["config: test"], 20.5, 4.25);
    }

    [Fact]
    public void The_summary_holds_every_key_the_issue_names_with_its_values()
    {
        using var summary = JsonDocument.Parse(GanRunWriter.SummaryJson(Outcome()));
        var root = summary.RootElement;
        Assert.Equal(99, root.GetProperty("steps").GetInt64());
        Assert.False(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(1, root.GetProperty("nan_steps").GetInt64());
        Assert.Equal(0.01, root.GetProperty("nan_step_fraction").GetDouble(), 12);
        Assert.Equal(31.5, root.GetProperty("classifier_fid").GetDouble());
        foreach (var (key, expected) in new[] { ("completion_accuracy", 0.7), ("baseline_no_completion_accuracy", 0.3), ("baseline_nearest_neighbour_accuracy", 0.69) })
        {
            var masks = root.GetProperty(key);
            Assert.Equal(new[] { "top_half", "left_half", "random_25" }, masks.EnumerateObject().Select(p => p.Name));
            Assert.Equal(expected, masks.GetProperty("top_half").GetDouble());
        }
        Assert.Equal(new[] { "0", "0.25", "0.5", "0.75" }, root.GetProperty("diversity").EnumerateObject().Select(p => p.Name));
        Assert.Equal(4.1, root.GetProperty("diversity").GetProperty("0.25").GetDouble());
        Assert.Equal(10.2, root.GetProperty("data_spread").GetDouble());
        Assert.Equal("timings", root.EnumerateObject().Last().Name);
        Assert.Equal(24.75, root.GetProperty("timings").GetProperty("wall_seconds").GetDouble(), 9);
    }

    [Fact]
    public void An_interrupted_run_says_so_in_its_summary()
    {
        using var summary = JsonDocument.Parse(GanRunWriter.SummaryJson(Outcome() with { Interrupted = true }));
        Assert.True(summary.RootElement.GetProperty("interrupted").GetBoolean());
    }

    [Fact]
    public void A_non_finite_figure_is_written_as_null_not_as_invalid_json()
    {
        using var summary = JsonDocument.Parse(GanRunWriter.SummaryJson(Outcome(fid: double.PositiveInfinity)));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("classifier_fid").ValueKind);
    }

    [Fact]
    public void The_run_folder_gets_metrics_agents_summary_report_and_plots()
    {
        var files = GanRunWriter.Write(Outcome(), _folder);
        Assert.Equal(new[] { "metrics.csv", "agents.csv", "summary.json", "plots/samples.png", "plots/fid.png", "plots/diversity.png", "report.md" }, files);
        Assert.All(files, f => Assert.True(new FileInfo(Path.Combine(_folder, f)).Length > 0, f));
        var metrics = File.ReadAllLines(Path.Combine(_folder, "metrics.csv"));
        Assert.Equal(GanRunWriter.MetricsHeader, metrics[0]);
        Assert.Equal("0,0,250,,,0", metrics[1]);
        var agents = File.ReadAllLines(Path.Combine(_folder, "agents.csv"));
        Assert.Equal(GanRunWriter.AgentsHeader, agents[0]);
        Assert.Equal("2,pixels,25,25,0,0,,,,,,,,,", agents[3]); // without a ledger its seven columns are empty, as for the GMM
        var report = File.ReadAllText(Path.Combine(_folder, "report.md"));
        Assert.Contains("| top half observed | 0.7 | 0.3 | 0.69 |", report);
        Assert.Contains("| 0.25 | 4.1 | 40% |", report);
    }
}
