using BigLearn.Reporting;
using System.Globalization;
using System.Text.Json.Nodes;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Tests;

public sealed class ExperimentOutputTests
{
    [Fact]
    public void Components_are_read_back_from_the_parameter_vector_with_a_log_diagonal()
    {
        // K = 1, L = 2: means (1, 2); Cholesky [[ln 2, (unused)], [0.5, ln 3]] → L = [[2, 0], [0.5, 3]], Σ = L Lᵀ.
        double[] theta = [1, 2, Math.Log(2), 99, 0.5, Math.Log(3), 0];
        var (means, covariances) = ExperimentPlots.Components(theta, components: 1, dim: 2);
        Assert.Equal(new[] { 1.0, 2.0 }, means[0]);
        Assert.Equal(4, covariances[0][0, 0], 12);
        Assert.Equal(1, covariances[0][0, 1], 12);
        Assert.Equal(1, covariances[0][1, 0], 12);
        Assert.Equal(0.25 + 9, covariances[0][1, 1], 12);
    }

    [Theory]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(21, new[] { 0, 5, 10, 15, 20 })]
    [InlineData(6, new[] { 0, 1, 2, 4, 5 })] // 5·i/4 rounded half to even
    public void Snapshots_are_spread_evenly_and_include_the_first_and_last_point(int count, int[] expected) =>
        Assert.Equal(expected, ExperimentPlots.SnapshotIndices(count));

    private static ExperimentOutcome Outcome(double wallSeconds) => new("exp", 7, 4, "lockstep", 4, 30, 1, 10, 0, 0,
        [new GroupRow("g", 2, "joint", 10, 1, 0, 1, 4, 30, 1)],
        [new AgentRow(0, "g", 2, 20, 0, 0, 1.5, 0.25), new AgentRow(1, "g", 2, 10, 1, 0, null, null)],
        [
            new EvaluationPoint(0, 0, 3.5, 4.25, 0.1, 1, 25, 0.5, [0, 0]),
            new EvaluationPoint(4, 30, 0.125, 0.0625, 0.9, 24, 25, wallSeconds, [1, 1]),
        ],
        new MixtureGeometry(1, 1, [[0.0]], 0.05), ["setting"], wallSeconds);

    [Fact]
    public void Metrics_and_agents_csv_parse_back_to_the_numbers()
    {
        var metrics = ExperimentRunWriter.MetricsCsv(Outcome(2)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExperimentRunWriter.MetricsHeader, metrics[0]);
        var last = metrics[2].Split(',');
        Assert.Equal((4L, 30L, 0.125, 0.0625, 0.9, 24), (long.Parse(last[0]), long.Parse(last[1]), double.Parse(last[2], CultureInfo.InvariantCulture),
            double.Parse(last[3], CultureInfo.InvariantCulture), double.Parse(last[4], CultureInfo.InvariantCulture), int.Parse(last[5])));
        var agents = ExperimentRunWriter.AgentsCsv(Outcome(2)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0,g,2,20,0,0,1.5,0.25,,,,,,,", agents[1]);
        Assert.Equal("1,g,2,10,1,0,,,,,,,,,", agents[2]); // no applied task: empty losses; no ledger: empty ledger columns
    }

    [Fact]
    public void The_summary_differs_between_wall_times_only_inside_timings()
    {
        var fast = JsonNode.Parse(ExperimentRunWriter.SummaryJson(Outcome(1)))!.AsObject();
        var slow = JsonNode.Parse(ExperimentRunWriter.SummaryJson(Outcome(9)))!.AsObject();
        Assert.NotEqual(fast.ToJsonString(), slow.ToJsonString());
        Assert.Equal("timings", fast.Last().Key);
        fast.Remove("timings");
        slow.Remove("timings");
        Assert.Equal(fast.ToJsonString(), slow.ToJsonString());
        Assert.Equal((24, 0.9, 10L), ((int)fast["modes_covered"]!, (double)fast["high_quality_fraction"]!, (long)fast["rejected_steps"]!));
    }

    [Fact]
    public void The_sweep_mean_row_is_the_average_of_the_seeds()
    {
        SweepRow[] rows = [new(1, "seed-1", 20, 25, 0.5, 1, 2), new(2, "seed-2", 25, 25, 1, 3, 4)];
        var json = JsonNode.Parse(SweepWriter.Json("exp", rows))!;
        Assert.Equal((22.5, 0.75, 2.0, 3.0), ((double)json["mean"]!["modes_covered"]!, (double)json["mean"]!["high_quality_fraction"]!,
            (double)json["mean"]!["reverse_kl"]!, (double)json["mean"]!["forward_kl"]!));
        Assert.Contains("| **mean** | 22.5 | 0.75 | 2 | 3 |", SweepWriter.Markdown("exp", rows));
    }

    [Fact]
    public void A_kl_that_rounds_to_zero_is_written_as_0_never_as_minus_0()
    {
        // A model equal to its target: Monte-Carlo KLs of ±1e-16 (measured: 7.7e-16 and −7.2e-16 on seed 2488).
        SweepRow[] rows = [new(2488, "seed-2488", 25, 25, 0.99, 7.7e-16, -7.2e-16), new(1, "seed-1", 24, 25, 0.97, -0.0004, 0.0123)];
        var markdown = SweepWriter.Markdown("exp", rows);
        Assert.Contains("| 25 / 25 | 0.99 | 0 | 0 |", markdown);
        Assert.Contains("| 24 / 25 | 0.97 | 0 | 0.012 |", markdown);
        Assert.DoesNotContain("-0 ", markdown);
        Assert.Equal("-0.002", FigureText.ThreeDecimals(-0.0021)); // a negative estimate that does not round to zero stays negative
    }
}
