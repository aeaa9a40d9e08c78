using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;

namespace BigLearn.Core.Tests;

public class TransformTests
{
    private static double Determinant2(OrthogonalTransform a) => a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void Haar_matrices_are_orthogonal_to_1e_10(int dim)
    {
        var rng = new Rng(100 + (ulong)dim);
        for (int draw = 0; draw < 200; draw++)
        {
            var a = OrthogonalTransform.Haar(dim, rng);
            Assert.Equal(dim, a.Dim);
            // Independent of OrthogonalityError: rows must be orthonormal too (AAᵀ = I).
            for (int r = 0; r < dim; r++)
                for (int s = 0; s < dim; s++)
                {
                    double dot = 0;
                    for (int k = 0; k < dim; k++) dot += a[r, k] * a[s, k];
                    Assert.True(Math.Abs(dot - (r == s ? 1 : 0)) < 1e-10, $"(AAᵀ)[{r},{s}] = {dot}");
                }
            Assert.True(a.OrthogonalityError() < 1e-10);
        }
    }

    [Fact]
    public void Haar_in_one_dimension_is_plus_or_minus_one_evenly()
    {
        const int n = 4000;
        var rng = new Rng(7);
        int plus = 0;
        for (int i = 0; i < n; i++)
        {
            double v = OrthogonalTransform.Haar(1, rng)[0, 0];
            Assert.Equal(1.0, Math.Abs(v), 14);
            if (v > 0) plus++;
        }
        StatisticalAssert.Binomial(plus, n, 0.5, "A = +1");
    }

    [Fact]
    public void Haar_in_two_dimensions_includes_reflections_half_the_time()
    {
        const int n = 4000;
        var rng = new Rng(8);
        int rotations = 0;
        for (int i = 0; i < n; i++)
        {
            double det = Determinant2(OrthogonalTransform.Haar(2, rng));
            Assert.Equal(1.0, Math.Abs(det), 10);
            if (det > 0) rotations++;
        }
        StatisticalAssert.Binomial(rotations, n, 0.5, "det A = +1");
    }

    [Fact]
    public void Haar_entries_in_three_dimensions_are_uniform_on_minus_one_to_one()
    {
        // For Haar A ∈ O(3) every entry is a coordinate of a uniform point on S², hence uniform on [−1, 1]:
        // mean 0, E[a²] = 1/3, Var(a²) = E[a⁴] − 1/9 = 1/5 − 1/9 = 4/45.
        const int n = 4000;
        var rng = new Rng(9);
        var corner = new double[n];
        var offDiagonal = new double[n];
        for (int i = 0; i < n; i++)
        {
            var a = OrthogonalTransform.Haar(3, rng);
            corner[i] = a[0, 0];
            offDiagonal[i] = a[2, 1];
        }
        foreach (var (name, values) in new[] { ("A[0,0]", corner), ("A[2,1]", offDiagonal) })
        {
            StatisticalAssert.Mean(values.Average(), 0, Math.Sqrt(1.0 / 3), n, $"mean of {name}");
            StatisticalAssert.Mean(values.Average(v => v * v), 1.0 / 3, Math.Sqrt(4.0 / 45), n, $"mean of {name}²");
            StatisticalAssert.Binomial(values.Count(v => Math.Abs(v) < 0.5), n, 0.5, $"|{name}| < 1/2");
        }
    }

    [Fact]
    public void The_same_stream_gives_the_same_haar_matrix()
    {
        Assert.Equal(OrthogonalTransform.Haar(4, new Rng(3)), OrthogonalTransform.Haar(4, new Rng(3)));
        Assert.NotEqual(OrthogonalTransform.Haar(4, new Rng(3)), OrthogonalTransform.Haar(4, new Rng(4)));
    }

    [Fact]
    public void A_rotation_maps_the_first_unit_vector_to_cos_minus_sin()
    {
        // Documented convention: y_i = cos·x_i + sin·x_j, y_j = −sin·x_i + cos·x_j.
        double angle = Math.PI / 6;
        var a = OrthogonalTransform.Rotation(2, angle);
        var y = a.Apply([1.0, 0.0]);
        Assert.Equal(Math.Sqrt(3) / 2, y[0], 14);
        Assert.Equal(-0.5, y[1], 14);
        var z = a.Apply([0.0, 1.0]);
        Assert.Equal(0.5, z[0], 14);
        Assert.Equal(Math.Sqrt(3) / 2, z[1], 14);
        Assert.Equal(1.0, Determinant2(a), 14);
        Assert.Equal("rotation(30°)", a.Description);
    }

    [Fact]
    public void A_rotation_in_another_plane_leaves_the_other_coordinates_alone()
    {
        double angle = 0.4;
        var y = OrthogonalTransform.Rotation(3, angle, 0, 2).Apply([0.0, 5.0, 1.0]);
        Assert.Equal(Math.Sin(angle), y[0], 14);
        Assert.Equal(5.0, y[1], 14);
        Assert.Equal(Math.Cos(angle), y[2], 14);
    }

    [Fact]
    public void The_first_coordinate_of_a_rotated_point_is_the_projection_used_by_the_paper()
    {
        // The paper's §3.3 (docs/science.md): at angle α the marginal of y1 has component means μ·cos α when x = (μ, 0).
        double alpha = 45 * Math.PI / 180;
        var y = OrthogonalTransform.Rotation(2, alpha).Apply([-1.0, 0.0]);
        Assert.Equal(-Math.Cos(alpha), y[0], 14);
    }

    [Fact]
    public void From_matrix_accepts_an_orthogonal_matrix_and_refuses_others()
    {
        var permutation = OrthogonalTransform.FromMatrix(3, [0, 1, 0, 0, 0, 1, 1, 0, 0], "perm");
        Assert.Equal(new[] { 2.0, 3.0, 1.0 }, permutation.Apply([1.0, 2.0, 3.0]));

        var shear = Assert.Throws<ArgumentException>(() => OrthogonalTransform.FromMatrix(2, [1, 1, 0, 1]));
        Assert.Contains("not orthogonal", shear.Message);
        var scaled = Assert.Throws<ArgumentException>(() => OrthogonalTransform.FromMatrix(2, [2, 0, 0, 2]));
        Assert.Contains("not orthogonal", scaled.Message);
        Assert.Throws<ArgumentException>(() => OrthogonalTransform.FromMatrix(2, [1, 0, 0]));
        Assert.Throws<ArgumentException>(() => OrthogonalTransform.FromMatrix(2, [double.NaN, 0, 0, 1]));
    }

    [Fact]
    public void Transforms_compare_by_their_matrix()
    {
        var a = OrthogonalTransform.Rotation(2, 0.3);
        Assert.Equal(a, OrthogonalTransform.FromMatrix(2, a.ToArray()));
        Assert.NotEqual(a, OrthogonalTransform.Rotation(2, 0.3000001));
        Assert.Equal(OrthogonalTransform.Identity(2), OrthogonalTransform.Rotation(2, 0));
    }
}
