using System.Diagnostics;
using BigLearn.Core.Training;
using BigLearn.Hosting.Kinds.Gmm;

namespace BigLearn.Hosting.Running;

public static partial class TrainerBenchmark
{
    /// <summary>
    /// The plain loop with what the exact ledger adds per task on the model's thread: J after every task (J before is the previous
    /// J); and with <paramref name="probes"/> baseline probes per task as well (a counterfactual task from θ, its J, θ put back:
    /// <see cref="Core.Evaluation.Contributions.ICounterfactualProbe"/>), the following tasks standing for the peers' pending
    /// proposals. Throughput in task-steps of the real tasks.
    /// </summary>
    public static ThroughputResult Ledger(long tasks, int probes, int innerSteps = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probes);
        var config = Config(tasks, innerSteps);
        var device = ExperimentRun.ConfigureTorch(config.Run);
        var schedule = TaskSequence(config, tasks + probes).ToArray();
        using (var warmUp = GmmRunFactory.CreateTrainer(config, device))
        {
            warmUp.EvaluateObjective();
            warmUp.ObjectiveAfter(schedule[0].Task, schedule[0].InnerSteps, schedule[0].BatchSeed);
        }
        using var trainer = GmmRunFactory.CreateTrainer(config, device);
        long steps = 0;
        var watch = Stopwatch.StartNew();
        trainer.EvaluateObjective();
        for (int i = 0; i < tasks; i++)
        {
            for (int p = 1; p <= probes; p++)
                trainer.ObjectiveAfter(schedule[i + p].Task, schedule[i + p].InnerSteps, schedule[i + p].BatchSeed);
            steps += trainer.Run(schedule[i].Task, schedule[i].InnerSteps, schedule[i].BatchSeed).AppliedSteps;
            trainer.EvaluateObjective();
        }
        watch.Stop();
        return new ThroughputResult(probes == 0 ? "ledger: J every task" : $"ledger + {probes} baseline probe{(probes == 1 ? "" : "s")}", steps,
            watch.Elapsed.TotalSeconds);
    }
}
