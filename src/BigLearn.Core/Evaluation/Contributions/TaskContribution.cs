namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>One agent's alignment at an audit: the cosine between its next task's gradient and ∇J at the same θ.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Group">Its group index.</param>
/// <param name="Cosine">cos(∇loss_task, ∇J) in [−1, 1] (positive: its step lowers J to first order); NaN when undefined.</param>
public sealed record AgentAlignment(int AgentId, int Group, double Cosine);

/// <summary>
/// What the model measured around one task, as plain numbers: J before and after (when the task was measured) and,
/// at audit points, every pending agent's alignment. Travels in the model's <c>TaskCompleted</c> notification.
/// </summary>
/// <param name="Measured">Whether J was measured around this task.</param>
/// <param name="ObjectiveBefore">J(θ) before the task (NaN when not measured).</param>
/// <param name="ObjectiveAfter">J(θ) after the task (NaN when not measured).</param>
/// <param name="Scale">What a measured ΔJ stands for: 1 in exact mode, k when every k-th task is measured.</param>
/// <param name="Audit">The alignments audited just before this task (empty when none).</param>
/// <param name="Share">This task's share of the measured change: 1 for a task applied alone; in a cooperative batch, where J is
/// measured around the whole batch, its first-order share (<see cref="ContributionSplit"/>).</param>
/// <param name="Baseline">The ΔJ a typical peer would have made at the same θ (unscaled): the mean ΔJ of counterfactual tasks drawn
/// from the population's mix (<see cref="ICounterfactualProbe"/>), or in a cooperative batch the batch's mean part. NaN when none
/// was estimated; the task is then its own baseline (advantage 0).</param>
public sealed record TaskContribution(bool Measured, double ObjectiveBefore, double ObjectiveAfter, long Scale, IReadOnlyList<AgentAlignment> Audit,
    double Share = 1, double Baseline = double.NaN)
{
    /// <summary>This task's ΔJ: <see cref="Share"/> × (J(θ_before) − J(θ_after)), positive when it lowered J (0 when not measured).</summary>
    public double Delta => Measured ? Share * (ObjectiveBefore - ObjectiveAfter) : 0;

    /// <summary>The credit booked for the proposer: <see cref="Delta"/> × <see cref="Scale"/>.</summary>
    public double Credit => Delta * Scale;

    /// <summary>What a typical peer would have earned in this task's place: <see cref="Baseline"/> × <see cref="Scale"/>, or the task's own
    /// <see cref="Credit"/> when no baseline was estimated (0 when not measured).</summary>
    public double BaselineCredit => Measured ? (double.IsFinite(Baseline) ? Baseline * Scale : Credit) : 0;

    /// <summary>How much better than a typical peer at the same θ this task did: <see cref="Credit"/> − <see cref="BaselineCredit"/>.</summary>
    public double Advantage => Credit - BaselineCredit;
}
