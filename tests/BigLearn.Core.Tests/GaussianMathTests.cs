using BigLearn.Core.Mixtures;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests;

[Collection(TorchCollection.Name)]
public class GaussianMathTests
{
    [Fact]
    public void A_two_dimensional_gaussian_log_density_matches_the_closed_form()
    {
        using var scope = NewDisposeScope();
        // Σ = [[4, 1.2], [1.2, 1]], μ = (1, -1), y = (0.5, 0.3)
        double s11 = 4, s12 = 1.2, s22 = 1, det = s11 * s22 - s12 * s12;
        double dx = 0.5 - 1, dy = 0.3 + 1;
        double maha = (s22 * dx * dx - 2 * s12 * dx * dy + s11 * dy * dy) / det;
        double expected = -0.5 * maha - 0.5 * Math.Log(det) - Math.Log(2 * Math.PI);

        var cov = tensor(new[] { s11, s12, s12, s22 }).reshape(1, 2, 2);
        var logp = GaussianMath.ComponentLogDensities(tensor(new[] { 0.5, 0.3 }).reshape(1, 2), tensor(new[] { 1.0, -1.0 }).reshape(1, 2), linalg.cholesky(cov));
        Assert.Equal(expected, logp.item<double>(), 12);
    }

    [Fact]
    public void The_conditional_of_a_bivariate_gaussian_has_the_textbook_moments()
    {
        using var scope = NewDisposeScope();
        double s11 = 4, s12 = 1.2, s22 = 1, m1 = 1, m2 = -1, y2 = 0.7;
        var means = tensor(new[] { m1, m2 }).reshape(1, 2);
        var cov = tensor(new[] { s11, s12, s12, s22 }).reshape(1, 2, 2);
        var conditional = GaussianMath.Conditional(means, cov, zeros(1, dtype: float64), tensor(new long[] { 1 }), tensor(new long[] { 0 }), tensor(new[] { y2 }).reshape(1, 1));
        Assert.Equal(m1 + s12 / s22 * (y2 - m2), conditional.Means.item<double>(), 12);
        Assert.Equal(Math.Sqrt(s11 - s12 * s12 / s22), conditional.ScaleTril.item<double>(), 12);
        Assert.Equal(0, conditional.LogWeights.item<double>(), 12);
    }
}
