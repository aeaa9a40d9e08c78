using System.Diagnostics;
using BigLearn.Core.Training;
using BigLearn.Hosting.Kinds.Gmm;

namespace BigLearn.Hosting.Running;

/// <summary>Throughput of one way of running the §4.1 trainer's work, in task-steps (a task's inner step is one, batched or not).</summary>
/// <param name="Label">What ran.</param>
/// <param name="Steps">Task-steps applied.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record ThroughputResult(string Label, long Steps, double Seconds)
{
    /// <summary>Task-steps per second.</summary>
    public double StepsPerSecond => Steps / Seconds;
}

public static partial class TrainerBenchmark
{
    /// <summary>
    /// The plain loop's work as cooperative batches of <paramref name="batch"/> consecutive tasks (<see cref="IBatchTaskRunner.RunBatch"/>):
    /// the same gradients per task-step, fewer updates, so what it measures is what batching saves around the arithmetic.
    /// </summary>
    public static ThroughputResult Batches(long tasks, int batch, int innerSteps = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var config = Config(tasks, innerSteps);
        var device = ExperimentRun.ConfigureTorch(config.Run);
        using (var warmUp = GmmRunFactory.CreateTrainer(config, device))
            warmUp.RunBatch([.. TaskSequence(config, Math.Min(tasks, batch)).Select(Batched)]);
        using var trainer = GmmRunFactory.CreateTrainer(config, device);
        long steps = 0;
        var watch = Stopwatch.StartNew();
        foreach (var chunk in TaskSequence(config, tasks).Chunk(batch))
            steps += trainer.RunBatch([.. chunk.Select(Batched)]).Outcomes.Sum(o => (long)o.AppliedSteps);
        watch.Stop();
        return new ThroughputResult($"cooperative batch B = {batch}", steps, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// <paramref name="replicas"/> copies of the plain loop, each with its own seed and trainer, on as many threads at once: what a
    /// replica sweep (<c>--replicas</c>) gains from the machine's cores. Steps are summed over the replicas.
    /// </summary>
    public static ThroughputResult Replicas(long tasks, int replicas, int innerSteps = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var configs = Enumerable.Range(0, replicas).Select(r => Config(tasks, innerSteps, seed: 888 + r)).ToArray();
        var device = ExperimentRun.ConfigureTorch(configs[0].Run);
        using (var warmUp = GmmRunFactory.CreateTrainer(configs[0], device))
            Trainer.RunSequence(warmUp, TaskSequence(configs[0], WarmUpTasks));
        var trainers = configs.Select(c => GmmRunFactory.CreateTrainer(c, device)).ToArray();
        try
        {
            var steps = new long[replicas];
            var watch = Stopwatch.StartNew();
            // One thread per replica, as the replicas' model actors each have their own pinned thread.
            var threads = Enumerable.Range(0, replicas).Select(r => new Thread(() =>
            {
                foreach (var entry in TaskSequence(configs[r], tasks))
                    steps[r] += trainers[r].Run(entry.Task, entry.InnerSteps, entry.BatchSeed).AppliedSteps;
            })).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            watch.Stop();
            return new ThroughputResult($"{replicas} replicas at once", steps.Sum(), watch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
        }
    }

    private static BatchedTask Batched(ScheduledTask entry) => new(entry.Task, entry.InnerSteps, entry.BatchSeed);
}
