namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// Everything a <see cref="ContributionLedger"/> has booked, as plain arrays (a checkpoint saves it as JSON; doubles
/// written in their shortest round-trip form come back bit for bit). Agents and groups are indexed as in the ledger.
/// </summary>
/// <param name="Tasks">Tasks recorded (measured or not).</param>
/// <param name="MeasuredTasks">Tasks whose ΔJ was measured.</param>
/// <param name="InitialObjective">J(θ₀) (NaN before the first measured task).</param>
/// <param name="LatestObjective">J after the latest measured task (NaN before the first).</param>
/// <param name="SumOfDeltas">Σ of the measured ΔJ, unscaled.</param>
/// <param name="AgentCredit">Each agent's credit.</param>
/// <param name="AgentMeasured">Each agent's measured tasks.</param>
/// <param name="AgentCosines">Each agent's audited cosines, in the order they were booked (their mean depends on that order in the last bits).</param>
/// <param name="GroupCredit">Each group's credit.</param>
/// <param name="Timeline">Cumulative group credit after every measured task.</param>
/// <param name="Audits">Group alignment at every audit.</param>
/// <param name="AgentAdvantage">Each agent's Σ of task advantages over a typical peer.</param>
/// <param name="BaselineCredit">Σ of every measured task's baseline credit.</param>
/// <param name="BaselinedTasks">Measured tasks that had a baseline.</param>
/// <param name="TaskAgents">The agent of every measured task, in order.</param>
/// <param name="TaskAdvantages">The advantage of every measured task, in order.</param>
public sealed record LedgerState(long Tasks, long MeasuredTasks, double InitialObjective, double LatestObjective, double SumOfDeltas,
    double[] AgentCredit, long[] AgentMeasured, double[][] AgentCosines, double[] GroupCredit,
    CreditPoint[] Timeline, AuditPoint[] Audits, double[] AgentAdvantage, double BaselineCredit, long BaselinedTasks, int[] TaskAgents, double[] TaskAdvantages);
