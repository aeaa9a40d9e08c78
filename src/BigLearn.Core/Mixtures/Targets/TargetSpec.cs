using static TorchSharp.torch;

namespace BigLearn.Core.Mixtures.Targets;

/// <summary>
/// What a Gaussian-mixture experiment learns: a target family with its parameters as plain data (docs/targets.md). A family is
/// one record here and one parser in the config's target registry; everything downstream (trainer, evaluation, plots) works
/// on the <see cref="TargetMixture"/> it builds.
/// </summary>
public abstract record TargetSpec
{
    /// <summary>The family's name in configs (<c>target.kind</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>The data dimension L.</summary>
    public abstract int Dimension { get; }

    /// <summary>Mixture components (the modes an evaluation counts).</summary>
    public abstract int Components { get; }

    /// <summary>One line for summaries ("grid(5^2, spacing 2, variance 0.05)").</summary>
    public abstract string Description { get; }

    /// <summary>The mixture's weights, means and covariances.</summary>
    public abstract (double[] Weights, double[][] Means, double[][,] Covariances) Parameters();

    /// <summary>The mixture on <paramref name="device"/> (CPU when null).</summary>
    /// <exception cref="ArgumentException">The parameters do not make a mixture (one line).</exception>
    public TargetMixture Create(Device? device = null)
    {
        var (weights, means, covariances) = Parameters();
        return TargetMixture.Custom(weights, means, covariances, device, Description);
    }

    /// <summary>A variance that stands for the components' spread in plots: the mean of every covariance's diagonal.</summary>
    public double TypicalVariance()
    {
        var (_, _, covariances) = Parameters();
        return covariances.Average(c => Enumerable.Range(0, Dimension).Average(j => c[j, j]));
    }

    /// <summary>An isotropic covariance <paramref name="variance"/>·I in <paramref name="dim"/> dimensions.</summary>
    protected static double[,] Isotropic(int dim, double variance)
    {
        var covariance = new double[dim, dim];
        for (int j = 0; j < dim; j++) covariance[j, j] = variance;
        return covariance;
    }
}

/// <summary>
/// The paper's grid, generalised: <paramref name="Size"/>^<paramref name="Dim"/> equal components with covariance
/// <paramref name="Variance"/>·I on a centred grid of spacing <paramref name="Spacing"/> (5×5 at {−4, −2, 0, 2, 4}², variance 0.05).
/// </summary>
/// <param name="Dim">Dimension.</param>
/// <param name="Size">Points per axis.</param>
/// <param name="Spacing">Distance between neighbours.</param>
/// <param name="Variance">Each component's variance per coordinate.</param>
public sealed record GridTarget(int Dim, int Size, double Spacing, double Variance) : TargetSpec
{
    /// <inheritdoc />
    public override string Kind => "grid";

    /// <inheritdoc />
    public override int Dimension => Dim;

    /// <inheritdoc />
    public override int Components => checked((int)Math.Pow(Size, Dim));

    /// <inheritdoc />
    public override string Description => FormattableString.Invariant($"grid({Size}^{Dim}, spacing {Spacing:g}, variance {Variance:g})");

    /// <inheritdoc />
    public override (double[] Weights, double[][] Means, double[][,] Covariances) Parameters()
    {
        int k = Components;
        var means = new double[k][];
        for (int c = 0; c < k; c++)
        {
            means[c] = new double[Dim];
            // Mixed-radix digits of c; the last coordinate varies fastest, the first slowest.
            int rest = c;
            for (int j = Dim - 1; j >= 0; j--)
            {
                means[c][j] = (rest % Size - (Size - 1) / 2.0) * Spacing;
                rest /= Size;
            }
        }
        return (Enumerable.Repeat(1.0 / k, k).ToArray(), means, Enumerable.Repeat(Isotropic(Dim, Variance), k).ToArray());
    }
}

/// <summary>
/// <paramref name="Count"/> equal components evenly spaced on a circle of radius <paramref name="Radius"/> around the origin in
/// the first two coordinates (component i at angle 2πi/n), each with covariance <paramref name="Variance"/>·I; in L &gt; 2
/// dimensions the other coordinates have mean 0 and the same variance (a ring embedded in L-D).
/// </summary>
/// <param name="Dim">Dimension (at least 2).</param>
/// <param name="Count">Components on the ring.</param>
/// <param name="Radius">The circle's radius.</param>
/// <param name="Variance">Each component's variance per coordinate.</param>
public sealed record RingTarget(int Dim, int Count, double Radius, double Variance) : TargetSpec
{
    /// <inheritdoc />
    public override string Kind => "ring";

    /// <inheritdoc />
    public override int Dimension => Dim;

    /// <inheritdoc />
    public override int Components => Count;

    /// <inheritdoc />
    public override string Description => FormattableString.Invariant($"ring({Count} in {Dim}-D, radius {Radius:g}, variance {Variance:g})");

    /// <inheritdoc />
    public override (double[] Weights, double[][] Means, double[][,] Covariances) Parameters()
    {
        var means = Enumerable.Range(0, Count).Select(i =>
        {
            var mean = new double[Dim];
            double angle = 2 * Math.PI * i / Count;
            mean[0] = Radius * Math.Cos(angle);
            mean[1] = Radius * Math.Sin(angle);
            return mean;
        }).ToArray();
        return (Enumerable.Repeat(1.0 / Count, Count).ToArray(), means, Enumerable.Repeat(Isotropic(Dim, Variance), Count).ToArray());
    }
}

/// <summary>A mixture given component by component: weights (normalised), means and full covariances (symmetric positive definite).</summary>
/// <param name="Weights">Positive weights, one per component.</param>
/// <param name="Means">One L-vector per component.</param>
/// <param name="Covariances">One L×L matrix per component.</param>
/// <param name="Source">Where it was read from, for descriptions ("configs/x.json" or "the config").</param>
public sealed record MixtureTarget(double[] Weights, double[][] Means, double[][,] Covariances, string Source) : TargetSpec
{
    /// <inheritdoc />
    public override string Kind => "mixture";

    /// <inheritdoc />
    public override int Dimension => Means.Length == 0 ? 0 : Means[0].Length;

    /// <inheritdoc />
    public override int Components => Weights.Length;

    /// <inheritdoc />
    public override string Description => FormattableString.Invariant($"mixture({Components} components in {Dimension}-D, from {Source})");

    /// <inheritdoc />
    public override (double[] Weights, double[][] Means, double[][,] Covariances) Parameters() => (Weights, Means, Covariances);
}
