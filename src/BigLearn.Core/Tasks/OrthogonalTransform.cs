using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tasks;

/// <summary>
/// An orthogonal L×L matrix A that defines a transformed domain y = A·x (row-major storage).
/// A task in the data domain carries no transform at all (null), not an identity.
/// </summary>
public sealed class OrthogonalTransform : IEquatable<OrthogonalTransform>
{
    private readonly double[] _matrix;

    private OrthogonalTransform(int dim, double[] matrix, string description)
    {
        Dim = dim;
        _matrix = matrix;
        Description = description;
    }

    /// <summary>The dimension L.</summary>
    public int Dim { get; }

    /// <summary>A short text such as <c>haar</c> or <c>rotation(30°)</c>.</summary>
    public string Description { get; }

    /// <summary>A copy of the matrix, row-major.</summary>
    public double[] ToArray() => (double[])_matrix.Clone();

    /// <summary>Entry (row, column).</summary>
    public double this[int row, int column] => _matrix[row * Dim + column];

    /// <summary>Wraps a given matrix after checking that it is square and orthogonal (AᵀA = I to 1e-8).</summary>
    public static OrthogonalTransform FromMatrix(int dim, double[] rowMajor, string description = "matrix")
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be at least 1");
        if (rowMajor.Length != dim * dim) throw new ArgumentException($"a {dim}×{dim} matrix needs {dim * dim} entries, got {rowMajor.Length}", nameof(rowMajor));
        var transform = new OrthogonalTransform(dim, (double[])rowMajor.Clone(), description);
        double error = transform.OrthogonalityError();
        if (!(error < 1e-8)) throw new ArgumentException($"matrix is not orthogonal: max |AᵀA − I| = {error:g3}", nameof(rowMajor));
        return transform;
    }

    /// <summary>The identity (useful in tests and as a neutral element).</summary>
    public static OrthogonalTransform Identity(int dim)
    {
        var m = new double[dim * dim];
        for (int i = 0; i < dim; i++) m[i * dim + i] = 1;
        return new OrthogonalTransform(dim, m, "identity");
    }

    /// <summary>
    /// A Haar-distributed orthogonal matrix (reflections included): QR of a standard Gaussian matrix with
    /// the signs of R's diagonal moved into Q (Mezzadri 2007), by modified Gram–Schmidt in double precision.
    /// </summary>
    public static OrthogonalTransform Haar(int dim, Rng rng)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be at least 1");
        while (true)
        {
            // columns[j] is column j of the Gaussian matrix G, orthonormalised in place into Q.
            var columns = new double[dim][];
            for (int j = 0; j < dim; j++)
            {
                columns[j] = new double[dim];
                for (int i = 0; i < dim; i++) columns[j][i] = rng.NextGaussian();
            }
            bool degenerate = false;
            for (int j = 0; j < dim && !degenerate; j++)
            {
                var q = columns[j];
                for (int p = 0; p < j; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < dim; i++) dot += columns[p][i] * q[i];
                    for (int i = 0; i < dim; i++) q[i] -= dot * columns[p][i];
                }
                double norm = Math.Sqrt(q.Sum(v => v * v));
                if (norm < 1e-12) { degenerate = true; break; }
                // R's diagonal entry is +norm here, so Q's columns already carry the sign convention R_jj > 0.
                for (int i = 0; i < dim; i++) q[i] /= norm;
            }
            if (degenerate) continue; // probability zero; draw again
            var m = new double[dim * dim];
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++)
                    m[i * dim + j] = columns[j][i];
            return new OrthogonalTransform(dim, m, "haar");
        }
    }

    /// <summary>
    /// A rotation by <paramref name="angleRadians"/> in the plane of coordinates (i, j) of an L-dimensional
    /// space: y_i = cos·x_i + sin·x_j, y_j = −sin·x_i + cos·x_j, the rest unchanged.
    /// </summary>
    public static OrthogonalTransform Rotation(int dim, double angleRadians, int i = 0, int j = 1)
    {
        if (dim < 2) throw new ArgumentOutOfRangeException(nameof(dim), dim, "a rotation needs at least 2 dimensions");
        if (i < 0 || j < 0 || i >= dim || j >= dim || i == j) throw new ArgumentException($"plane ({i},{j}) is not valid in {dim} dimensions");
        var transform = Identity(dim);
        var m = transform._matrix;
        double c = Math.Cos(angleRadians), s = Math.Sin(angleRadians);
        m[i * dim + i] = c;
        m[i * dim + j] = s;
        m[j * dim + i] = -s;
        m[j * dim + j] = c;
        double degrees = angleRadians * 180 / Math.PI;
        return new OrthogonalTransform(dim, m, $"rotation({degrees:0.###}°)");
    }

    /// <summary>A rotation drawn uniformly from [0, 2π) in a random coordinate plane.</summary>
    public static OrthogonalTransform RandomRotation(int dim, Rng rng)
    {
        var plane = rng.Subset(dim, 2);
        return Rotation(dim, 2 * Math.PI * rng.NextDouble(), plane[0], plane[1]);
    }

    /// <summary>y = A·x for one point.</summary>
    public double[] Apply(ReadOnlySpan<double> x)
    {
        if (x.Length != Dim) throw new ArgumentException($"point has {x.Length} coordinates, transform expects {Dim}", nameof(x));
        var y = new double[Dim];
        for (int i = 0; i < Dim; i++)
        {
            double sum = 0;
            for (int k = 0; k < Dim; k++) sum += _matrix[i * Dim + k] * x[k];
            y[i] = sum;
        }
        return y;
    }

    /// <summary>max |AᵀA − I| over entries.</summary>
    public double OrthogonalityError()
    {
        double worst = 0;
        for (int a = 0; a < Dim; a++)
            for (int b = 0; b < Dim; b++)
            {
                double dot = 0;
                for (int k = 0; k < Dim; k++) dot += _matrix[k * Dim + a] * _matrix[k * Dim + b];
                worst = Math.Max(worst, Math.Abs(dot - (a == b ? 1 : 0)));
            }
        return worst;
    }

    /// <summary>The matrix as an [L, L] tensor.</summary>
    public Tensor ToTensor(Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        tensor(_matrix, dtype: dtype, device: device).reshape(Dim, Dim);

    /// <inheritdoc />
    public bool Equals(OrthogonalTransform? other) => other is not null && other.Dim == Dim && other._matrix.AsSpan().SequenceEqual(_matrix);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as OrthogonalTransform);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Dim, _matrix.Length > 0 ? _matrix[0] : 0, _matrix.Length > 1 ? _matrix[^1] : 0);

    /// <inheritdoc />
    public override string ToString() => Description;
}
