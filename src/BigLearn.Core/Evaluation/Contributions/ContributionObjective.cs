using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// The ledger's objective J(θ) as a differentiable scalar, with its random numbers fixed once (common random
/// numbers): the same θ always gives the same J, so ΔJ of a task is a change of the model, not of the noise.
/// The fixed batch is kept as plain numbers and turned into a tensor inside the caller's dispose scope.
/// <see cref="Value(double[], int, int, IGaussianMixture)"/> computes the same J from the parameter vector in plain
/// arithmetic (no libtorch call: the ledger measures J after every task, and through libtorch that cost ~3 ms, more
/// than the task's 20 steps); it keeps scratch buffers, so one instance serves one thread.
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
        if (settings.Kind is ContributionObjectiveKind.CompletionFid or ContributionObjectiveKind.CompletionFidTrained)
            throw new ArgumentException($"{settings.Name} is the objective of GAN runs; a mixture's is joint-reverse-kl or joint-nll", nameof(settings));
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

    /// <summary>
    /// The joint NLL on a fixed batch of data rows (<c>target.kind = samples</c>: no density to draw from): <paramref name="settings"/>'
    /// Samples rows of <paramref name="rows"/> (row-major, <paramref name="dim"/> numbers a row), a subset drawn from its seed
    /// without replacement (every row, in order, when it asks for all of them or more).
    /// </summary>
    public ContributionObjective(ContributionObjectiveSettings settings, double[] rows, int dim)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rows);
        if (settings.Kind != ContributionObjectiveKind.JointNll)
            throw new ArgumentException($"{settings.Name} needs the target's density; a data set's J is joint-nll", nameof(settings));
        if (settings.Samples < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Samples, "samples must be at least 1");
        if (dim < 1 || rows.Length == 0 || rows.Length % dim != 0) throw new ArgumentException($"{rows.Length} numbers are not rows of {dim}", nameof(rows));
        Settings = settings;
        int n = rows.Length / dim;
        var chosen = settings.Samples >= n ? Enumerable.Range(0, n).ToArray() : Rng.ForStream(settings.Seed, RowsStream).Subset(n, settings.Samples);
        _batch = chosen.SelectMany(i => rows.AsSpan(i * dim, dim).ToArray()).ToArray();
        _shape = [chosen.Length, dim];
    }

    // The streams of one seed: −1 the model's choices, −2 the reverse KL's noise (above), −3 the population's adaptation,
    // −4 sampled Shapley orders; the data rows of J get one of their own.
    private const long RowsStream = -5;

    /// <summary>The settings this objective was made with.</summary>
    public ContributionObjectiveSettings Settings { get; }

    private readonly VectorisedMixtureDensity _preparedModel = new(), _preparedTarget = new();
    private IGaussianMixture? _loadedTarget;
    private double[] _scales = [], _point = [];

    /// <summary>
    /// J at the parameter vector <paramref name="theta"/> (the layout of <see cref="GaussianMixtureModel.GetParameterVector"/>:
    /// means, raw Cholesky factors with log-diagonals, weight logits) of a model with <paramref name="components"/>
    /// components in <paramref name="dim"/> dimensions, in plain double arithmetic: equal to <see cref="Value(GaussianMixtureModel, IGaussianMixture)"/>
    /// up to rounding (the tests hold them to 1e-12).
    /// </summary>
    public double Value(double[] theta, int components, int dim, IGaussianMixture target)
    {
        int k = components, d = dim;
        if (theta.Length != k * d + k * d * d + k) throw new ArgumentException($"parameter vector has {theta.Length} numbers, expected {k * d + k * d * d + k}", nameof(theta));
        if (target.Dim != d) throw new ArgumentException($"target is {target.Dim}-dimensional, the model is {d}-dimensional", nameof(target));
        var means = theta.AsSpan(0, k * d);
        if (_scales.Length != k * d * d) _scales = new double[k * d * d];
        MixtureNumbers.ScalesOf(theta, k, d, _scales);
        var logWeights = MixtureNumbers.LogWeightsOf(theta, k, d);
        _preparedModel.Prepare(means, _scales, logWeights, d);
        if (_point.Length != d) _point = new double[d];

        if (Settings.Kind == ContributionObjectiveKind.JointNll)
        {
            double sum = 0;
            int n = _batch.Length / d;
            for (int i = 0; i < n; i++) sum += _preparedModel.LogDensity(_batch.AsSpan(i * d, d));
            return -sum / n;
        }
        if (_shape[0] != k) throw new ArgumentException($"the objective was drawn for {_shape[0]} components, the model has {k}", nameof(components));
        PrepareTarget(target);
        int perComponent = (int)_shape[1];
        double objective = 0;
        for (int c = 0; c < k; c++)
        {
            double componentSum = 0;
            for (int m = 0; m < perComponent; m++)
            {
                int at = (c * perComponent + m) * d;
                for (int r = 0; r < d; r++)
                {
                    double value = means[c * d + r];
                    for (int s = 0; s <= r; s++) value += _scales[(c * d + r) * d + s] * _batch[at + s];
                    _point[r] = value;
                }
                componentSum += _preparedModel.LogDensity(_point) - _preparedTarget.LogDensity(_point);
            }
            objective += Math.Exp(logWeights[c]) * (componentSum / perComponent);
        }
        return objective;
    }

    private void PrepareTarget(IGaussianMixture target)
    {
        if (ReferenceEquals(target, _loadedTarget)) return;
        var q = MixtureNumbers.Read(target.Distribution());
        _preparedTarget.Prepare(q.Means, q.Scales, q.LogWeights, q.Dim);
        _loadedTarget = target;
    }

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
