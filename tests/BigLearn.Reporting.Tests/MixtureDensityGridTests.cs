using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Tests;

public sealed class MixtureDensityGridTests
{
    private static double Normal(double u, double variance) => Math.Exp(-0.5 * u * u / variance) / Math.Sqrt(2 * Math.PI * variance);

    private static double At(MixtureDensityGrid grid, double x, double y) =>
        grid.Density[Array.IndexOf(grid.Ys, grid.Ys.MinBy(v => Math.Abs(v - y))), Array.IndexOf(grid.Xs, grid.Xs.MinBy(v => Math.Abs(v - x)))];

    [Fact]
    public void A_correlated_component_has_the_density_of_two_independent_normals_along_its_axes()
    {
        // Σ = R diag(s1², s2²) Rᵀ, R a rotation by 0.6 rad: in the rotated frame the coordinates are independent.
        double angle = 0.6, s1 = 1.3, s2 = 0.4, c = Math.Cos(angle), s = Math.Sin(angle);
        var covariance = new[,]
        {
            { c * c * s1 * s1 + s * s * s2 * s2, c * s * (s1 * s1 - s2 * s2) },
            { c * s * (s1 * s1 - s2 * s2), s * s * s1 * s1 + c * c * s2 * s2 },
        };
        double[] mean = [0.5, -1];
        var grid = MixtureDensityGrid.Evaluate([2.0], [mean], [covariance], extent: 3, n: 13); // step 0.5
        foreach (var (x, y) in new[] { (0.5, -1.0), (1.5, 0.0), (-2.0, -3.0), (3.0, 2.5) })
        {
            double dx = x - mean[0], dy = y - mean[1];
            double u1 = c * dx + s * dy, u2 = -s * dx + c * dy;
            Assert.Equal(Normal(u1, s1 * s1) * Normal(u2, s2 * s2), At(grid, x, y), 12);
        }
    }

    [Fact]
    public void The_target_mixture_integrates_to_one_and_its_plotted_levels_are_its_one_two_and_three_sigma_circles()
    {
        var geometry = Grid25();
        var covariance = new[,] { { 0.05, 0 }, { 0, 0.05 } };
        var grid = MixtureDensityGrid.Evaluate(Enumerable.Repeat(1.0, 25).ToArray(), geometry.TargetMeans,
            geometry.TargetMeans.Select(_ => covariance).ToArray(), extent: 6, n: 241);
        double h = grid.Xs[1] - grid.Xs[0];
        Assert.Equal(0.05, h, 12);
        Assert.Equal(1.0, grid.Density.Cast<double>().Sum() * h * h, 6);

        // The mixture's density at r·σ from a mode is the r-th level: the level is one component's, the neighbour 2 away
        // adds 2e-6 of it at 3σ (towards it) and less nearer the mode.
        var levels = ExperimentPlots.DensityLevels(geometry);
        double sigma = Math.Sqrt(0.05);
        for (int i = 0; i < 3; i++)
        {
            double r = 3 - i;
            double exact = Enumerable.Range(0, 25).Sum(k =>
                Normal(2 + r * sigma - geometry.TargetMeans[k][0], 0.05) * Normal(0 - geometry.TargetMeans[k][1], 0.05)) / 25;
            Assert.InRange(levels[i] / exact, 1 - 3e-6, 1);
        }
        Assert.True(levels[0] < levels[1] && levels[1] < levels[2]);
    }

    [Fact]
    public void Weights_are_normalised_and_a_singular_component_contributes_nothing()
    {
        var unit = new[,] { { 1.0, 0 }, { 0, 1.0 } };
        var singular = new[,] { { 1.0, 1.0 }, { 1.0, 1.0 } };
        var grid = MixtureDensityGrid.Evaluate([3.0, 1.0, 5.0], [[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]], [unit, unit, singular], extent: 2, n: 5);
        // Weights 3 : 1 : 5 of 9; the singular component's mass lies on a line and is not drawn.
        Assert.Equal(3.0 / 9 * Normal(0, 1) * Normal(0, 1) + 1.0 / 9 * Normal(2, 1) * Normal(0, 1),
            At(grid, 0, 0), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => MixtureDensityGrid.Evaluate([1.0], [[0.0, 0.0]], [unit], 1, 1));
    }

    [Fact]
    public void The_model_weights_are_the_softmax_of_its_logits_or_uniform_without_them()
    {
        // K = 2, L = 2: 4 means, 8 Cholesky entries, then 2 logits.
        var theta = new double[4 + 8 + 2];
        theta[12] = Math.Log(3);
        var weights = ExperimentPlots.Weights(theta, components: 2, dim: 2);
        Assert.Equal(0.75, weights[0], 12);
        Assert.Equal(0.25, weights[1], 12);
        Assert.Equal([0.5, 0.5], ExperimentPlots.Weights(new double[12], components: 2, dim: 2));
    }

    private static MixtureGeometry Grid25() => new(2, 25,
        (from x in new[] { -4.0, -2, 0, 2, 4 } from y in new[] { -4.0, -2, 0, 2, 4 } select new[] { x, y }).ToArray(), 0.05);
}
