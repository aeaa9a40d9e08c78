using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Core.Tests.Training;

/// <summary>Cooperative batches (model.batch): one SGD step on the sum of several tasks' losses, and the ledger's split of it.</summary>
[Collection(TorchCollection.Name)]
public class CooperativeBatchTests
{
    public CooperativeBatchTests() => TorchRuntime.Configure(threads: 1);

    private static GmmTrainer NewTrainer(double learningRate = 0.1) =>
        new(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), ObjectiveKind.ReverseKl, learningRate);

    private static BatchedTask[] MixedBatch(int[] innerSteps)
    {
        var rng = new Rng(5);
        var tasks = new[]
        {
            LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, rng)),
            LearningTask.Joint(2),
            LearningTask.Marginal(2, [1], OrthogonalTransform.Haar(2, rng)).WithNoise(0.5),
            LearningTask.Joint(2).WithNoise(1),
        };
        return innerSteps.Select((steps, i) => new BatchedTask(tasks[i % tasks.Length], steps, 100 + i)).ToArray();
    }

    [Fact]
    public void A_batch_of_one_task_is_the_sequential_task_to_the_last_bit()
    {
        var task = MixedBatch([20])[0];
        using var sequential = NewTrainer();
        using var batched = NewTrainer();
        var before = batched.Model.GetParameterVector();
        var alone = sequential.Run(task.Task, task.InnerSteps, task.BatchSeed);
        var batch = batched.RunBatch([task]);
        var after = batched.Model.GetParameterVector();
        Assert.Equal(sequential.Model.GetParameterVector(), after);
        Assert.Equal(alone, Assert.Single(batch.Outcomes));
        Assert.Equal(before, batch.ParametersBefore);
        Assert.Equal(after.Select((a, i) => a - before[i]).ToArray(), batch.Updates[0]);
    }

    [Fact]
    public void One_summed_step_moves_theta_by_minus_lr_times_the_sum_of_each_tasks_own_autograd_gradient()
    {
        var tasks = MixedBatch([1, 1, 1, 1]);
        using var reference = NewTrainer();
        var theta = reference.Model.GetParameterVector();
        // The probe's task gradient goes through libtorch's autograd and draws from libtorch's generator: an independent path.
        var gradients = tasks.Select(t => reference.TaskGradient(t.Task, t.BatchSeed)).ToArray();
        using var trainer = NewTrainer();
        var batch = trainer.RunBatch(tasks);
        var after = trainer.Model.GetParameterVector();
        for (int j = 0; j < theta.Length; j++)
        {
            double expected = theta[j] - 0.1 * gradients.Sum(g => g[j]);
            Assert.True(Math.Abs(after[j] - expected) < 1e-12, $"θ[{j}] = {after[j]}, expected {expected}");
            for (int i = 0; i < tasks.Length; i++)
                Assert.True(Math.Abs(batch.Updates[i][j] + 0.1 * gradients[i][j]) < 1e-12, $"task {i}'s update at {j}");
        }
        Assert.All(batch.Outcomes, o => Assert.Equal((1, 1L, false), (o.AppliedSteps, o.Version, o.Rejected)));
        Assert.Equal(1, trainer.Version);
    }

    [Fact]
    public void Plain_and_autograd_batches_agree_and_each_task_stops_after_its_own_inner_steps()
    {
        var tasks = MixedBatch([20, 5, 12, 20]);
        (BatchOutcome Batch, double[] Theta, long Version) Train(bool direct)
        {
            using var trainer = NewTrainer();
            trainer.UseDirectGradient = direct;
            var batch = trainer.RunBatch(tasks);
            return (batch, trainer.Model.GetParameterVector(), trainer.Version);
        }
        var plain = Train(direct: true);
        var autograd = Train(direct: false);
        Assert.Equal(20, plain.Version);
        Assert.Equal(autograd.Version, plain.Version);
        Assert.Equal(new[] { 20, 5, 12, 20 }, plain.Batch.Outcomes.Select(o => o.AppliedSteps));
        Assert.All(plain.Batch.Outcomes, o => Assert.Null(o.Rejection));
        for (int j = 0; j < plain.Theta.Length; j++)
        {
            Assert.True(Math.Abs(plain.Theta[j] - autograd.Theta[j]) <= 1e-10 * (1 + Math.Abs(plain.Theta[j])), $"θ[{j}]: {plain.Theta[j]} vs {autograd.Theta[j]}");
            // The tasks' parts add up to the change of θ.
            double change = plain.Theta[j] - plain.Batch.ParametersBefore[j];
            double parts = plain.Batch.Updates.Sum(u => u[j]);
            Assert.True(Math.Abs(change - parts) < 1e-12, $"θ[{j}] moved {change}, the parts sum to {parts}");
        }
        for (int i = 0; i < tasks.Length; i++)
            Assert.Equal(autograd.Batch.Outcomes[i].FirstLoss, plain.Batch.Outcomes[i].FirstLoss, 1e-10);
    }

    [Fact]
    public void A_refused_summed_step_rejects_the_tasks_still_running_and_keeps_the_steps_applied_before_it()
    {
        var tasks = MixedBatch([3, 20, 20]);
        using var trainer = NewTrainer(learningRate: 40); // the update soon overflows or the loss stops being finite
        var batch = trainer.RunBatch(tasks);
        var rejected = batch.Outcomes.Where(o => o.Rejected).ToArray();
        Assert.NotEmpty(rejected);
        int applied = rejected[0].AppliedSteps;
        Assert.True(applied < 20);
        Assert.All(rejected, o => Assert.Equal(applied, o.AppliedSteps));
        Assert.All(rejected, o => Assert.Contains($"step {applied + 1} of a batch of 3", o.Rejection));
        Assert.Equal(applied, trainer.Version);
        Assert.All(trainer.Model.GetParameterVector(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Objective_slopes_equal_the_autograd_gradient_of_J_along_each_direction_at_the_given_theta()
    {
        using var trainer = NewTrainer();
        var start = trainer.Model.GetParameterVector();
        trainer.RunBatch(MixedBatch([20, 20, 20])); // the model now sits elsewhere
        var now = trainer.Model.GetParameterVector();
        var rng = new Rng(9);
        var directions = Enumerable.Range(0, 3).Select(_ => start.Select(_ => rng.NextGaussian() * 0.01).ToArray()).ToArray();
        var slopes = trainer.ObjectiveSlopes(start, directions);
        Assert.Equal(now, trainer.Model.GetParameterVector()); // left as it was

        using var reference = NewTrainer(); // at θ = start
        var gradient = reference.ObjectiveGradient();
        for (int i = 0; i < directions.Length; i++)
        {
            double expected = gradient.Select((g, j) => g * directions[i][j]).Sum();
            Assert.True(Math.Abs(slopes[i] - expected) <= 1e-6 * Math.Abs(expected), $"slope {i}: {slopes[i]}, autograd {expected}");
        }
        Assert.Equal([0.0], trainer.ObjectiveSlopes(start, [new double[start.Length]]));
    }

    [Fact]
    public void Shares_are_proportional_to_the_slopes_and_sum_to_one_and_are_equal_when_no_task_can_be_singled_out()
    {
        Assert.Equal([0.25, 0.75], ContributionSplit.Shares([-1.0, -3.0]));
        Assert.Equal([2.0, -1.0], ContributionSplit.Shares([4.0, -2.0])); // a task that moved θ uphill gets a negative share
        Assert.Equal([0.5, 0.5], ContributionSplit.Shares([1.0, -1.0]));
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], ContributionSplit.Shares([1.0, double.NaN, 2.0]));
        Assert.Empty(ContributionSplit.Shares([]));
    }
}
