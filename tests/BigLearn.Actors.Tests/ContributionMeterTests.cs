using Akka.Actor;
using BigLearn.Actors.Ledger;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Tests;

public sealed class ContributionMeterTests
{
    /// <summary>J without ∇J (what a GAN trainer offers): θ a scalar moved by −1 per step, J(θ) = θ² (evaluations counted).</summary>
    private class ObjectiveOnlyRunner(double theta) : ITaskRunner, IObjectiveProbe
    {
        public double Theta { get; protected set; } = theta;
        public long Version { get; protected set; }
        public int Evaluations { get; private set; }

        public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
        {
            Theta -= innerSteps;
            Version += innerSteps;
            return new TaskOutcome(1, 0.5, 0.1, innerSteps, null, Version);
        }

        public double EvaluateObjective()
        {
            Evaluations++;
            return Theta * Theta;
        }
    }

    /// <summary>the runner above with ∇J, batches and counterfactual tasks; restorable like a real runner.</summary>
    private sealed class ScalarRunner(double theta) : ObjectiveOnlyRunner(theta), IBatchTaskRunner, IRestorableRunner, IContributionProbe, ICounterfactualProbe
    {
        public int Counterfactuals { get; private set; }

        // J after the task's inner steps from the current θ, which stays as it is.
        public double ObjectiveAfter(LearningTask task, int innerSteps, long seed)
        {
            Counterfactuals++;
            return (Theta - innerSteps) * (Theta - innerSteps);
        }

        public double[] ObjectiveGradient() => [2 * Theta];

        public double[] TaskGradient(LearningTask task, long seed) => [1];

        public double[] ObjectiveSlopes(double[] theta, IReadOnlyList<double[]> directions) => [.. directions.Select(d => 2 * theta[0] * d[0])];

        // Every task moves θ by −1 per inner step it runs; the batch applies them together.
        public BatchOutcome RunBatch(IReadOnlyList<BatchedTask> tasks)
        {
            double before = Theta;
            Theta -= tasks.Sum(t => t.InnerSteps);
            Version += tasks.Max(t => t.InnerSteps);
            return new BatchOutcome([.. tasks.Select(t => new TaskOutcome(1, 0.5, 0.1, t.InnerSteps, null, Version))], [before],
                [.. tasks.Select(t => new double[] { -t.InnerSteps })]);
        }

        public RunnerState CaptureState() => new(Version, [Theta], new Dictionary<string, double[]>());

        public void RestoreState(RunnerState state) => (Version, Theta) = (state.Version, state.Parameters[0]);
    }

    private static readonly LearningTask Task = LearningTask.Marginal(2, [0]);

    private static PendingProposal Pending(long id, int agent = 0) => new(id, id, ActorRefs.Nobody,
        new ModelProtocol.Propose(agent, 0, id, TaskDescriptor.From(Task), 1, id), Task);

    private static TaskContribution Measure(ContributionMeter meter, ScalarRunner runner, long sequence)
    {
        var before = meter.Before(runner, sequence, Pending(sequence), [])!;
        runner.Run(Task, 1, sequence);
        return meter.After(runner, before);
    }

    [Fact]
    public void A_batchs_delta_J_is_split_by_each_tasks_first_order_share_and_its_credits_sum_to_it()
    {
        var meter = new ContributionMeter(new ContributionSchedule(1, 1, ContributionObjectiveSettings.Default), [1.0]);
        var runner = new ScalarRunner(10);
        PendingProposal[] batch = [Pending(1, agent: 0), Pending(2, agent: 1)];
        var before = meter.Before(runner, 1, batch, [])!;
        var outcome = runner.RunBatch([new BatchedTask(Task, 1, 1), new BatchedTask(Task, 3, 2)]);
        var split = meter.After(runner, before, outcome);
        // J = θ²: 100 before, (10 − 4)² = 36 after, ΔJ = 64. ⟨∇J(10), Δθ_i⟩ = 20·(−1) and 20·(−3): shares 1/4 and 3/4.
        Assert.Equal([16.0, 48.0], split.Select(c => c.Credit));
        Assert.All(split, c => Assert.Equal((100.0, 36.0), (c.ObjectiveBefore, c.ObjectiveAfter)));
        Assert.Equal(2, split[0].Audit.Count); // the audit is booked once, with the first task
        Assert.Empty(split[1].Audit);
        Assert.Equal(2, runner.Evaluations);
    }

    [Fact]
    public void An_exact_meter_evaluates_J_once_per_task_and_reuses_it_as_the_next_tasks_J_before()
    {
        var meter = new ContributionMeter(new ContributionSchedule(1, 0, ContributionObjectiveSettings.Default), [1.0]);
        var runner = new ScalarRunner(10);
        var first = Measure(meter, runner, 1);
        var second = Measure(meter, runner, 2);
        Assert.Equal((100.0, 81.0), (first.ObjectiveBefore, first.ObjectiveAfter));
        Assert.Equal((81.0, 64.0), (second.ObjectiveBefore, second.ObjectiveAfter));
        Assert.Equal(3, runner.Evaluations);
    }

    [Fact]
    public void A_runner_restored_to_an_older_state_or_rebuilt_at_the_same_version_is_never_served_a_cached_J()
    {
        var meter = new ContributionMeter(new ContributionSchedule(1, 0, ContributionObjectiveSettings.Default), [1.0]);
        var runner = new ScalarRunner(10);
        Measure(meter, runner, 1);                                  // cache: version 1, J = 81 (θ = 9)

        // The same instance put back to θ = 4 at version 1 (what a model restart does); the actor tells the meter.
        runner.RestoreState(new RunnerState(1, [4], new Dictionary<string, double[]>()));
        meter.Forget();
        Assert.Equal((16.0, 9.0), (Measure(meter, runner, 2).ObjectiveBefore, Measure(meter, runner, 3).ObjectiveBefore));

        // Another instance at the cached version (3) with other parameters: told apart without being told.
        var rebuilt = new ScalarRunner(0);
        rebuilt.RestoreState(new RunnerState(runner.Version, [7], new Dictionary<string, double[]>()));
        Assert.Equal(49.0, Measure(meter, rebuilt, 4).ObjectiveBefore);
    }

