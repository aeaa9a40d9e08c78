namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>One agent's line in the ledger.</summary>
/// <param name="Id">The agent's id.</param>
/// <param name="Group">Its group's name.</param>
/// <param name="Credit">Σ of its credits (ΔJ, scaled in sampled mode): how much J fell because of its tasks.</param>
/// <param name="Share">Its credit over the total credit (NaN when the total is 0).</param>
/// <param name="Alignment">Mean cosine between its task gradients and ∇J over the audits (NaN without audits).</param>
/// <param name="Audits">Audits it took part in.</param>
/// <param name="MeasuredTasks">Its tasks whose ΔJ was measured.</param>
public sealed record AgentContribution(int Id, string Group, double Credit, double Share, double Alignment, int Audits, long MeasuredTasks)
{
    /// <summary>Σ of its tasks' advantages over a typical peer at the same θ (<see cref="TaskContribution.Advantage"/>); 0 without baselines.</summary>
    public double Advantage { get; init; }

    /// <summary>Its corrected credit (<see cref="ContributionLedger.CorrectedCredits"/>).</summary>
    public double CorrectedCredit { get; init; } = double.NaN;
}

/// <summary>One group's line in the ledger (sums and means over its agents).</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Credit">Σ of its agents' credits.</param>
/// <param name="Share">Its share of the total credit.</param>
/// <param name="Alignment">Mean cosine over all its agents' audits.</param>
/// <param name="Audits">Cosines audited for its agents.</param>
/// <param name="MeasuredTasks">Its measured tasks.</param>
public sealed record GroupContribution(string Name, double Credit, double Share, double Alignment, int Audits, long MeasuredTasks)
{
    /// <summary>Coefficient of variation of its agents' raw credits (NaN for fewer than two agents or a zero mean).</summary>
    public double CreditCv { get; init; } = double.NaN;

    /// <summary>Coefficient of variation of its agents' corrected credits.</summary>
    public double CorrectedCv { get; init; } = double.NaN;

    /// <summary>
    /// p-value of the permutation test that its agents' task advantages do not depend on the agent (<see cref="PermutationTest"/>): small
    /// when the agents differ more than chance. NaN for fewer than two agents with measured tasks.
    /// </summary>
    public double AgentsDifferP { get; init; } = double.NaN;

    /// <summary>The part of its agents' spread kept in their corrected credits (<see cref="AgentDifference.Shrinkage"/>).</summary>
    public double Shrinkage { get; init; }
}

/// <summary>Cumulative credit of every group (indexed like the groups) after task <paramref name="Tasks"/>.</summary>
/// <param name="Tasks">Tasks done.</param>
/// <param name="GroupCredit">Each group's cumulative credit.</param>
/// <param name="Objective">J after that task.</param>
public sealed record CreditPoint(long Tasks, double[] GroupCredit, double Objective);

/// <summary>Mean alignment of every group (NaN where none of its agents was audited) at <paramref name="Tasks"/> tasks done.</summary>
/// <param name="Tasks">Tasks done at the audit.</param>
/// <param name="GroupAlignment">Each group's mean cosine.</param>
public sealed record AuditPoint(long Tasks, double[] GroupAlignment);

/// <summary>The ledger of a run as plain data.</summary>
/// <param name="Objective">J's name (<c>joint-reverse-kl</c>, <c>joint-nll</c>).</param>
/// <param name="Samples">J's fixed batch size.</param>
/// <param name="Every">Every k-th task measured (1: exact).</param>
/// <param name="AuditEvery">Tasks between audits (0: none).</param>
/// <param name="Tasks">Tasks recorded.</param>
/// <param name="MeasuredTasks">Tasks measured.</param>
/// <param name="InitialObjective">J(θ₀).</param>
/// <param name="FinalObjective">J after the last measured task.</param>
/// <param name="TotalCredit">Σ credits.</param>
/// <param name="SumOfDeltas">Σ of the measured ΔJ, unscaled.</param>
/// <param name="Agents">Per agent, by id.</param>
/// <param name="Groups">Per group, in config order.</param>
/// <param name="Timeline">Cumulative group credit after every measured task.</param>
/// <param name="Audits">Group alignment at every audit.</param>
public sealed record ContributionSummary(string Objective, int Samples, long Every, long AuditEvery, long Tasks, long MeasuredTasks,
    double InitialObjective, double FinalObjective, double TotalCredit, double SumOfDeltas,
    IReadOnlyList<AgentContribution> Agents, IReadOnlyList<GroupContribution> Groups, IReadOnlyList<CreditPoint> Timeline,
    IReadOnlyList<AuditPoint> Audits)
{
    /// <summary>Counterfactual tasks run per measured task to estimate the corrected credit's baseline (0: none).</summary>
    public int BaselineProbes { get; init; }

    /// <summary>True when only every k-th task (k &gt; 1) was measured and the credits are scaled estimates.</summary>
    public bool Sampled => Every > 1;

    /// <summary>J(θ₀) − J(θ_final): what the credits add up to in exact mode.</summary>
    public double ObjectiveDrop => InitialObjective - FinalObjective;

    /// <summary>|Σ credits − (J(θ₀) − J(θ_final))| relative to max(|J(θ₀) − J(θ_final)|, 1e-12); meaningful in exact mode.</summary>
    public double Imbalance => Math.Abs(TotalCredit - ObjectiveDrop) / Math.Max(Math.Abs(ObjectiveDrop), 1e-12);
}
