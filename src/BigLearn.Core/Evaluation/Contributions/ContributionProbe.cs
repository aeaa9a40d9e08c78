using BigLearn.Core.Tasks;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// What the model actor asks of a runner to keep the contribution ledger (docs/contributions.md): the fixed evaluation
/// objective J(θ) (common random numbers, so J is a deterministic smooth function of θ), its gradient, and the
/// gradient of one task's loss at the current θ without applying it. Called on the model's thread only; every
/// computation runs inside its own dispose scope and returns plain numbers.
/// </summary>
public interface IContributionProbe
{
    /// <summary>J(θ) at the current parameters.</summary>
    double EvaluateObjective();

    /// <summary>∇J(θ), flattened in the order of the model's parameter vector.</summary>
    double[] ObjectiveGradient();

    /// <summary>
    /// The gradient of <paramref name="task"/>'s loss at the current θ with batches drawn from <paramref name="seed"/>
    /// (the first inner step's gradient of that task), flattened like <see cref="ObjectiveGradient"/>; nothing is
    /// applied. Entries are NaN when the loss cannot be computed (a refused step).
    /// </summary>
    double[] TaskGradient(LearningTask task, long seed);
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
}

/// <summary>The ledger's objective: its kind, the size of its fixed batch and the seed of that batch.</summary>
/// <param name="Kind">Which objective.</param>
/// <param name="Samples">Samples in the fixed batch (split evenly over components for the reverse KL).</param>
/// <param name="Seed">Seed of the fixed batch.</param>
public sealed record ContributionObjectiveSettings(ContributionObjectiveKind Kind, int Samples, long Seed)
{
    /// <summary>Joint reverse KL with 1000 samples and seed 0.</summary>
    public static ContributionObjectiveSettings Default { get; } = new(ContributionObjectiveKind.JointReverseKl, 1000, 0);

    /// <summary>The name used in configs and outputs: <c>joint-reverse-kl</c> or <c>joint-nll</c>.</summary>
    public string Name => Kind == ContributionObjectiveKind.JointReverseKl ? "joint-reverse-kl" : "joint-nll";
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
