using BigLearn.Core.Randomness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Mixtures;

/// <summary>
/// The universal model of the Gaussian-mixture simulations (docs/science.md §4.1): a K-component, full-covariance
/// Gaussian mixture over R^L that answers every task (joint, marginal, conditional, in any orthogonal view)
/// in closed form through <see cref="MixtureDistribution"/>.
/// Parameters (their names are the state-dict keys): <c>means</c> [K, L]; <c>cholesky</c> [K, L, L], whose
/// strictly lower part is the Cholesky factor's off-diagonal and whose diagonal holds log L_ii (the upper
/// part is unused and stays 0), so all zeros means Σ_k = I; <c>weight_logits</c> [K], fixed (uniform) unless
/// the weights are learnable. Everything is float64.
/// </summary>
public sealed class GaussianMixtureModel : nn.Module, IGaussianMixture
{
    // Field names are the state-dict keys: keep them stable.
    private readonly Parameter means;
    private readonly Parameter cholesky;
    private readonly Parameter weight_logits;

    /// <summary>
    /// Builds a model initialised as in the paper's §4.1 (docs/science.md): μ_k = <paramref name="initialMean"/> +
    /// <paramref name="initialSpread"/>·N(0, I) from <paramref name="seed"/>, Σ_k = I, uniform weights.
    /// </summary>
    /// <param name="dim">The data dimension L (≥ 1).</param>
    /// <param name="components">The number of components K (≥ 1).</param>
    /// <param name="seed">Seed of the initial means (the reference uses 888).</param>
    /// <param name="learnableWeights">When true, the weight logits are trained too.</param>
    /// <param name="initialMean">Common offset of the initial means (default −5: the corner of the grid).</param>
    /// <param name="initialSpread">Standard deviation of the initial means around the offset (default 0.1).</param>
    /// <param name="device">Where the parameters live (default CPU).</param>
    public GaussianMixtureModel(int dim, int components, long seed, bool learnableWeights = false,
        double initialMean = -5, double initialSpread = 0.1, Device? device = null)
        : base(nameof(GaussianMixtureModel))
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be at least 1");
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "component count must be at least 1");
        if (!double.IsFinite(initialMean) || !double.IsFinite(initialSpread) || initialSpread < 0)
            throw new ArgumentException($"initial mean {initialMean} and spread {initialSpread} must be finite, spread ≥ 0");
        Dim = dim;
        Components = components;
        LearnableWeights = learnableWeights;
        device ??= CPU;
        OnCpu = device.type == DeviceType.CPU;

        // Initial means from the project's own generator, so they do not depend on libtorch's RNG.
        var rng = new Rng(unchecked((ulong)seed));
        var initial = new double[components * dim];
        for (int i = 0; i < initial.Length; i++) initial[i] = initialMean + initialSpread * rng.NextGaussian();

        using (NewDisposeScope())
        {
            means = nn.Parameter(tensor(initial, dtype: float64, device: device).reshape(components, dim));
            cholesky = nn.Parameter(zeros(components, dim, dim, dtype: float64, device: device));
            weight_logits = nn.Parameter(zeros(components, dtype: float64, device: device), requires_grad: learnableWeights);
            // The parameters belong to the module, not to whatever scope the caller happens to be in.
            means.DetachFromDisposeScope();
            cholesky.DetachFromDisposeScope();
            weight_logits.DetachFromDisposeScope();
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public int Dim { get; }

    /// <inheritdoc />
    public int Components { get; }

    /// <summary>
    /// True when the parameters live on the CPU (fixed at construction: the module is never moved). Read per step by the
    /// plain-arithmetic path, where asking libtorch for the device would cost more than the step's arithmetic.
    /// </summary>
    public bool OnCpu { get; }

    /// <summary>True when the weight logits are trained.</summary>
    public bool LearnableWeights { get; }

    /// <summary>The parameters an optimiser should update (the weight logits only when learnable).</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>L_k: strictly lower part of <c>cholesky</c> plus exp of its diagonal, [K, L, L].</summary>
    public Tensor ScaleTril() => cholesky.tril(-1) + cholesky.diagonal(0, -2, -1).exp().diag_embed(0, -2, -1);

    /// <summary>Σ_k = L_k L_kᵀ, [K, L, L].</summary>
    public Tensor Covariances()
    {
        var scale = ScaleTril();
        return scale.matmul(scale.transpose(-1, -2));
    }

    /// <summary>log π_k (a log-softmax of the logits), [K].</summary>
    public Tensor LogWeights() => weight_logits.log_softmax(0);

    /// <summary>The component means μ_k (the parameter itself), [K, L].</summary>
    public Tensor Means => means;

    /// <inheritdoc />
    public MixtureDistribution Distribution() => new(means, ScaleTril(), LogWeights());

    /// <summary>How many numbers <see cref="GetParameterVector"/> returns.</summary>
    public int ParameterCount => (int)parameters().Sum(p => p.numel());

    /// <summary>A flat copy of all parameters (means, cholesky, weight_logits, in that order).</summary>
    public double[] GetParameterVector()
    {
        using var scope = NewDisposeScope();
        return cat(parameters().Select(p => p.detach().flatten()).ToArray(), 0).cpu().data<double>().ToArray();
    }

    /// <summary>Overwrites all parameters from a vector produced by <see cref="GetParameterVector"/>.</summary>
    public void SetParameterVector(double[] values)
    {
        if (values.Length != ParameterCount)
            throw new ArgumentException($"parameter vector has {values.Length} numbers, the model has {ParameterCount}", nameof(values));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var p in parameters())
        {
            long n = p.numel();
            p.copy_(tensor(values.AsSpan((int)offset, (int)n).ToArray(), dtype: float64, device: p.device).reshape(p.shape));
            offset += n;
        }
    }

    /// <summary>
    /// Sets the parameters so that the model is exactly <paramref name="source"/> (same K and L): means, the
    /// Cholesky factors (diagonal stored as its log) and the weights.
    /// </summary>
    public void CopyFrom(IGaussianMixture source)
    {
        if (source.Dim != Dim || source.Components != Components)
            throw new ArgumentException($"source has K={source.Components}, L={source.Dim}; the model has K={Components}, L={Dim}", nameof(source));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var d = source.Distribution();
        var scale = d.ScaleTril.to(means.device);
        means.copy_(d.Means.to(means.device));
        cholesky.copy_(scale.tril(-1) + scale.diagonal(0, -2, -1).log().diag_embed(0, -2, -1));
        weight_logits.copy_(d.LogWeights.to(means.device));
    }
}
