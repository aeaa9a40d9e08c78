using System.Text.Json.Nodes;
using BigLearn.Core.Adaptation;
using BigLearn.Core.Tasks.Masks;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;

namespace BigLearn.Hosting.Tests;

/// <summary>Menus and population.adapt in configs, and adaptive runs: lockstep reproducibility, resume, and their outputs.</summary>
[Collection(TorchCollection.Name)]
public sealed class AdaptationRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-adapt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_folder, $"c{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private string Population(string group, string rest = "", int dim = 2) => Write($$"""
        kind = population
        budget = 40
        target { dim = {{dim}}, size = 2 }
        evaluation { every = 20, samples = 500 }
        groups { agents { count = 2, inner-steps = 2, {{group}} } }
        {{rest}}
        """);

    private static ExperimentConfig Smoke(params string[] sets) =>
        ExperimentConfig.Load(TestFiles.Config("menu-smoke.conf"), ["evaluation.samples=500", .. sets]);

    private static string WithoutTimings(string run)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        summary.Remove("timings");
        return summary.ToJsonString();
    }

    [Fact]
    public void A_menu_expands_k_over_every_size_below_the_dimension_with_equal_shares()
    {
        var config = ExperimentConfig.Load(Population("""menu = ["haar(marginal(k={k}))", "noisy(joint, sd=1)", "joint"]""", "population.adapt = bandit", dim: 3));
        var menu = config.Population.Groups[0].Menu!;
        Assert.Equal(["haar(marginal(k=1))", "haar(marginal(k=2))", "noisy(joint, sd=1)", "joint"], menu.Components.Select(c => c.Description));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], menu.Weights);
        var settings = config.Population.Adaptation!;
        Assert.Equal((AdaptMode.Bandit, 1L), (settings.Mode, settings.PbtEvery)); // pbt-every defaults to budget / 40
        var shipped = ExperimentConfig.Load(TestFiles.Config("menu-bandit.conf"));
        Assert.Equal(AdaptMode.Bandit, shipped.Population.Adaptation!.Mode);
        Assert.Equal(6, shipped.Population.Groups.Single().Menu!.Components.Count);
        Assert.Equal(AdaptMode.Pbt, ExperimentConfig.Load(TestFiles.Config("menu-pbt.conf")).Population.Adaptation!.Mode);
        var ladder = ExperimentConfig.Load(TestFiles.Config("menu-ladder.conf")).Population;
        Assert.Equal(AdaptMode.Pbt, ladder.Adaptation!.Mode);
        Assert.Equal(shipped.Population.Groups.Single().Menu!.Components.Select(c => c.Description).Where(d => d != "joint"),
            ladder.Groups.Single().Menu!.Components.Select(c => c.Description));
    }

    [Theory]
    [InlineData("""menu = ["joint"], masks = "joint" """, "", "groups.agents.masks and groups.agents.menu are not allowed together")]
    [InlineData("""menu = []""", "", "groups.agents.menu = (empty) is not allowed (a non-empty list of mask specs")]
    [InlineData("""menu = ["joint", "joint"]""", "", "groups.agents.menu names joint twice")]
    [InlineData("""menu = ["marginal(k=3)"]""", "", "groups.agents.menu entry \"marginal(k=3)\" is not allowed (")]
    [InlineData("""menu = ["joint"]""", "population.adapt = sometimes", "population.adapt = sometimes is not allowed (one of: none, bandit, pbt)")]
    [InlineData("""masks = "joint" """, "population.adapt = bandit", "population.adapt = bandit: needs a group with a menu")]
    [InlineData("""menu = ["joint"]""", "population.adapt = pbt\nledger.every = 0", "ledger.every = 0: population.adapt = pbt steers by the ledger's ΔJ of each task; set ledger.every ≥ 1")]
    [InlineData("""menu = ["joint"]""", "population.adapt-floor = 1", "population.adapt-floor = 1 is not allowed (a number in [0, 0.999])")]
    public void Malformed_menus_and_adaptations_are_refused_in_one_line(string group, string rest, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Population(group, rest)));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_menu_on_a_one_dimensional_target_without_a_family_left_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Population("""menu = ["haar(marginal(k={k}))"]""", "", dim: 1)));
        Assert.Contains("no family is left for dimension 1", e.Message);
    }

    [Fact]
    public void Two_lockstep_runs_of_an_adaptive_population_adapt_identically_and_write_its_history()
    {
        foreach (var mode in new[] { "pbt", "bandit" })
        {
            var first = ExperimentRun.Run(Smoke($"population.adapt={mode}"), Path.Combine(_folder, mode + "1"), consoleLog: TextWriter.Null);
            var second = ExperimentRun.Run(Smoke($"population.adapt={mode}"), Path.Combine(_folder, mode + "2"), consoleLog: TextWriter.Null);
            foreach (var file in new[] { "adaptation.csv", "adaptation-tasks.csv", "adaptation.json", "agents.csv" })
                Assert.Equal(File.ReadAllText(Path.Combine(first.Folder, file)), File.ReadAllText(Path.Combine(second.Folder, file)));
            Assert.Equal(WithoutTimings(first.Folder), WithoutTimings(second.Folder));
            Assert.True(File.Exists(Path.Combine(first.Folder, "plots", "adaptation-agents.png")));

            var history = first.Gmm().Adaptation!;
            Assert.Equal(mode, history.Mode);
            var menu = Assert.Single(history.Menus);
            // Every task of the run is a menu task, and each interval's counts add up to its length.
            Assert.Equal(120, history.TotalTasks(menu).Sum());
            Assert.All(history.Shares, row => Assert.Equal(1, row.Shares.Sum(), 9));
            var end = history.MeanShares(menu).Last();
            Assert.Equal(120, end.Task);
            Assert.NotEqual(menu.InitialShares, end.Mean); // the shares moved
            if (mode == "pbt") Assert.Equal(20 * 1, history.Copies.Length); // 120 / 6 steps, one copy each (25 % of 4 agents)
            else Assert.Empty(history.Copies);
        }
    }

    [Fact]
    public void A_population_without_adaptation_draws_its_menu_with_the_menus_shares_and_records_the_families_it_ran()
    {
        var run = ExperimentRun.Run(Smoke("population.adapt=none"), Path.Combine(_folder, "none"), consoleLog: TextWriter.Null);
        var history = run.Gmm().Adaptation!;
        Assert.Equal("none", history.Mode);
        Assert.All(history.Shares, row => Assert.Equal([0.25, 0.25, 0.25, 0.25], row.Shares));
        var tasks = history.TotalTasks(history.Menus[0]);
        Assert.Equal(120, tasks.Sum());
        Assert.All(tasks, t => Assert.InRange(t, 10, 50)); // 30 expected each; ±4 standard deviations is [10, 50]
    }

    [Fact]
    public void An_interrupted_adaptive_run_resumes_to_the_uninterrupted_runs_history_and_model()
    {
        foreach (var mode in new[] { "pbt", "bandit" })
        {
            var config = Smoke($"population.adapt={mode}", "checkpoint.every=25");
            var whole = ExperimentRun.Run(config, Path.Combine(_folder, "whole-" + mode), consoleLog: TextWriter.Null);
            using var stop = new CancellationTokenSource();
            var folder = Path.Combine(_folder, "cut-" + mode);
            var interrupted = ExperimentRun.Run(config, folder, new StopAt(30, stop), consoleLog: TextWriter.Null, cancellationToken: stop.Token);
            Assert.True(interrupted.Interrupted);
            Assert.InRange(interrupted.Outcome.Tasks, 30, 119);

            var resumed = ExperimentRun.Resume(folder, consoleLog: TextWriter.Null);

            Assert.False(resumed.Interrupted);
            foreach (var file in new[] { "adaptation.csv", "adaptation-tasks.csv", "adaptation.json", "agents.csv" })
                Assert.Equal(File.ReadAllText(Path.Combine(whole.Folder, file)), File.ReadAllText(Path.Combine(folder, file)));
            Assert.Equal(WithoutTimings(whole.Folder), WithoutTimings(folder));
            Assert.Equal(whole.Gmm().Final.Parameters, resumed.Gmm().Final.Parameters);
        }
    }

    private sealed class StopAt(long tasks, CancellationTokenSource stop) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.TasksDone >= tasks) stop.Cancel();
        }
    }
}