    private static PendingProposal Pending(long id, int agent, int group, int innerSteps) => new(id, id, ActorRefs.Nobody,
        new ModelProtocol.Propose(agent, group, id, TaskDescriptor.From(Task), innerSteps, id), Task);

    [Fact]
    public void The_baseline_is_the_mean_delta_J_of_counterfactual_tasks_drawn_by_share_from_the_other_agents_pending_proposals()
    {
        var schedule = new ContributionSchedule(1, 0, ContributionObjectiveSettings.Default) { BaselineProbes = 400 };
        var meter = new ContributionMeter(schedule, [0.9, 0.1]);
        var runner = new ScalarRunner(10);
        // Pending: agent 1 (group 0, 2 steps: ΔJ = 100 − 64 = 36), agent 2 (group 1, 5 steps: ΔJ = 75), and a second proposal of the
        // running agent 0 (9 steps), which is no peer and must not be drawn.
        PendingProposal[] pool = [Pending(2, agent: 1, group: 0, innerSteps: 2), Pending(3, agent: 2, group: 1, innerSteps: 5), Pending(4, agent: 0, group: 0, innerSteps: 9)];
        var before = meter.Before(runner, 1, Pending(1, agent: 0, group: 0, innerSteps: 1), pool)!;
        // Expected 0.9·36 + 0.1·75 = 39.9; one draw has sd 0.3·39 = 11.7, the mean of 400 draws 0.585.
        Assert.InRange(before.Baseline, 39.9 - 4 * 0.585, 39.9 + 4 * 0.585);
        Assert.Equal(2, runner.Counterfactuals); // each drawn proposal is run once, however often it is drawn
        Assert.Equal(10, runner.Theta);
        runner.Run(Task, 1, 1);
        var contribution = meter.After(runner, before);
        Assert.Equal(19, contribution.Credit);
        Assert.Equal(19 - before.Baseline, contribution.Advantage, 12);
        // The same task number and pool draw the same probes.
        var again = new ContributionMeter(schedule, [0.9, 0.1]).Before(new ScalarRunner(10), 1, Pending(1, agent: 0, group: 0, innerSteps: 1), pool)!;
        Assert.Equal(before.Baseline, again.Baseline);
    }

    [Fact]
    public void Without_a_peer_pending_or_with_no_probes_there_is_no_baseline_and_a_batchs_baseline_is_its_mean_part()
    {
        var runner = new ScalarRunner(10);
        var alone = new ContributionMeter(new ContributionSchedule(1, 0, ContributionObjectiveSettings.Default), [1.0])
            .Before(runner, 1, Pending(1, agent: 0, group: 0, innerSteps: 1), [Pending(2, agent: 0, group: 0, innerSteps: 3)])!;
        Assert.True(double.IsNaN(alone.Baseline));
        var off = new ContributionMeter(new ContributionSchedule(1, 0, ContributionObjectiveSettings.Default) { BaselineProbes = 0 }, [1.0])
            .Before(runner, 1, Pending(1, agent: 0, group: 0, innerSteps: 1), [Pending(2, agent: 1, group: 0, innerSteps: 3)])!;
        Assert.True(double.IsNaN(off.Baseline));
        Assert.Equal(0, runner.Counterfactuals);

        var meter = new ContributionMeter(new ContributionSchedule(1, 1, ContributionObjectiveSettings.Default), [1.0]);
        PendingProposal[] batch = [Pending(1, agent: 0), Pending(2, agent: 1)];
        var before = meter.Before(runner, 1, batch, [])!;
        var split = meter.After(runner, before, runner.RunBatch([new BatchedTask(Task, 1, 1), new BatchedTask(Task, 3, 2)]));
        Assert.All(split, c => Assert.Equal(32, c.Baseline)); // ΔJ 64 over two peers
        Assert.Equal([-16.0, 16.0], split.Select(c => c.Advantage));
    }

    [Fact]
    public void A_runner_with_J_but_no_gradient_is_measured_every_kth_task_and_never_audited()
    {
        // Audits due before every task, every 2nd task measured: a sampled ledger, and no audit for want of ∇J.
        var meter = new ContributionMeter(new ContributionSchedule(2, 1, ContributionObjectiveSettings.Default), [1.0]);
        var runner = new ObjectiveOnlyRunner(10);
        var measured = new List<TaskContribution?>();
        for (long sequence = 1; sequence <= 4; sequence++)
        {
            var before = meter.Before(runner, sequence, Pending(sequence), [Pending(sequence + 10, agent: 1)]);
            runner.Run(Task, 1, sequence);
            measured.Add(before is null ? null : meter.After(runner, before));
        }
        Assert.Null(measured[1]);
        Assert.Null(measured[3]);
        Assert.Equal((100.0, 81.0, 2L), (measured[0]!.ObjectiveBefore, measured[0]!.ObjectiveAfter, measured[0]!.Scale));
        Assert.Equal((64.0, 49.0), (measured[2]!.ObjectiveBefore, measured[2]!.ObjectiveAfter));
        Assert.Equal(30.0, measured[2]!.Credit); // ΔJ 15, counted twice
        Assert.All(measured.OfType<TaskContribution>(), c => Assert.Empty(c.Audit));
        Assert.Equal(4, runner.Evaluations); // J before and after each measured task: nothing cached across the gap
    }
}
