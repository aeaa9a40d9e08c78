using BigLearn.Core.Randomness;

namespace BigLearn.Core.Mixtures.Targets;

/// <summary>
/// A data set instead of a density (<c>target.kind = samples</c>, docs/targets.md): rows of L numbers, optionally with an
/// integer cluster label each. Training draws rows of the training split (forward KL, i.e. likelihood, on the data's own
/// projections and conditionals); evaluation scores the held-out split. No density of the data is known, so
/// <see cref="TargetSpec.Parameters"/> are only a Gaussian summary of each labelled cluster (its rows' mean and covariance;
/// one Gaussian of all rows without labels): the geometry that mode coverage counts against and the model's default number of
/// components, never a density that a loss or a figure compares with.
/// </summary>
/// <param name="Rows">The data points, all of the same length L (1 to 10).</param>
/// <param name="Labels">One integer label per row, or null when the file has none.</param>
/// <param name="Holdout">The fraction of rows held out for evaluation (at least one row each side).</param>
/// <param name="SplitSeed">Seed of the split: the same seed holds out the same rows.</param>
/// <param name="Source">The file it was read from (for descriptions).</param>
public sealed record SamplesTarget(double[][] Rows, int[]? Labels, double Holdout, long SplitSeed, string Source) : TargetSpec
{
    // The split and the clusters are computed once: the rows never change.
    private (int[] Training, int[] HeldOut)? _split;
    private int[]? _clusterOf;
    private int[]? _labelValues;

    /// <summary>The stream of <see cref="Rng.ForStream"/> the split draws from (apart from every other stream of a run).</summary>
    public const long SplitStream = -17;

    /// <inheritdoc />
    public override string Kind => "samples";

    /// <inheritdoc />
    public override int Dimension => Rows.Length == 0 ? 0 : Rows[0].Length;

    /// <summary>True when every row has a cluster label.</summary>
    public bool Labelled => Labels is not null;

    /// <inheritdoc />
    /// <remarks>The distinct labels (the modes coverage counts), or 1 without labels.</remarks>
    public override int Components => Labelled ? LabelValues.Length : 1;

    /// <inheritdoc />
    public override string Description => FormattableString.Invariant(
        $"samples({Rows.Length} rows in {Dimension}-D{(Labelled ? $", {LabelValues.Length} labels" : "")}, {HeldOutCount(Rows.Length, Holdout)} held out, from {Source})");

    /// <summary>The distinct labels in ascending order (cluster c is the label <c>LabelValues[c]</c>); empty without labels.</summary>
    public int[] LabelValues => _labelValues ??= Labels is null ? [] : Labels.Distinct().Order().ToArray();

    /// <summary>Each row's cluster index into <see cref="LabelValues"/> (all 0 without labels).</summary>
    public int[] ClusterOf => _clusterOf ??= Labels is null ? new int[Rows.Length] : Labels.Select(l => Array.BinarySearch(LabelValues, l)).ToArray();

    /// <summary>Rows held out of <paramref name="rows"/> at <paramref name="holdout"/>: the rounded share, at least 1.</summary>
    public static int HeldOutCount(int rows, double holdout) => Math.Max(1, (int)Math.Round(rows * holdout, MidpointRounding.AwayFromZero));

    /// <summary>
    /// The split, as row indices in ascending order: a permutation of the rows drawn from <see cref="SplitSeed"/>, its first
    /// <see cref="HeldOutCount"/> held out. Reproducible and disjoint; every row is on one side.
    /// </summary>
    public (int[] Training, int[] HeldOut) Split()
    {
        if (_split is { } split) return split;
        var permutation = Rng.ForStream(SplitSeed, SplitStream).Permutation(Rows.Length);
        int held = HeldOutCount(Rows.Length, Holdout);
        _split = (permutation[held..].Order().ToArray(), permutation[..held].Order().ToArray());
        return _split.Value;
    }

    /// <summary>The training rows, flat (row-major, [n·L]).</summary>
    public double[] TrainingRows() => Flat(Split().Training);

    /// <summary>The held-out rows, flat (row-major, [n·L]).</summary>
    public double[] HeldOutRows() => Flat(Split().HeldOut);

    private double[] Flat(int[] indices) => indices.SelectMany(i => Rows[i]).ToArray();

    /// <inheritdoc />
    /// <remarks>
    /// Each cluster's weight (its share of all rows), mean and covariance (maximum likelihood), plus a ridge of 10⁻⁶ of the
    /// data's mean variance so that a cluster of few or collinear points still has a positive-definite covariance.
    /// </remarks>
    public override (double[] Weights, double[][] Means, double[][,] Covariances) Parameters()
    {
        int k = Components, d = Dimension;
        var counts = new double[k];
        var means = Enumerable.Range(0, k).Select(_ => new double[d]).ToArray();
        for (int i = 0; i < Rows.Length; i++)
        {
            int c = ClusterOf[i];
            counts[c]++;
            for (int j = 0; j < d; j++) means[c][j] += Rows[i][j];
        }
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) means[c][j] /= counts[c];
        var covariances = Enumerable.Range(0, k).Select(_ => new double[d, d]).ToArray();
        for (int i = 0; i < Rows.Length; i++)
        {
            int c = ClusterOf[i];
            for (int r = 0; r < d; r++)
                for (int s = 0; s < d; s++) covariances[c][r, s] += (Rows[i][r] - means[c][r]) * (Rows[i][s] - means[c][s]) / counts[c];
        }
        double ridge = 1e-6 * Math.Max(1e-12, DataVariance());
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) covariances[c][j, j] += ridge;
        return (counts.Select(n => n / Rows.Length).ToArray(), means, covariances);
    }

    // The mean over coordinates of the rows' variance.
    private double DataVariance()
    {
        int d = Dimension;
        double total = 0;
        for (int j = 0; j < d; j++)
        {
            double mean = Rows.Average(r => r[j]);
            total += Rows.Average(r => (r[j] - mean) * (r[j] - mean));
        }
        return total / d;
    }
}
