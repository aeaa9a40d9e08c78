using BigLearn.Core.Landscapes;
using BigLearn.Reporting.Landscapes;

namespace BigLearn.Reporting.Tests;

public sealed class LandscapeMinimaFinderTests
{
    private static readonly double[] Axis = new LandscapeSpec(-2, 2, 21, 10, 1, [0], [0], 1).Axis();

    [Fact]
    public void The_joint_bowls_have_their_four_minima_at_the_bowl_centres_with_the_global_ones_first()
    {
        var minima = LandscapeMinimaFinder.Find(SyntheticLandscapes.Grid(Axis, SyntheticLandscapes.Joint), Axis);
        Assert.Equal(4, minima.Count);
        var points = minima.Select(m => (Math.Round(m.Mu1, 9), Math.Round(m.Mu2, 9))).ToArray();
        Assert.Equal(new[] { (-1.0, 1.0), (1.0, -1.0) }.OrderBy(p => p), points.Take(2).OrderBy(p => p));
        Assert.Equal(new[] { (-1.0, -1.0), (1.0, 1.0) }.OrderBy(p => p), points.Skip(2).OrderBy(p => p));
        Assert.All(minima.Take(2), m => Assert.Equal(0, m.Kl, 1e-12));
        Assert.All(minima.Skip(2), m => Assert.Equal(Math.Log(2), m.Kl, 1e-12));
    }

    [Fact]
    public void A_flat_surface_has_no_minimum()
    {
        Assert.Empty(LandscapeMinimaFinder.Find(SyntheticLandscapes.Grid(Axis, (_, _) => 0.3), Axis));
    }

    [Fact]
    public void A_valley_of_two_equal_points_yields_one_minimum()
    {
        var kl = SyntheticLandscapes.Grid(Axis, (a, b) => 1 + a * a + b * b);
        kl[10, 10] = kl[10, 11] = 0;
        var minima = LandscapeMinimaFinder.Find(kl, Axis);
        Assert.Single(minima);
        Assert.Equal((0.0, 0.0), (minima[0].Mu1, Math.Round(minima[0].Mu2, 9)));
    }

    [Fact]
    public void A_minimum_on_the_edge_of_the_grid_is_found()
    {
        var minima = LandscapeMinimaFinder.Find(SyntheticLandscapes.Grid(Axis, (a, b) => (a - 2) * (a - 2) + b * b), Axis);
        Assert.Equal((2.0, 0.0), (minima.Single().Mu1, Math.Round(minima.Single().Mu2, 9)));
    }
}
