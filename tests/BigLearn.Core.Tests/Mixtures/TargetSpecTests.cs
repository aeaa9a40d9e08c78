using BigLearn.Core.Mixtures;
using BigLearn.Core.Mixtures.Targets;

namespace BigLearn.Core.Tests.Mixtures;

/// <summary>The target families against their closed forms.</summary>
public sealed class TargetSpecTests
{
    [Fact]
    public void A_ring_puts_its_components_evenly_on_the_circle_and_centres_the_other_coordinates()
    {
        var ring = new RingTarget(Dim: 10, Count: 8, Radius: 4, Variance: 0.05);
        using var mixture = ring.Create();
        Assert.Equal((10, 8), (mixture.Dim, mixture.Components));
        for (int i = 0; i < 8; i++)
        {
            var mean = mixture.Mean(i);
            Assert.Equal(4, Math.Sqrt(mean[0] * mean[0] + mean[1] * mean[1]), 12);
            Assert.Equal(2 * Math.PI * i / 8, (Math.Atan2(mean[1], mean[0]) + 2 * Math.PI) % (2 * Math.PI), 12);
            Assert.All(mean.Skip(2), v => Assert.Equal(0, v));
            Assert.Equal(1.0 / 8, mixture.Weight(i), 15);
        }
        // Neighbours are 2r·sin(π/n) apart.
        var (a, b) = (mixture.Mean(0), mixture.Mean(1));
        Assert.Equal(2 * 4 * Math.Sin(Math.PI / 8), Math.Sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])), 12);
        Assert.Equal(0.05, ring.TypicalVariance(), 15);
    }

    [Fact]
    public void The_grid_family_builds_exactly_the_papers_grid()
    {
        using var viaSpec = new GridTarget(2, 5, 2, 0.05).Create();
        using var grid = TargetMixture.Grid();
        Assert.Equal(Enumerable.Range(0, 25).Select(grid.Mean), Enumerable.Range(0, 25).Select(viaSpec.Mean));
        Assert.Equal([-4.0, -4.0], viaSpec.Mean(0));
        Assert.Equal([4.0, 4.0], viaSpec.Mean(24));
        Assert.Equal(grid.Description, viaSpec.Description);
    }

    [Fact]
    public void A_mixture_keeps_its_weights_normalised_and_refuses_a_covariance_that_is_not_positive_definite()
    {
        var spec = new MixtureTarget([3, 1], [[0, 0], [2, 1]], [new double[,] { { 1, 0.5 }, { 0.5, 1 } }, new double[,] { { 0.2, 0 }, { 0, 0.1 } }], "test");
        using var mixture = spec.Create();
        Assert.Equal((0.75, 0.25), (mixture.Weight(0), mixture.Weight(1)));
        Assert.Equal((2, 2), (spec.Dimension, spec.Components));
        Assert.Equal((1 + 1 + 0.2 + 0.1) / 4, spec.TypicalVariance(), 15);
        var singular = spec with { Covariances = [new double[,] { { 1, 1 }, { 1, 1 } }, new double[,] { { 1, 0 }, { 0, 1 } }] };
        Assert.Contains("not positive definite", Assert.Throws<ArgumentException>(() => singular.Create()).Message);
    }
}
