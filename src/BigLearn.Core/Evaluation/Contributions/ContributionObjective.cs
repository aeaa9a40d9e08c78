using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// The ledger's objective J(θ) as a differentiable scalar, with its random numbers fixed once (common random
/// numbers): the same θ always gives the same J, so ΔJ of a task is a change of the model, not of the noise.
/// The fixed batch is kept as plain numbers and turned into a tensor inside the caller's dispose scope.
/// </summary>
public sealed class ContributionObjective
{
    private readonly double[] _batch;
    private readonly long[] _shape;

    /// <summary>Draws the fixed batch for a model of <paramref name="components"/> components against <paramref name="target"/>.</summary>
    /// <param name="settings">Kind, batch size and seed.</param>
    /// <param name="target">The target (the NLL's batch is drawn from it).</param>
    /// <param name="components">The model's K (the reverse KL uses ⌈samples / K⌉ noise vectors per component).</param>
    public ContributionObjective(ContributionObjectiveSettings settings, IGaussianMixture target, int components)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Samples < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Samples, "samples must be at least 1");
        Settings = settings;
        int dim = target.Dim;
        if (settings.Kind == ContributionObjectiveKind.JointReverseKl)
        {
            int perComponent = (settings.Samples + components - 1) / components;
            var rng = Rng.ForStream(settings.Seed, -2);
            _batch = new double[components * perComponent * dim];
            for (int i = 0; i < _batch.Length; i++) _batch[i] = rng.NextGaussian();
            _shape = [components, perComponent, dim];
        }
        else
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(unchecked((ulong)settings.Seed), CPU);
            var distribution = target.Distribution();
            var cpu = new MixtureDistribution(distribution.Means.cpu(), distribution.ScaleTril.cpu(), distribution.LogWeights.cpu());
            _batch = cpu.Sample(settings.Samples, generator).X.contiguous().data<double>().ToArray();
            _shape = [settings.Samples, dim];
        }
    }

    /// <summary>The settings this objective was made with.</summary>
    public ContributionObjectiveSettings Settings { get; }

    /// <summary>J(θ) of <paramref name="model"/> against <paramref name="target"/>, in the caller's dispose scope (differentiable in θ).</summary>
    public Tensor Value(GaussianMixtureModel model, IGaussianMixture target)
    {
        var p = model.Distribution();
        var q = target.Distribution();
        var batch = tensor(_batch, _shape, dtype: p.Means.dtype, device: p.Means.device);
        if (Settings.Kind == ContributionObjectiveKind.JointNll) return -p.LogDensity(batch).mean();

        if (_shape[0] != p.Components)
            throw new ArgumentException($"the objective was drawn for {_shape[0]} components, the model has {p.Components}", nameof(model));
        // x_km = μ_k + L_k ε_km: every component's samples move with its own parameters (pathwise), and the densities
        // are NOT detached, so the autograd gradient is the exact gradient of this fixed-noise J.
        var x = p.Means.unsqueeze(1) + einsum("kij,kmj->kmi", p.ScaleTril, batch);                   // [K, M, d]
        var flat = x.reshape([-1, _shape[2]]);
        var logRatio = (p.LogDensity(flat) - q.LogDensity(flat)).reshape([_shape[0], _shape[1]]);         // [K, M]
        return (p.LogWeights.exp() * logRatio.mean([1])).sum();
    }
}
