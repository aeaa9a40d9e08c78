using BigLearn.Core.Tasks;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// The least the model actor asks of a runner to keep the contribution ledger (docs/contributions.md): the fixed evaluation
/// objective J(θ) at the current parameters, its random numbers drawn once so that J is a deterministic function of θ.
/// Called on the model's thread only; the computation runs inside its own dispose scope and returns a plain number.
/// A runner whose J has a usable gradient implements <see cref="IContributionProbe"/> too (alignment audits, the split of a
/// cooperative batch); one that does not (a GAN, whose J is a Fréchet distance) keeps the ΔJ ledger without audits.
/// </summary>
public interface IObjectiveProbe
{
    /// <summary>J(θ) at the current parameters.</summary>
    double EvaluateObjective();
}

/// <summary>
/// A <see cref="IObjectiveProbe"/> whose J is smooth in θ: besides J, its gradient and the gradient of one task's loss at the
/// current θ without applying it, for alignment audits and cooperative batches. Called on the model's thread only; every
/// computation runs inside its own dispose scope and returns plain numbers.
/// </summary>
public interface IContributionProbe : IObjectiveProbe
{

    /// <summary>∇J(θ), flattened in the order of the model's parameter vector.</summary>
    double[] ObjectiveGradient();

    /// <summary>
    /// The gradient of <paramref name="task"/>'s loss at the current θ with batches drawn from <paramref name="seed"/>
    /// (the first inner step's gradient of that task), flattened like <see cref="ObjectiveGradient"/>; nothing is
    /// applied. Entries are NaN when the loss cannot be computed (a refused step).
    /// </summary>
    double[] TaskGradient(LearningTask task, long seed);

    /// <summary>
    /// ⟨∇J(<paramref name="theta"/>), d⟩ for every direction d in <paramref name="directions"/> (vectors in the layout of the parameter
    /// vector), at the given θ, which need not be the current one; the model's parameters are left as they were. What the ledger
    /// splits a cooperative batch's ΔJ by (<see cref="ContributionSplit"/>).
    /// </summary>
    double[] ObjectiveSlopes(double[] theta, IReadOnlyList<double[]> directions);
}

/// <summary>
/// How the ledger books a cooperative batch (several tasks applied as one summed step): the measured ΔJ is split by each task's
/// first-order share s_i = ⟨∇J(θ_before), Δθ_i⟩ / Σ_j ⟨∇J(θ_before), Δθ_j⟩, where Δθ_i is the task's part of the update, so the
/// credits of a batch sum to its ΔJ exactly and the ledger still balances.
/// </summary>
public static class ContributionSplit
{
    /// <summary>
    /// The shares of <paramref name="slopes"/> (⟨∇J, Δθ_i⟩ per task): s_i = slope_i / Σ slopes, which sum to 1. When the sum is
    /// zero or a slope is not finite, no task is singled out: equal shares 1/n. A task that moved θ uphill gets a negative share.
    /// </summary>
    public static double[] Shares(IReadOnlyList<double> slopes)
    {
        ArgumentNullException.ThrowIfNull(slopes);
        int n = slopes.Count;
        if (n == 0) return [];
        double total = 0;
        foreach (double s in slopes) total += s;
        var shares = new double[n];
        bool usable = double.IsFinite(total) && total != 0 && slopes.All(double.IsFinite);
        for (int i = 0; i < n; i++) shares[i] = usable ? slopes[i] / total : 1.0 / n;
        return shares;
    }
}

/// <summary>Which fixed objective J the ledger measures.</summary>
public enum ContributionObjectiveKind
{
    /// <summary>
    /// Reverse KL[p_θ ‖ q] of the joint, stratified by component with a fixed noise batch:
    /// J = Σ_k π_k mean_m [log p_θ(μ_k + L_k ε_km) − log q(μ_k + L_k ε_km)].
    /// </summary>
    JointReverseKl,

    /// <summary>Held-out negative log-likelihood −mean_i log p_θ(x_i) on a fixed batch x_i ~ q.</summary>
    JointNll,

    /// <summary>
    /// GAN runs: the Fréchet distance, in the evaluation classifier's feature space, between the completions of a fixed held-out
    /// batch (fixed masks, fixed noise) by the generator's moving average (the one the run delivers and the evaluation scores) and
    /// the batch itself (<c>Gan.Evaluation.CompletionObjective</c>).
    /// </summary>
    CompletionFid,

    /// <summary>The same with the trained generator instead of its moving average: each task's direct effect, adversarial jitter included.</summary>
    CompletionFidTrained,
}

/// <summary>The ledger's objective: its kind, the size of its fixed batch and the seed of that batch.</summary>
/// <param name="Kind">Which objective.</param>
/// <param name="Samples">Samples in the fixed batch (split evenly over components for the reverse KL).</param>
/// <param name="Seed">Seed of the fixed batch.</param>
public sealed record ContributionObjectiveSettings(ContributionObjectiveKind Kind, int Samples, long Seed)
{
    /// <summary>Joint reverse KL with 1000 samples and seed 0.</summary>
    public static ContributionObjectiveSettings Default { get; } = new(ContributionObjectiveKind.JointReverseKl, 1000, 0);

