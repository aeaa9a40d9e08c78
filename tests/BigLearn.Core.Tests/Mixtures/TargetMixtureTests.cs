using BigLearn.Core.Mixtures;

namespace BigLearn.Core.Tests.Mixtures;

[Collection(TorchCollection.Name)]
public class TargetMixtureTests
{
    public TargetMixtureTests() => TorchRuntime.Configure(threads: 1);

    [Fact]
    public void The_default_grid_is_the_papers_25_modes_on_minus_four_to_four_with_variance_point_zero_five()
    {
        using var grid = TargetMixture.Grid();
        Assert.Equal(25, grid.Components);
        Assert.Equal(2, grid.Dim);
        var means = Enumerable.Range(0, 25).Select(k => (grid.Mean(k)[0], grid.Mean(k)[1])).ToHashSet();
        var expected = new double[] { -4, -2, 0, 2, 4 }.SelectMany(a => new double[] { -4, -2, 0, 2, 4 }.Select(b => (a, b))).ToHashSet();
        Assert.Equal(expected, means);
        Assert.Equal((-4.0, -4.0), (grid.Mean(0)[0], grid.Mean(0)[1]));
        for (int k = 0; k < 25; k++)
        {
            Assert.Equal(1.0 / 25, grid.Weight(k), 15);
            var c = grid.Covariance(k);
            Assert.Equal((0.05, 0.0, 0.0, 0.05), (c[0, 0], c[0, 1], c[1, 0], c[1, 1]));
        }
    }

    [Fact]
    public void A_grid_takes_size_spacing_variance_and_dimension()
    {
        using var grid = TargetMixture.Grid(size: 3, spacing: 1.5, variance: 0.2, dim: 3);
        Assert.Equal(27, grid.Components);
        Assert.Equal(new[] { -1.5, -1.5, -1.5 }, grid.Mean(0));
        Assert.Equal(new[] { 1.5, 1.5, 1.5 }, grid.Mean(26));
        Assert.Equal(0.2, grid.Covariance(13)[2, 2]);
    }

    [Fact]
    public void A_custom_target_normalises_its_weights()
    {
        using var target = TargetMixture.Custom([1, 3], [[0.0], [1.0]], [new double[,] { { 1 } }, new double[,] { { 2 } }]);
        Assert.Equal(0.25, target.Weight(0), 15);
        Assert.Equal(0.75, target.Weight(1), 15);
    }

    [Fact]
    public void A_covariance_that_is_not_positive_definite_is_refused_with_a_one_line_message()
    {
        var error = Assert.Throws<ArgumentException>(() => TargetMixture.Custom([1], [[0.0, 0.0]], [new double[,] { { 1, 2 }, { 2, 1 } }]));
        Assert.Contains("covariance 0 is not positive definite", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_non_symmetric_covariance_a_non_positive_weight_and_mismatched_counts_are_refused()
    {
        Assert.Contains("not symmetric", Assert.Throws<ArgumentException>(() =>
            TargetMixture.Custom([1], [[0.0, 0.0]], [new double[,] { { 1, 0.5 }, { 0.2, 1 } }])).Message);
        Assert.Contains("weight 1 is 0", Assert.Throws<ArgumentException>(() =>
            TargetMixture.Custom([1, 0], [[0.0], [1.0]], [new double[,] { { 1 } }, new double[,] { { 1 } }])).Message);
        Assert.Contains("counts must agree", Assert.Throws<ArgumentException>(() =>
            TargetMixture.Custom([1, 1], [[0.0]], [new double[,] { { 1 } }])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetMixture.Grid(variance: 0));
    }
}
