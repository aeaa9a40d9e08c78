using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>
/// Reverse KL[p_θ ‖ q] of a task, estimated with reparameterised model samples.
/// <para>
/// Joint and marginal tasks follow the paper's §4.1 (docs/science.md) exactly: draw z_i ~ Cat(π) and x_i = μ_z + L_z ε_i, map
/// y_i = A x_i, take ℓ_i = log p̄(y_i,T) − log q(y_i,T) where p̄ is the model's density with its parameters
/// detached (gradients flow only through the samples), and return Σ_k π_k · mean_{i: z_i = k} ℓ_i (a
/// component that drew no sample contributes 0). A noisy task (<see cref="LearningTask.Noise"/> σ) adds σξ to y_T
/// after the model's draws and uses the σ²-widened densities of both mixtures: the same estimator for p_θ ∗ N(0, σ²)
/// against q ∗ N(0, σ²).
/// </para>
/// <para>
/// Conditional tasks (our design; the reference never implemented them): y_S comes from the target
/// (x ~ q, y = A x) and p_θ(y_T | y_S) = Σ_k w_k(y_S; θ) N(μ_k,T|S(y_S; θ), Σ_k,T|S(θ)) is matched to
/// q(y_T | y_S). Writing ℓ(y) = log p_θ(y | y_S) − log q(y | y_S),
/// KL = E_{y_S} Σ_k w_k E_ε[ℓ(μ_k,T|S + L_k,T|S ε)], so
/// ∇KL = E Σ_k ∇w_k E_ε[ℓ] + E Σ_k w_k E_ε[∇_y ℓ · ∂y/∂θ] + E_{p_θ}[∇_θ log p_θ(y | y_S)].
/// The last term is ∇∫p_θ = 0, and it is exactly the term dropped by replacing ℓ with ℓ̄ (p̄ detached).
/// Hence loss = mean_n Σ_k w_k(y_S,n; θ) ℓ̄(μ_k,T|S + L_k,T|S ε_n,k), one ε per (observed sample, component),
/// has the KL as its expectation and an unbiased gradient; the weights stay differentiable.
/// </para>
/// </summary>
public sealed class ReverseKlObjective : IMixtureObjective
{
    /// <summary>An objective drawing <paramref name="samplesPerStep"/> samples per call (the paper's §4.1: 100).</summary>
    public ReverseKlObjective(int samplesPerStep = 100) => SamplesPerStep = MixtureObjectives.CheckSamples(samplesPerStep);

    /// <inheritdoc />
    public ObjectiveKind Kind => ObjectiveKind.ReverseKl;

    /// <inheritdoc />
    public int SamplesPerStep { get; }

    /// <inheritdoc />
    public Tensor Loss(IGaussianMixture model, IGaussianMixture target, LearningTask task, Generator generator)
    {
        MixtureObjectives.CheckCompatible(model, target, task);
        return task.Kind == TaskKind.Conditional
            ? ConditionalLoss(model.Distribution(), target.Distribution().Detach(), task, generator)
            : JointOrMarginalLoss(model.Distribution(), target.Distribution().Detach(), task, generator);
    }

    private Tensor JointOrMarginalLoss(MixtureDistribution p, MixtureDistribution q, LearningTask task, Generator generator)
    {
        var sample = p.Sample(SamplesPerStep, generator);
        var yTarget = TaskProjection.AddNoise(task, TaskProjection.Target(task, TaskProjection.ToTaskDomain(task, sample.X)), generator);
        var pBar = p.Detach().ForTask(task);
        var logRatio = pBar.LogDensity(yTarget) - q.ForTask(task).LogDensity(yTarget);                 // ℓ_i [N]

        // Per-component means of ℓ through a one-hot membership matrix [N, K].
        var membership = sample.Components.unsqueeze(1).eq(arange(p.Components, device: sample.X.device).unsqueeze(0)).to(logRatio.dtype);
        var sums = membership.t().mv(logRatio);                                                         // [K]
        var counts = membership.sum(dim: 0);
        var componentMeans = sums / counts.clamp_min(1);
        // π is not detached: with learnable weights, ∂/∂π_k of Σ_k π_k E_k[ℓ̄] is the right weight gradient.
        return (p.LogWeights.exp() * componentMeans).sum();
    }

    private Tensor ConditionalLoss(MixtureDistribution p, MixtureDistribution q, LearningTask task, Generator generator)
    {
        var yData = TaskProjection.ToTaskDomain(task, q.Sample(SamplesPerStep, generator).X);
        var yObserved = TaskProjection.Observed(task, yData);                                           // [N, s]
        var conditional = p.Conditional(task, yObserved);       // means [N, K, t], scales [K, t, t], log w [N, K]
        var conditionalBar = new ConditionalMixture(conditional.Means.detach(), conditional.ScaleTril.detach(), conditional.LogWeights.detach());
        var targetConditional = q.Conditional(task, yObserved);

        var means = conditional.Means;
        var noise = randn(means.shape, dtype: means.dtype, device: means.device, generator: generator);      // one ε per (n, k)
        var samples = means + einsum("kij,nkj->nki", conditional.ScaleTril, noise);                     // [N, K, t]
        var perComponent = samples.transpose(0, 1);                                                      // [K, N, t]: K as a batch dim
        var logRatio = conditionalBar.LogDensity(perComponent) - targetConditional.LogDensity(perComponent); // [K, N]
        return (conditional.LogWeights.exp().t() * logRatio).sum(dim: 0).mean();
    }
}
