using System.Text.Json.Nodes;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;
using BigLearn.Reporting;
using BigLearn.Reporting.Contributions;
using TorchSharp;

namespace BigLearn.Hosting.Tests;

/// <summary>A sweep whose seeds run side by side (replicas) in one process and one actor system.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReplicaSweepTests : IDisposable
{
    private static readonly long[] Seeds = [888, 5079, 6395];
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-replica-sweep-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The smoke config cut to 30 tasks of 3 steps, with the ledger (groups.csv, contributions.json), two checkpoints and three
    // evaluations (each evaluation point is two plots to draw, most of a small run's time).
    private static IExperiment Small(long seed, params string[] sets) => ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"),
        ["budget=30", "groups.marginal.inner-steps=3", "groups.joint.inner-steps=3", "evaluation.every=15", "evaluation.samples=500",
         "ledger.audit-every=10", "ledger.samples=400", "checkpoint.every=15", $"seed={seed}", .. sets]);

    [Fact]
    public void Replicas_write_for_every_seed_what_the_sequential_sweep_writes()
    {
        var sequential = ExperimentSweep.Run(s => Small(s), Seeds, Path.Combine(_folder, "sequential"), consoleLog: TextWriter.Null);
        var replicas = ExperimentSweep.Run(s => Small(s), Seeds, Path.Combine(_folder, "replicas"), consoleLog: TextWriter.Null, replicas: 2);

        Assert.Equal(1, sequential.Replicas);
        Assert.Equal(2, replicas.Replicas);
        Assert.Equal(Seeds, replicas.Rows.Select(r => r.Seed)); // seed order, whichever replica finished first
        foreach (var name in Seeds.Select(s => $"seed-{s}"))
        {
            string a = Path.Combine(sequential.Folder, name), b = Path.Combine(replicas.Folder, name);
            Assert.Equal(SummaryWithoutTimings(a), SummaryWithoutTimings(b));
            foreach (var file in new[] { "agents.csv", ContributionOutputs.GroupsFile, ContributionOutputs.JsonFile, "config.conf" })
                Assert.Equal(File.ReadAllText(Path.Combine(a, file)), File.ReadAllText(Path.Combine(b, file)));
            Assert.Equal(MetricsWithoutWallSeconds(a), MetricsWithoutWallSeconds(b));
            Assert.Equal(Directory.GetDirectories(Path.Combine(a, "checkpoints")).Select(Path.GetFileName),
                Directory.GetDirectories(Path.Combine(b, "checkpoints")).Select(Path.GetFileName));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(sequential.Folder, "sweep.json")), File.ReadAllText(Path.Combine(replicas.Folder, "sweep.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(sequential.Folder, "sweep.md")), File.ReadAllText(Path.Combine(replicas.Folder, "sweep.md")));
        // The seeds differ from each other: equal files above are not the same run three times.
        Assert.NotEqual(SummaryWithoutTimings(Path.Combine(replicas.Folder, "seed-888")), SummaryWithoutTimings(Path.Combine(replicas.Folder, "seed-5079")));
        Assert.Empty(Directory.GetDirectories(_folder, ".*")); // no staging folder left
    }

    [Fact]
    public void Each_replica_log_holds_the_events_of_its_own_run_only()
    {
        var sweep = ExperimentSweep.Run(s => Small(s), Seeds, Path.Combine(_folder, "logs"), consoleLog: TextWriter.Null, replicas: 3);

        foreach (var seed in Seeds)
        {
            var lines = File.ReadAllLines(Path.Combine(sweep.Folder, $"seed-{seed}", "log.jsonl"));
            Assert.Contains(lines, l => l.Contains("\"Evaluation at {Step} tasks: {Figures}\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"Checkpoint at {Step} tasks", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"Run completed:", StringComparison.Ordinal));
            foreach (var line in lines)
            {
                // An actor's event names its path (under the run's prefix), a host event the run; nothing names another seed.
                var e = JsonNode.Parse(line)!.AsObject();
                string? source = (string?)e["LogSource"], run = (string?)e["Run"];
                Assert.True(source?.Contains($"/user/seed-{seed}-", StringComparison.Ordinal) == true || run == $"seed-{seed}-", line);
                Assert.All(Seeds.Where(other => other != seed), other => Assert.DoesNotContain($"seed-{other}-", line, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Cancelling_a_replica_sweep_stops_every_replica_and_leaves_no_folder()
    {
        using var cancel = new CancellationTokenSource();
        var reached = new long[Seeds.Length];
        var folder = Path.Combine(_folder, "cancelled");

        // Each replica reports its progress from its own observer; the first task done anywhere stops the sweep.
        var sweep = Task.Run(() => ExperimentSweep.Run(s => Small(s, "budget=5000"), Seeds, folder,
            i => new Progress(p =>
            {
                Interlocked.Exchange(ref reached[i], p.TasksDone);
                if (p.TasksDone > 0) cancel.Cancel();
            }), TextWriter.Null, cancel.Token, replicas: 2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep.WaitAsync(Bound));
        Assert.Empty(Directory.GetFileSystemEntries(_folder)); // neither the sweep folder nor its staging folder
        Assert.All(reached, tasks => Assert.InRange(tasks, 0, 4999));
    }

    [Fact]
    public async Task A_failing_replica_stops_the_others_and_fails_the_sweep_with_its_error()
    {
        var started = new TaskCompletionSource();
        var reached = new long[Seeds.Length];
        var folder = Path.Combine(_folder, "failed");

        // The second seed fails once the first is training (it opens only after the first's first task); the third never starts.
        var sweep = Task.Run(() => ExperimentSweep.Run(s => s == Seeds[1] ? new FailingToOpen(Small(s, "budget=5000"), started.Task) : Small(s, "budget=5000"),
            Seeds, folder, i => new Progress(p =>
            {
                Interlocked.Exchange(ref reached[i], p.TasksDone);
                if (p.TasksDone > 0) started.TrySetResult();
            }), TextWriter.Null, replicas: 2));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sweep.WaitAsync(Bound));
        Assert.Equal(FailingToOpen.Message, error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
        Assert.InRange(reached[0], 1, 4999); // the first seed was training, and was stopped before its budget
        Assert.Equal(0, reached[2]);
    }

    [Fact]
    public void Auto_is_one_replica_per_seed_and_at_most_one_per_core()
    {
        Assert.Equal(1, ExperimentSweep.AutoReplicas(1));
        Assert.Equal(Math.Min(11, Environment.ProcessorCount), ExperimentSweep.AutoReplicas(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentSweep.Run(s => Small(s), Seeds, Path.Combine(_folder, "none"), replicas: 0));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    private static string SummaryWithoutTimings(string folder)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
        Assert.True(summary.Remove("timings"));
        Assert.True(summary.Remove("provenance"));
        return summary.ToJsonString();
    }

    // metrics.csv without its last column (wall_seconds): the evaluations themselves.
    private static string[] MetricsWithoutWallSeconds(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();

    /// <summary>Reports synchronously, on the reporting replica's own thread.</summary>
    private sealed class Progress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    /// <summary>An experiment that fails as its run begins, once <paramref name="after"/> has completed (or a bound has passed).</summary>
    private sealed class FailingToOpen(IExperiment inner, Task after) : IExperiment
    {
        public const string Message = "this replica fails on purpose";

        public IModelKind ModelKind => inner.ModelKind;

        public RunSettings Run => inner.Run;

        public string Summary() => inner.Summary();

        public bool Checkpoints => inner.Checkpoints;

        public bool Sweeps => inner.Sweeps;

        public IReadOnlyList<string> FigureNames => inner.FigureNames;

        public bool EvaluatesUntrainedModel => inner.EvaluatesUntrainedModel;

        public IExperimentSession Open(torch.Device device, Action<string>? stage)
        {
            after.Wait(Bound);
            throw new InvalidOperationException(Message);
        }
    }
}
