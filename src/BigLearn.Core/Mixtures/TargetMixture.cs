using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Mixtures;

/// <summary>
/// A fixed target mixture q (no gradients): the §4.1 grid or any mixture given by weights, means and
/// covariances. Densities and samples come from the same <see cref="MixtureDistribution"/> code as the model.
/// The plain arrays are kept for scoring and reports.
/// </summary>
public sealed class TargetMixture : IGaussianMixture, IDisposable
{
    private readonly Tensor _means;
    private readonly Tensor _scaleTril;
    private readonly Tensor _logWeights;
    private readonly double[] _weights;
    private readonly double[][] _meanRows;
    private readonly double[][,] _covariances;

    private TargetMixture(double[] weights, double[][] means, double[][,] covariances, double[][,] scales, string description, Device? device)
    {
        _weights = weights;
        _meanRows = means;
        _covariances = covariances;
        Description = description;
        int k = weights.Length, d = means[0].Length;
        device ??= CPU;
        using (NewDisposeScope())
        {
            _means = tensor(means.SelectMany(m => m).ToArray(), dtype: float64, device: device).reshape(k, d).DetachFromDisposeScope();
            var flatScales = scales.SelectMany(s => Enumerable.Range(0, d * d).Select(i => s[i / d, i % d])).ToArray();
            _scaleTril = tensor(flatScales, dtype: float64, device: device).reshape(k, d, d).DetachFromDisposeScope();
            _logWeights = tensor(weights.Select(w => Math.Log(w)).ToArray(), dtype: float64, device: device).DetachFromDisposeScope();
        }
    }

    /// <summary>
    /// The grid target of the paper's §4.1 (docs/science.md), generalised: <paramref name="size"/>^<paramref name="dim"/> equally
    /// weighted components with covariance <paramref name="variance"/>·I on a centred grid with the given
    /// spacing. Defaults: 5×5 at {−4, −2, 0, 2, 4}², variance 0.05.
    /// </summary>
    public static TargetMixture Grid(int size = 5, double spacing = 2, double variance = 0.05, int dim = 2, Device? device = null)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "grid size must be at least 1");
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be at least 1");
        if (!(spacing > 0) || !double.IsFinite(spacing)) throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "grid spacing must be a positive number");
        if (!(variance > 0) || !double.IsFinite(variance)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "grid variance must be a positive number");
        return new Targets.GridTarget(dim, size, spacing, variance).Create(device);
    }

    /// <summary>
    /// A mixture from plain arrays. Weights must be positive and finite (they are normalised to sum to 1);
    /// covariances must be symmetric positive definite. A bad value fails with a one-line message.
    /// </summary>
    public static TargetMixture Custom(double[] weights, double[][] means, double[][,] covariances, Device? device = null, string description = "custom") =>
        Create(weights, means, covariances, description, device);

    private static TargetMixture Create(double[] weights, double[][] means, double[][,] covariances, string description, Device? device)
    {
        int k = weights.Length;
        if (k == 0) throw new ArgumentException("a target mixture needs at least one component", nameof(weights));
        if (means.Length != k || covariances.Length != k)
            throw new ArgumentException($"target has {k} weights, {means.Length} means and {covariances.Length} covariances; the counts must agree");
        int d = means[0].Length;
        if (d == 0) throw new ArgumentException("target means must have at least one coordinate", nameof(means));
        for (int c = 0; c < k; c++)
        {
            if (!(weights[c] > 0) || !double.IsFinite(weights[c])) throw new ArgumentException($"target weight {c} is {weights[c]}; weights must be positive and finite", nameof(weights));
            if (means[c].Length != d) throw new ArgumentException($"target mean {c} has {means[c].Length} coordinates, mean 0 has {d}", nameof(means));
            if (means[c].Any(v => !double.IsFinite(v))) throw new ArgumentException($"target mean {c} has a non-finite coordinate", nameof(means));
        }
        double total = weights.Sum();
        var scales = new double[k][,];
        for (int c = 0; c < k; c++) scales[c] = DenseCholesky(covariances[c], d, c);
        return new TargetMixture(weights.Select(w => w / total).ToArray(), means.Select(m => (double[])m.Clone()).ToArray(),
            covariances.Select(s => (double[,])s.Clone()).ToArray(), scales, description, device);
    }

    /// <summary>Cholesky factor of a symmetric positive-definite matrix, or a one-line error naming the component.</summary>
    private static double[,] DenseCholesky(double[,] covariance, int d, int component)
    {
        if (covariance.GetLength(0) != d || covariance.GetLength(1) != d)
            throw new ArgumentException($"target covariance {component} is {covariance.GetLength(0)}×{covariance.GetLength(1)}, expected {d}×{d}", nameof(covariance));
        var l = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double a = covariance[i, j], b = covariance[j, i];
                if (!double.IsFinite(a) || Math.Abs(a - b) > 1e-12 * Math.Max(1, Math.Abs(a)))
                    throw new ArgumentException($"target covariance {component} is not symmetric and finite at ({i},{j}): {a} vs {b}", nameof(covariance));
                double sum = a;
                for (int m = 0; m < j; m++) sum -= l[i, m] * l[j, m];
                if (i == j)
                {
                    if (!(sum > 0)) throw new ArgumentException($"target covariance {component} is not positive definite (pivot {i} is {sum:g3})", nameof(covariance));
                    l[i, i] = Math.Sqrt(sum);
                }
                else l[i, j] = sum / l[j, j];
            }
        }
        return l;
    }

    /// <summary>A short text such as <c>grid(5^2, spacing 2, variance 0.05)</c>.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public int Dim => _meanRows[0].Length;

    /// <inheritdoc />
    public int Components => _weights.Length;

    /// <summary>Weight of component k (normalised).</summary>
    public double Weight(int k) => _weights[k];

    /// <summary>A copy of the mean of component k.</summary>
    public double[] Mean(int k) => (double[])_meanRows[k].Clone();

    /// <summary>A copy of the covariance of component k.</summary>
    public double[,] Covariance(int k) => (double[,])_covariances[k].Clone();

    /// <inheritdoc />
    public MixtureDistribution Distribution() => new(_means, _scaleTril, _logWeights);

    /// <inheritdoc />
    public void Dispose()
    {
        _means.Dispose();
        _scaleTril.Dispose();
        _logWeights.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