    /// <summary>The name used in configs and outputs: <c>joint-reverse-kl</c>, <c>joint-nll</c>, <c>completion-fid</c> or <c>completion-fid-trained</c>.</summary>
    public string Name => NameOf(Kind);

    /// <summary>The config's spelling of <paramref name="kind"/>.</summary>
    public static string NameOf(ContributionObjectiveKind kind) => kind switch
    {
        ContributionObjectiveKind.JointReverseKl => "joint-reverse-kl",
        ContributionObjectiveKind.JointNll => "joint-nll",
        ContributionObjectiveKind.CompletionFid => "completion-fid",
        ContributionObjectiveKind.CompletionFidTrained => "completion-fid-trained",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown objective"),
    };
}

/// <summary>
/// When the model measures: every <see cref="Every"/>-th task (1 = every task, the exact ledger; 0 = never) and an
/// alignment audit before every <see cref="AuditEvery"/>-th task (0 = never), with the objective <see cref="Objective"/>.
/// </summary>
/// <param name="Every">Measure every this many tasks; credits of a sampled ledger are scaled by it.</param>
/// <param name="AuditEvery">Audit the cosines every this many tasks.</param>
/// <param name="Objective">The fixed evaluation objective.</param>
public sealed record ContributionSchedule(long Every, long AuditEvery, ContributionObjectiveSettings Objective)
{
    /// <summary>True when every task is measured (credits then sum exactly to J(θ₀) − J(θ_final)).</summary>
    public bool Exact => Every == 1;

    /// <summary>Whether task number <paramref name="sequence"/> (1-based) is measured: the 1st, the (1+k)-th, …</summary>
    public bool Measures(long sequence) => Every > 0 && (sequence - 1) % Every == 0;

    /// <summary>Whether an audit runs before task number <paramref name="sequence"/> (1-based): before the 1st, the (1+a)-th, …</summary>
    public bool Audits(long sequence) => AuditEvery > 0 && (sequence - 1) % AuditEvery == 0;

    /// <summary>The default <see cref="AuditAgents"/>: 100.</summary>
    public const int DefaultAuditAgents = 100;

    /// <summary>
    /// The most agents one audit computes a task gradient for (0: all). An audit costs one gradient per agent, so a population
    /// of 10,000 audited whole would spend minutes on it; a larger population is audited a rotating share at a time.
    /// </summary>
    public int AuditAgents
    {
        get => _auditAgents;
        init => _auditAgents = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(AuditAgents), value, "audit agents must be 0 (all) or positive");
    }

    private readonly int _auditAgents;

    /// <summary>
    /// The default <see cref="BaselineProbes"/>: 0. A probe costs about one task and one J: on the paper's schedule one probe per task
    /// takes the model's thread from 0.94 to 0.49 of the plain loop (<c>biglearn bench</c>), so the corrected credit is asked for.
    /// </summary>
    public const int DefaultBaselineProbes = 0;

    /// <summary>
    /// Counterfactual tasks run before every measured task to estimate its baseline, the ΔJ of a typical peer at the same θ (0: no
    /// baseline, corrected credit equals raw credit). Each costs about one task.
    /// </summary>
    public int BaselineProbes
    {
        get => _baselineProbes;
        init => _baselineProbes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(BaselineProbes), value, "baseline probes must be 0 (none) or positive");
    }

    private readonly int _baselineProbes = DefaultBaselineProbes;

    /// <summary>
    /// Which of <paramref name="count"/> agents (numbered 0..count−1 in id order) the audit before task <paramref name="sequence"/>
    /// covers: all when <see cref="AuditAgents"/> is 0 or not exceeded; otherwise every k-th with k = ⌈count / AuditAgents⌉,
    /// starting at the audit's number mod k, so that k consecutive audits cover every agent once. Depends only on the task
    /// number, so a resumed run audits the same agents as an uninterrupted one.
    /// </summary>
    public bool AuditsAgent(long sequence, int index, int count)
    {
        if (AuditAgents == 0 || count <= AuditAgents) return true;
        int k = (count + AuditAgents - 1) / AuditAgents;
        long audit = AuditEvery > 0 ? (sequence - 1) / AuditEvery : 0;
        return index % k == audit % k;
    }

    /// <summary>The cosine of two vectors; NaN when either is zero or not finite.</summary>
    public static double Cosine(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"vectors of lengths {a.Count} and {b.Count}");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        if (!(na > 0) || !(nb > 0) || !double.IsFinite(dot) || !double.IsFinite(na) || !double.IsFinite(nb)) return double.NaN;
        return Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1);
    }
}

/// <summary>
/// A runner that can try a task without keeping it: what the ledger's baseline asks (docs/contributions.md, "Corrected
/// credit"). The baseline of task n is the ΔJ that a task drawn from the population's mix would have made at the same θ, so
/// the runner must run such a task from θ and report J afterwards while leaving θ, its version and its counters as they were.
/// Called on the model's thread only.
/// </summary>
public interface ICounterfactualProbe
{
    /// <summary>
    /// J after running <paramref name="task"/> for <paramref name="innerSteps"/> steps with batches from <paramref name="seed"/>,
    /// exactly as the runner's own <c>Run</c> would from the current θ (a refused step ends it, as there); afterwards the
    /// runner is restored to the θ, version and counters it had.
    /// </summary>
    double ObjectiveAfter(LearningTask task, int innerSteps, long seed);
}
