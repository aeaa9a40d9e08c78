using BigLearn.Core.Tasks;

namespace BigLearn.Core.Tests.Mixtures;

/// <summary>
/// An independent, loop-based Gaussian mixture in plain C# (no tensors, no shared code with the library):
/// the reference for the quadrature tests. Densities in a transformed domain use p_y(y) = p_x(Aᵀy), valid
/// because |det A| = 1 for an orthogonal A.
/// </summary>
internal sealed class PlainMixture
{
    private readonly double[][,] _inverses;
    private readonly double[] _logNormalisers;

    public PlainMixture(double[] weights, double[][] means, double[][,] covariances)
    {
        Weights = weights;
        Means = means;
        Covariances = covariances;
        int d = means[0].Length;
        _inverses = new double[weights.Length][,];
        _logNormalisers = new double[weights.Length];
        for (int k = 0; k < weights.Length; k++)
        {
            var (inverse, det) = InvertWithDeterminant(covariances[k]);
            _inverses[k] = inverse;
            _logNormalisers[k] = -0.5 * (d * Math.Log(2 * Math.PI) + Math.Log(det));
        }
    }

    public double[] Weights { get; }
    public double[][] Means { get; }
    public double[][,] Covariances { get; }
    public int Dim => Means[0].Length;

    /// <summary>p(x) in the data domain.</summary>
    public double Density(ReadOnlySpan<double> x)
    {
        int d = Dim;
        double total = 0;
        Span<double> diff = stackalloc double[d];
        for (int k = 0; k < Weights.Length; k++)
        {
            for (int i = 0; i < d; i++) diff[i] = x[i] - Means[k][i];
            double q = 0;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    q += diff[i] * _inverses[k][i, j] * diff[j];
            total += Weights[k] * Math.Exp(_logNormalisers[k] - 0.5 * q);
        }
        return total;
    }

    /// <summary>p_y(y) of y = A·x: p_x(Aᵀ y).</summary>
    public double DensityInView(OrthogonalTransform? a, ReadOnlySpan<double> y)
    {
        if (a is null) return Density(y);
        int d = Dim;
        Span<double> x = stackalloc double[d];
        for (int i = 0; i < d; i++)
        {
            double s = 0;
            for (int r = 0; r < d; r++) s += a[r, i] * y[r];
            x[i] = s;
        }
        return Density(x);
    }

    /// <summary>Gauss–Jordan inverse and determinant (small matrices only).</summary>
    public static (double[,] Inverse, double Determinant) InvertWithDeterminant(double[,] m)
    {
        int n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) inv[i, i] = 1;
        double det = 1;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (pivot != c)
            {
                det = -det;
                for (int j = 0; j < n; j++)
                {
                    (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
                    (inv[c, j], inv[pivot, j]) = (inv[pivot, j], inv[c, j]);
                }
            }
            double p = a[c, c];
            det *= p;
            for (int j = 0; j < n; j++) { a[c, j] /= p; inv[c, j] /= p; }
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = a[r, c];
                for (int j = 0; j < n; j++) { a[r, j] -= f * a[c, j]; inv[r, j] -= f * inv[c, j]; }
            }
        }
        return (inv, det);
    }

    /// <summary>A random mixture: means N(0, spread²), covariances B Bᵀ + floor·I.</summary>
    public static PlainMixture Random(int dim, int components, int seed, double spread = 1.5, double floor = 0.3)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var weights = Enumerable.Range(0, components).Select(_ => 0.5 + random.NextDouble()).ToArray();
        double total = weights.Sum();
        weights = weights.Select(w => w / total).ToArray();
        var means = Enumerable.Range(0, components).Select(_ => Enumerable.Range(0, dim).Select(_ => spread * Gaussian()).ToArray()).ToArray();
        var covariances = new double[components][,];
        for (int k = 0; k < components; k++)
        {
            var b = new double[dim, dim];
            for (int i = 0; i < dim; i++) for (int j = 0; j < dim; j++) b[i, j] = 0.7 * Gaussian();
            var c = new double[dim, dim];
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++)
                {
                    double s = i == j ? floor : 0;
                    for (int m = 0; m < dim; m++) s += b[i, m] * b[j, m];
                    c[i, j] = s;
                }
            covariances[k] = c;
        }
        return new PlainMixture(weights, means, covariances);
    }

    /// <summary>The same mixture as a library target (the object under test).</summary>
    public BigLearn.Core.Mixtures.TargetMixture ToTarget() => BigLearn.Core.Mixtures.TargetMixture.Custom(Weights, Means, Covariances);
}

/// <summary>Composite Simpson weights on [a, b] with an even number of intervals.</summary>
internal static class Simpson
{
    public static (double[] Nodes, double[] Weights) Rule(double a, double b, int intervals)
    {
        if (intervals % 2 != 0) throw new ArgumentException("Simpson needs an even number of intervals");
        double h = (b - a) / intervals;
        var nodes = new double[intervals + 1];
        var weights = new double[intervals + 1];
        for (int i = 0; i <= intervals; i++)
        {
            nodes[i] = a + i * h;
            weights[i] = h / 3 * (i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return (nodes, weights);
    }
}
