using BigLearn.Core.Landscapes;

namespace BigLearn.Core.Tests.Landscapes;

public class LandscapeMinimaTests
{
    private static readonly double[] Axis = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];

    private static double[,] Surface(Func<double, double, double> f)
    {
        var kl = new double[Axis.Length, Axis.Length];
        for (int i = 0; i < Axis.Length; i++)
            for (int j = 0; j < Axis.Length; j++)
                kl[i, j] = f(Axis[i], Axis[j]);
        return kl;
    }

    [Fact]
    public void Two_basins_give_two_local_minima_and_the_lower_one_is_global()
    {
        var kl = Surface((a, b) => Math.Min((a + 1) * (a + 1) + (b - 1) * (b - 1), (a - 1) * (a - 1) + (b + 1) * (b + 1) + 0.5));
        var minima = LandscapeMinima.Find(Axis, kl);
        Assert.Equal(new LandscapeMinimum(-1, 1, 0), minima.Global);
        Assert.Equal(new[] { new LandscapeMinimum(-1, 1, 0), new LandscapeMinimum(1, -1, 0.5) }, minima.Local);
    }

    [Fact]
    public void A_minimum_on_the_corner_of_the_grid_counts()
    {
        var minima = LandscapeMinima.Find(Axis, Surface((a, b) => a + 2 * b));
        Assert.Equal(new LandscapeMinimum(-2, -2, -6), Assert.Single(minima.Local));
        Assert.Equal(new LandscapeMinimum(-2, -2, -6), minima.Global);
    }

    [Fact]
    public void A_minimum_on_an_edge_counts()
    {
        var minima = LandscapeMinima.Local(Axis, Surface((a, b) => (a - 0.5) * (a - 0.5) - b));
        Assert.Equal(new LandscapeMinimum(0.5, 2, -2), Assert.Single(minima));
    }

    [Fact]
    public void A_plateau_is_all_minima_unless_strict()
    {
        var flat = Surface((_, _) => 1);
        Assert.Equal(Axis.Length * Axis.Length, LandscapeMinima.Local(Axis, flat).Count);
        Assert.Empty(LandscapeMinima.Local(Axis, flat, strict: true));
    }

    [Fact]
    public void Nan_points_are_neither_minima_nor_obstacles()
    {
        var kl = Surface((a, b) => a * a + b * b);
        kl[4, 4] = double.NaN; // the true minimum at (0, 0) is missing
        var minima = LandscapeMinima.Find(Axis, kl);
        Assert.All(minima.Local, m => Assert.Equal(0.25, m.Kl));
        Assert.Equal(4, minima.Local.Count);
        Assert.Equal(0.25, minima.Global.Kl);
    }

    [Fact]
    public void A_surface_that_does_not_fit_the_axis_is_refused() =>
        Assert.Throws<ArgumentException>(() => LandscapeMinima.Local(Axis, new double[3, 3]));
}
