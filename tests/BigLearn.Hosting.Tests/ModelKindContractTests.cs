using System.Globalization;
using System.Text.Json;
using BigLearn.Actors.Population;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;
using BigLearn.Reporting;

namespace BigLearn.Hosting.Tests;

/// <summary>
/// The model-kind contract is enough on its own: a kind defined here, outside Hosting, with its own config keys, runner,
/// evaluation, progress figure and outputs, runs end to end through the same pipeline as the shipped kinds.
/// </summary>
public sealed class ModelKindContractTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "biglearn-kind-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void A_kind_defined_outside_the_pipeline_runs_end_to_end_through_the_contract()
    {
        var source = ConfigSource.Parse("""
            kind = counting
            budget = 30
            step-weight = 3
            evaluation-every = 10
            groups {
              a { count = 2, masks = "joint", inner-steps = 4 }
              b { count = 1, masks = "marginal(k=1)", inner-steps = 1 }
            }
            """, "counting.conf");
        var experiment = CountingKind.Instance.Parse(source);
        var seen = new List<RunProgress>();
        var folder = Path.Combine(_root, "run");

        var output = ExperimentRun.Run(experiment, folder, new Sync(seen), consoleLog: TextWriter.Null);

        var outcome = Assert.IsType<CountingOutcome>(output.Outcome);
        Assert.False(output.Interrupted);
        Assert.Equal(30, outcome.Tasks);
        // Every applied inner step adds step-weight to the counter; the summary the kind wrote says the same.
        long steps = outcome.Steps;
        Assert.Equal(3.0 * steps, outcome.FinalCounter);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement;
        Assert.Equal(3.0 * steps, summary.GetProperty("counter").GetDouble());
        Assert.Equal(["config.conf", "summary.json", "log.jsonl"], output.Files);
        Assert.True(File.Exists(Path.Combine(folder, "config.conf")));
        // The evaluations at 0, 10, 20 and 30 tasks, as the kind asked (evaluation-every), with the kind's own figure in progress.
        Assert.Equal([0L, 10, 20, 30], outcome.EvaluatedAt);
        Assert.Contains(seen, p => p.Figures.Count == 1 && p.Figures[0].Label == "counter");
        Assert.Equal((3.0 * steps).ToString(CultureInfo.InvariantCulture), seen[^1].Figures[0].Text);
    }

    [Fact]
    public void The_registry_knows_each_shipped_kind_once_and_every_shipped_config_parses_as_its_kind()
    {
        Assert.Equal(ModelKinds.All.Count, ModelKinds.All.Select(k => k.Name).Distinct().Count());
        var configs = Path.Combine(TestFiles.RepoRoot(), "configs");
        foreach (var file in Directory.GetFiles(configs, "*.conf"))
        {
            var source = ConfigSource.Load(file);
            if (source.Has("kind") && source.RawText("kind") == LandscapeConfig.Kind) continue;
            var experiment = ModelKinds.Parse(source);
            Assert.Equal(source.Has("kind") ? source.RawText("kind") : "population", experiment.ModelKind.Name);
            Assert.False(string.IsNullOrWhiteSpace(experiment.Summary()));
        }
    }

    [Fact]
    public void An_unknown_kind_is_refused_in_one_line_naming_the_kinds()
    {
        var e = Assert.Throws<ConfigException>(() => ModelKinds.Parse(ConfigSource.Parse("kind = lattice", "x.conf")));
        Assert.Equal("x.conf: kind = lattice is not allowed (one of: population, gan)", e.Message);
    }

    private sealed class Sync(List<RunProgress> seen) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (seen) seen.Add(value);
        }
    }

    private sealed class CountingKind : IModelKind
    {
        public static CountingKind Instance { get; } = new();

        public string Name => "counting";

        public string Title => "a counter";

        public IExperiment Parse(ConfigSource source)
        {
            var basics = RunBasics.Parse(source, Name, ["kind", "budget", "step-weight", "evaluation-every"], "counting");
            var (groups, masks) = basics.ParseGroups(source, dim: 2);
            var spec = new PopulationSpec(basics.Seed, basics.Budget, groups, basics.Scheduling, basics.Credits,
                source.GetLong("evaluation-every", 10, 1, 1000));
            var run = new RunSettings(basics.Experiment, spec, basics.Device, basics.Threads, basics.Timeout, basics.FileLogLevel, masks, source,
                new CheckpointSection(0, 1), 0, null);
            return new CountingExperiment(run, source.GetDouble("step-weight", 1, 0, 100));
        }
    }

    private sealed class CountingExperiment(RunSettings run, double weight) : IExperiment
    {
        public IModelKind ModelKind => CountingKind.Instance;
        public RunSettings Run => run;
        public string Summary() => $"counting, weight {weight}";
        public bool Checkpoints => false;
        public bool Sweeps => false;
        public IReadOnlyList<string> FigureNames => ["counter"];
        public bool EvaluatesUntrainedModel => false;
        public IExperimentSession Open(TorchSharp.torch.Device device, Action<string>? stage) => new CountingSession(weight);
    }

    private sealed class CountingSession(double weight) : IExperimentSession
    {
        public ModelRuntime CreateRuntime()
        {
            var runner = new CountingRunner(weight);
            return new ModelRuntime(runner, () => new Dictionary<string, double> { ["counter"] = runner.Counter });
        }

        public IReadOnlyList<ProgressFigure> ProgressFigures { get; } = [new("counter", "counter", v => v.ToString(CultureInfo.InvariantCulture))];
        public bool SeparateFinalEvaluation => false;
        public void BeforeFinalEvaluation() { }

        public IRunOutcome Outcome(RunRecord record) => new CountingOutcome(record.Result.TotalTasks, record.Result.Steps,
            (record.Final ?? record.Evaluations[^1]).Values["counter"],
            [record.Initial.TasksRun, .. record.Evaluations.Select(e => e.TasksRun)]);
    }

    private sealed class CountingRunner(double weight) : ITaskRunner
    {
        public double Counter { get; private set; }
        public long Version { get; private set; }

        public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
        {
            Counter += weight * innerSteps;
            Version += innerSteps;
            return new TaskOutcome(0, 0, 0, innerSteps, null, Version);
        }
    }

    private sealed record CountingOutcome(long Tasks, long Steps, double FinalCounter, long[] EvaluatedAt) : IRunOutcome
    {
        public string Experiment => "counting";
        public long Seed => 888;
        public long Budget => Tasks;
        public double TotalSeconds => 0;
        public ResultTable Table => new(["counter"], [[FinalCounter.ToString(CultureInfo.InvariantCulture)]]);
        public IReadOnlyList<string> Sentences => [];
        public IReadOnlyList<RunFigure> Figures => [new("counter", "counter", FinalCounter)];
        public IReadOnlyList<RunFigure>? InitialFigures => null;

        public IReadOnlyList<string> Write(string folder)
        {
            File.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new { counter = FinalCounter }));
            return ["summary.json"];
        }
    }
}
