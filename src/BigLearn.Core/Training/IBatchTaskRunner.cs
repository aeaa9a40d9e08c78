using BigLearn.Core.Tasks;

namespace BigLearn.Core.Training;

/// <summary>
/// A task runner that can apply a cooperative batch: several agents' tasks whose losses are summed into one SGD step
/// (<c>model.batch</c>, docs/science.md, "Cooperative batches"). Implementations are not thread-safe.
/// </summary>
public interface IBatchTaskRunner : ITaskRunner
{
    /// <summary>
    /// Runs the tasks together: inner step s applies θ ← θ − lr·Σ_i ∇loss_i(θ) over the tasks that have more than s inner
    /// steps, each task drawing from its own seed as it would alone. A step whose summed loss or gradient is not finite is
    /// not applied and ends the batch (the tasks still running then are rejected). One task runs exactly as
    /// <see cref="ITaskRunner.Run"/> would.
    /// </summary>
    /// <param name="tasks">The tasks, at least one.</param>
    BatchOutcome RunBatch(IReadOnlyList<BatchedTask> tasks);
}

/// <summary>One task of a cooperative batch.</summary>
/// <param name="Task">The task.</param>
/// <param name="InnerSteps">Its inner steps (at least 1).</param>
/// <param name="BatchSeed">The seed its random numbers come from.</param>
public sealed record BatchedTask(LearningTask Task, int InnerSteps, long BatchSeed);

/// <summary>What a cooperative batch did.</summary>
/// <param name="Outcomes">Per task, in the order given: its own first and last loss, the norm of the last summed step it was part of,
/// the steps applied while it ran, its rejection if any, and the model version after the batch.</param>
/// <param name="ParametersBefore">θ before the batch (the ledger's first-order split is taken there).</param>
/// <param name="Updates">Per task, its part of the applied change of θ: −lr·Σ_s ∇loss_i over the applied steps (the parts sum to the change).</param>
public sealed record BatchOutcome(IReadOnlyList<TaskOutcome> Outcomes, double[] ParametersBefore, IReadOnlyList<double[]> Updates);
