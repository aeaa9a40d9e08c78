using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using System.Text.Json.Nodes;
using Akka.Actor;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Experiments;
using TorchSharp;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Tests;

[Collection(TorchCollection.Name)]
public sealed class ExperimentRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-experiment-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ExperimentConfig Smoke(params string[] sets) => ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), sets);

    /// <summary>Collects every task the model ran, in order; the completion source is set when the run's end reaches it.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<TaskCompleted> tasks, TaskCompletionSource done)
        {
            Receive<TaskCompleted>(tasks.Add);
            Receive<Evaluation>(_ => { });
            Receive<RunCompleted>(_ => done.SetResult());
        }
    }

    /// <summary>
    /// Runs <paramref name="config"/> for <paramref name="budget"/> tasks through the actors in lockstep with the real trainer
    /// on the CPU; returns every task the model ran, in order, the run's answer and θ at the end.
    /// </summary>
    private static async Task<(List<TaskCompleted> Tasks, RunCompleted Result, double[] Theta)> RunThroughTheActors(ExperimentConfig config, long budget)
    {
        var tasks = new List<TaskCompleted>();
        double[]? theta = null;
        ModelRuntime Runtime()
        {
            var trainer = GmmRunFactory.CreateTrainer(config, torch.CPU);
            return new ModelRuntime(trainer, () =>
            {
                theta = trainer.Model.GetParameterVector();
                return new Dictionary<string, double>();
            });
        }
        var spec = new PopulationSpec(config.Population.Seed, budget, config.Population.Groups, SchedulingMode.Lockstep, 1, evaluateEvery: budget);
        using var system = ActorSystem.Create("test", Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ModelActor.DispatcherConfig));
        var done = new TaskCompletionSource();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(tasks, done)));
        var supervisor = system.ActorOf(PopulationSupervisor.Props(spec, Runtime, recorder));
        var result = await supervisor.Ask<RunCompleted>(StartRun.Instance, TimeSpan.FromMinutes(2));
        // The supervisor answers the asker before the observer, so wait for the recorder to see the end too.
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await system.Terminate();
        Assert.NotNull(theta);
        return (tasks, result, theta);
    }

    [Fact]
    public async Task A_lockstep_actor_run_with_the_real_trainer_ends_where_the_plain_loop_over_its_tasks_ends()
    {
        // Two groups, a window switch, different inner steps: the actors decide the order, the plain loop replays it.
        var config = Smoke("budget=40", "groups.joint.inner-steps=3");
        var device = torch.CPU;
        var (tasks, result, actorTheta) = await RunThroughTheActors(config, 40);
        Assert.Equal(40, result.TotalTasks);
        Assert.Contains(tasks, t => t.Group == 1 && t.InnerSteps == 3); // the joint group ran after the switch

        using var plain = GmmRunFactory.CreateTrainer(config, device);
        var outcomes = Trainer.RunSequence(plain, tasks.Select(t => new ScheduledTask(t.Task.ToLearningTask(), t.InnerSteps, t.BatchSeed)));
        Assert.Equal(tasks.Select(t => t.Outcome), outcomes);
        Assert.Equal(plain.Model.GetParameterVector(), actorTheta);
        // The model really moved: the comparison is not between two untouched initialisations.
        using var fresh = GmmRunFactory.CreateTrainer(config, device);
        Assert.NotEqual(fresh.Model.GetParameterVector(), actorTheta);
    }

    [Fact]
    public async Task Noisy_views_cross_the_actor_boundary_and_train_as_in_the_plain_loop()
    {
        // The coarse-to-fine population at 48 tasks: its noisy agents' tasks travel as descriptors and must arrive
        // with their noise, in every window (sd 2 in the first quarter of the budget, sd 1 in the next two, sd 0.5 in the last).
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-coarse-to-fine.conf"), ["budget=48", "groups.marginal.count=2", "groups.coarse.inner-steps=2",
            "groups.medium.inner-steps=2", "groups.fine.inner-steps=2", "groups.marginal.inner-steps=2", "groups.joint.inner-steps=2"]);
        var device = torch.CPU;
        var (tasks, _, actorTheta) = await RunThroughTheActors(config, 48);
        Assert.Equal(48, tasks.Count);
        Assert.All(tasks.Where(t => t.Group == 1), t => Assert.Equal(2.0, t.Task.ToLearningTask().Noise));
        Assert.All(tasks.Where(t => t.Group == 2), t => Assert.Equal(1.0, t.Task.ToLearningTask().Noise));
        Assert.All(tasks.Where(t => t.Group == 3), t => Assert.Equal(0.5, t.Task.ToLearningTask().Noise));
        Assert.All(tasks.Where(t => t.Group is 0 or 4), t => Assert.Equal(0.0, t.Task.Noise));
        Assert.Contains(tasks.Take(12), t => t.Group == 1);       // coarse agents work in the first quarter ...
        Assert.DoesNotContain(tasks.Skip(12), t => t.Group == 1); // ... and only there
        Assert.Contains(tasks.Skip(12).Take(24), t => t.Group == 2);
        Assert.DoesNotContain(tasks.Skip(36), t => t.Group == 2);
        Assert.Contains(tasks.Skip(36), t => t.Group == 3);
        Assert.All(tasks, t => Assert.False(t.Outcome.Rejected));

        using var plain = GmmRunFactory.CreateTrainer(config, device);
        var outcomes = Trainer.RunSequence(plain, tasks.Select(t => new ScheduledTask(t.Task.ToLearningTask(), t.InnerSteps, t.BatchSeed)));
        Assert.Equal(tasks.Select(t => t.Outcome), outcomes);
        Assert.Equal(plain.Model.GetParameterVector(), actorTheta);
        // Dropping the noise gives another trajectory: the comparison above can tell.
        using var noiseless = GmmRunFactory.CreateTrainer(config, device);
        Trainer.RunSequence(noiseless, tasks.Select(t => new ScheduledTask(t.Task.ToLearningTask().WithNoise(0), t.InnerSteps, t.BatchSeed)));
        Assert.NotEqual(noiseless.Model.GetParameterVector(), actorTheta);
    }

    [Fact]
    public void The_smoke_experiment_writes_a_sane_run_folder()
    {
        var config = Smoke();
        var folder = Path.Combine(_folder, "run");
        var seen = new List<RunProgress>();
        var output = ExperimentRun.Run(config, folder, new SyncProgress(seen), consoleLog: TextWriter.Null);

        string[] expected = ["config.conf", "metrics.csv", "agents.csv", "summary.json", "report.md", "log.jsonl", "plots/model-final.png", "plots/density-final.png", "plots/kl.png", "plots/modes.png"];
        foreach (var file in expected) Assert.True(File.Exists(Path.Combine(folder, file)), file);
        Assert.Empty(Directory.GetDirectories(_folder, ".*")); // no staging folder left

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!;
        long tasks = (long)summary["tasks"]!, steps = (long)summary["steps"]!, rejectedSteps = (long)summary["rejected_steps"]!;
        Assert.Equal(60, tasks);
        Assert.Equal(tasks * 5 - rejectedSteps, steps);
        double hq = (double)summary["high_quality_fraction"]!;
        Assert.InRange(hq, 0, 1);
        Assert.InRange((int)summary["modes_covered"]!, 0, 25);
        Assert.Equal(25, (int)summary["modes_total"]!);
        Assert.True(double.IsFinite((double)summary["reverse_kl"]!) && double.IsFinite((double)summary["forward_kl"]!));
        Assert.Equal(60, (long)summary["groups"]!["marginal"]!["tasks"]! + (long)summary["groups"]!["joint"]!["tasks"]!);
        // The joint group only works in the second half, so it ran at most 30 tasks.
        Assert.InRange((long)summary["groups"]!["joint"]!["tasks"]!, 1, 30);

        // Evaluation points: the start, every 20 tasks, the end; the first is the initial model (all near (−5, −5)).
        var metrics = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.Equal(ExperimentRunWriter.MetricsHeader, metrics[0]);
        Assert.Equal(new[] { "0", "20", "40", "60" }, metrics.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(4 + 1, File.ReadAllLines(Path.Combine(folder, "agents.csv")).Length); // 3 marginal agents + 1 joint
        Assert.Equal(25 * 2 + 25 * 4 + 25, output.Gmm().Evaluations[0].Parameters.Length);

        // log.jsonl carries structured properties and the progress reached the budget.
        Assert.Contains("\"Step\":20", File.ReadAllText(Path.Combine(folder, "log.jsonl")));
        Assert.Equal(60, seen.Max(p => p.TasksDone));
    }

    [Fact]
    public void Two_lockstep_runs_with_the_same_seed_write_the_same_summary_apart_from_timings()
    {
        var config = Smoke("budget=30", "evaluation.every=15");
        var first = ExperimentRun.Run(config, Path.Combine(_folder, "a"), consoleLog: TextWriter.Null);
        var second = ExperimentRun.Run(config, Path.Combine(_folder, "b"), consoleLog: TextWriter.Null);
        var other = ExperimentRun.Run(Smoke("budget=30", "evaluation.every=15", "seed=889"), Path.Combine(_folder, "c"), consoleLog: TextWriter.Null);

        Assert.Equal(WithoutTimings(first.Folder), WithoutTimings(second.Folder));
        Assert.NotEqual(WithoutTimings(first.Folder), WithoutTimings(other.Folder));
        Assert.Equal(first.Gmm().Final.Parameters, second.Gmm().Final.Parameters);
    }

    private static string WithoutTimings(string folder)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
        Assert.True(summary.Remove("timings"));
        return summary.ToJsonString();
    }

    private sealed class SyncProgress(List<RunProgress> seen) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (seen) seen.Add(value);
        }
    }
}
