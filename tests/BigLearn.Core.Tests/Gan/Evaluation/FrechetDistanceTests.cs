using BigLearn.Core.Gan.Evaluation;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan.Evaluation;

[Collection(TorchCollection.Name)]
public class FrechetDistanceTests
{
    private static Tensor Vector(params double[] v) => tensor(v, ScalarType.Float64);
    private static Tensor Matrix(int n, params double[] v) => tensor(v, ScalarType.Float64).reshape(n, n);

    [Fact]
    public void The_distance_between_diagonal_gaussians_is_the_sum_of_squared_mean_and_root_variance_gaps()
    {
        using var scope = NewDisposeScope();
        double[] a = [1.0, 4.0, 0.25], b = [9.0, 1.0, 0.25];
        double[] m1 = [0, 1, 2], m2 = [1, 1, -1];
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += Math.Pow(m1[i] - m2[i], 2) + Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2);
        double d = FrechetDistance.OfGaussians(Vector(m1), diag(Vector(a)), Vector(m2), diag(Vector(b)));
        Assert.Equal(expected, d, 10); // 1 + 0 + 9 + 4 + 1 + 0 = 15
    }

    [Fact]
    public void The_distance_between_commuting_covariances_uses_their_shared_eigenbasis()
    {
        using var scope = NewDisposeScope();
        // Σ1 = Q diag(a) Qᵀ and Σ2 = Q diag(b) Qᵀ commute, so tr(Σ1Σ2)^½ = Σ √(a_i b_i).
        double angle = 0.7;
        var q = Matrix(2, Math.Cos(angle), -Math.Sin(angle), Math.Sin(angle), Math.Cos(angle));
        double[] a = [2.0, 0.5], b = [0.3, 5.0];
        var s1 = q.mm(diag(Vector(a))).mm(q.t());
        var s2 = q.mm(diag(Vector(b))).mm(q.t());
        double expected = Math.Pow(Math.Sqrt(2.0) - Math.Sqrt(0.3), 2) + Math.Pow(Math.Sqrt(0.5) - Math.Sqrt(5.0), 2);
        Assert.Equal(expected, FrechetDistance.OfGaussians(Vector(0, 0), s1, Vector(0, 0), s2), 9);
    }

    [Fact]
    public void The_distance_between_non_commuting_two_by_two_covariances_matches_the_determinant_formula()
    {
        using var scope = NewDisposeScope();
        // For 2×2 M = Σ1Σ2 with positive eigenvalues, tr √M = √(tr M + 2√det M).
        double[,] s1 = { { 2.0, 0.6 }, { 0.6, 1.0 } }, s2 = { { 0.5, -0.3 }, { -0.3, 3.0 } };
        double m00 = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0], m01 = s1[0, 0] * s2[0, 1] + s1[0, 1] * s2[1, 1];
        double m10 = s1[1, 0] * s2[0, 0] + s1[1, 1] * s2[1, 0], m11 = s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        Assert.NotEqual(m01, m10); // Σ1Σ2 is not symmetric: the covariances do not commute
        double traceRoot = Math.Sqrt(m00 + m11 + 2 * Math.Sqrt(m00 * m11 - m01 * m10));
        double meanGap = Math.Pow(1.5 - (-0.5), 2) + Math.Pow(0.0 - 2.0, 2);
        double expected = meanGap + s1[0, 0] + s1[1, 1] + s2[0, 0] + s2[1, 1] - 2 * traceRoot;
        double d = FrechetDistance.OfGaussians(Vector(1.5, 0.0), Matrix(2, 2.0, 0.6, 0.6, 1.0), Vector(-0.5, 2.0), Matrix(2, 0.5, -0.3, -0.3, 3.0));
        Assert.Equal(expected, d, 9);
    }

    [Fact]
    public void A_feature_set_is_at_distance_zero_from_itself()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var features = randn([400, 32], ScalarType.Float32, generator: generator).mm(randn([32, 32], ScalarType.Float32, generator: generator));
        Assert.Equal(0, FrechetDistance.Between(features, features), 6);
    }

    [Fact]
    public void One_dimensional_features_give_the_squared_gaps_of_mean_and_unbiased_standard_deviation()
    {
        using var scope = NewDisposeScope();
        double[] x = [0.5, 1.5, 3.0, -1.0, 2.0], y = [4.0, 2.5, 3.5, 5.0];
        static (double Mean, double Sd) Stats(double[] v)
        {
            double mean = v.Average();
            return (mean, Math.Sqrt(v.Sum(t => (t - mean) * (t - mean)) / (v.Length - 1)));
        }
        var (mx, sx) = Stats(x);
        var (my, sy) = Stats(y);
        double expected = Math.Pow(mx - my, 2) + Math.Pow(sx - sy, 2);
        Assert.Equal(expected, FrechetDistance.Between(tensor(x).reshape(-1, 1), tensor(y).reshape(-1, 1)), 10);
    }

    [Fact]
    public void Feature_sets_of_different_widths_are_refused()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => FrechetDistance.Between(zeros(10, 3), zeros(10, 4)));
    }
}
