using BigLearn.Core.Landscapes;
using static BigLearn.Core.Tests.Landscapes.MixtureQuadrature;

namespace BigLearn.Core.Tests.Landscapes;

[Collection(TorchCollection.Name)]
public class GmmLandscapeTests
{
    // Axis −2, −1, 0, 1, 2: it contains the check points of the paper's §3.3 (docs/science.md).
    private static readonly double[] CheckAngles = [0, 30, 45, 60, 90];
    private const int CheckSamples = 2000;

    private static readonly Lazy<LandscapeResult> CheckGrid = new(() =>
    {
        TorchRuntime.Configure(1);
        return GmmLandscape.Compute(new LandscapeSpec(-2, 2, 5, CheckSamples, 888, CheckAngles, [0, 30, 60, 90], 3));
    });

    public static TheoryData<double, double, double> PaperTable => new()
    {
        { 0, 0.691, 3.069 }, { 30, 0.685, 2.142 }, { 45, 0.659, 1.270 }, { 60, 0.550, 0.493 }, { 90, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(PaperTable))]
    public void The_reference_quadrature_reproduces_the_paper_check_table(double angle, double atMinusOneMinusOne, double atOrigin)
    {
        // To the table's 3 decimals. One entry sits on a rounding edge: at 30° and (−1,−1) the exact value is
        // 0.68447 (the table prints 0.685), hence half a unit of the last decimal plus 0.1 of a unit.
        const double lastDigit = 6e-4;
        Assert.InRange(QuadratureMarginal(-1, 1, angle).Kl, -1e-9, 1e-9);
        Assert.InRange(QuadratureMarginal(-1, -1, angle).Kl - atMinusOneMinusOne, -lastDigit, lastDigit);
        Assert.InRange(QuadratureMarginal(0, 0, angle).Kl - atOrigin, -lastDigit, lastDigit);
    }

    [Theory]
    [MemberData(nameof(PaperTable))]
    public void The_marginal_landscape_matches_quadrature_at_the_check_points(double angle, double unusedA, double unusedB)
    {
        _ = (unusedA, unusedB);
        var result = CheckGrid.Value;
        var surface = result.Surfaces.Single(s => s.View == LandscapeViews.Marginal && s.AngleDeg == angle);
        foreach (var (mu1, mu2) in new[] { (-1.0, 1.0), (-1.0, -1.0), (0.0, 0.0), (2.0, -1.0) })
        {
            var (kl, variance) = QuadratureMarginal(mu1, mu2, angle);
            double mc = At(result, surface, mu1, mu2);
            Assert.InRange(mc - kl, -Tolerance(variance), Tolerance(variance));
        }
    }

    [Fact]
    public void The_joint_equals_the_marginal_at_zero_degrees_and_ninety_degrees_is_flat_zero()
    {
        var result = CheckGrid.Value;
        var joint = result.Surfaces.Single(s => s.View == LandscapeViews.Joint).Kl;
        var zero = result.Surfaces.Single(s => s.View == LandscapeViews.Marginal && s.AngleDeg == 0).Kl;
        var ninety = result.Surfaces.Single(s => s.View == LandscapeViews.Marginal && s.AngleDeg == 90).Kl;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                // x2 is N(0, 0.1) under every component of p and q, so it cancels from log p − log q sample by
                // sample; with common random numbers the two estimates agree to rounding, not just to MC error.
                var (kl, variance) = QuadratureMarginal(result.Axis[i], result.Axis[j], 0);
                Assert.InRange(joint[i, j] - kl, -Tolerance(variance), Tolerance(variance));
                Assert.Equal(zero[i, j], joint[i, j], 1e-9);
                Assert.Equal(0, ninety[i, j], 1e-9);
            }
    }

    [Fact]
    public void The_sums_add_up_their_views()
    {
        var result = CheckGrid.Value;
        var marginalSum = result.Surfaces.Single(s => s.View == LandscapeViews.MarginalSum).Kl;
        var conditionalSum = result.Surfaces.Single(s => s.View == LandscapeViews.ConditionalSum).Kl;
        var marginals = result.Surfaces.Where(s => s.View == LandscapeViews.Marginal).ToList();
        var conditionals = result.Surfaces.Where(s => s.View == LandscapeViews.Conditional).ToList();
        Assert.Equal(CheckAngles.Length, marginals.Count);
        Assert.Equal(4 * 3, conditionals.Count);
        Assert.Equal(marginals.Sum(s => s.Kl[1, 2]), marginalSum[1, 2], 1e-12);
        Assert.Equal(conditionals.Sum(s => s.Kl[3, 0]), conditionalSum[3, 0], 1e-12);
    }

    [Fact]
    public void The_conditional_values_span_the_target_y2_modes_two_sigmas_beyond()
    {
        var result = CheckGrid.Value;
        foreach (double angle in new double[] { 0, 30, 60, 90 })
        {
            var y2 = result.Surfaces.Where(s => s.View == LandscapeViews.Conditional && s.AngleDeg == angle).Select(s => s.Y2!.Value).ToArray();
            double reach = Math.Abs(Math.Sin(angle * Math.PI / 180)) + 2 * Math.Sqrt(0.1);
            Assert.Equal(new[] { -reach, 0, reach }, y2, (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(90)]
    public void The_conditional_landscape_matches_quadrature_of_the_posterior_weighted_mixture(double angle)
    {
        var result = CheckGrid.Value;
        foreach (var surface in result.Surfaces.Where(s => s.View == LandscapeViews.Conditional && s.AngleDeg == angle))
            foreach (var (mu1, mu2) in new[] { (-1.0, 1.0), (-1.0, -1.0), (0.0, 0.0), (2.0, -1.0), (1.0, 2.0) })
            {
                double v = surface.Y2!.Value;
                var (kl, variance) = ReverseKl(Conditional([mu1, mu2], angle, v), Conditional([-1, 1], angle, v));
                double mc = At(result, surface, mu1, mu2);
                Assert.InRange(mc - kl, -Tolerance(variance), Tolerance(variance));
            }
    }

    [Fact]
    public void The_joint_landscape_has_false_minima_where_both_components_sit_on_one_mode()
    {
        var result = ScienceGrid.Value;
        var joint = LandscapeMinima.Find(result.Axis, result.Surfaces.Single(s => s.View == LandscapeViews.Joint).Kl);
        Assert.True(Near(joint.Global, -1, 1) || Near(joint.Global, 1, -1), $"global minimum at {joint.Global}");
        foreach (var (mu1, mu2) in new[] { (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (1.0, 1.0) })
            Assert.Contains(joint.Local, m => Near(m, mu1, mu2));
        var falseMinimum = joint.Local.First(m => Near(m, -1, -1));
        Assert.InRange(falseMinimum.Kl, Math.Log(2) - 0.05, Math.Log(2) + 0.02);
    }

    [Fact]
    public void The_summed_conditional_landscape_keeps_only_the_two_global_basins()
    {
        var result = ScienceGrid.Value;
        var sum = LandscapeMinima.Find(result.Axis, result.Surfaces.Single(s => s.View == LandscapeViews.ConditionalSum).Kl);
        Assert.NotEmpty(sum.Local);
        Assert.All(sum.Local, m => Assert.True(Near(m, -1, 1) || Near(m, 1, -1), $"local minimum at {m}"));
        Assert.Contains(sum.Local, m => Near(m, -1, 1));
        Assert.Contains(sum.Local, m => Near(m, 1, -1));
    }

    [Fact]
    public void The_same_seed_gives_identical_surfaces_and_another_seed_does_not()
    {
        var spec = new LandscapeSpec(-2, 2, 6, 200, 5, [0, 45], [30], 2);
        var first = GmmLandscape.Compute(spec);
        var second = GmmLandscape.Compute(spec);
        var other = GmmLandscape.Compute(spec with { Seed = 6 });
        Assert.Equal(first.Surfaces.Count, second.Surfaces.Count);
        for (int s = 0; s < first.Surfaces.Count; s++)
            Assert.Equal(first.Surfaces[s].Kl.Cast<double>(), second.Surfaces[s].Kl.Cast<double>());
        Assert.NotEqual(first.Surfaces[0].Kl.Cast<double>(), other.Surfaces[0].Kl.Cast<double>());
    }

    [Fact]
    public void The_surfaces_come_in_the_documented_order()
    {
        var views = CheckGrid.Value.Surfaces.Select(s => s.View).Distinct().ToArray();
        Assert.Equal(new[] { LandscapeViews.Joint, LandscapeViews.Marginal, LandscapeViews.MarginalSum, LandscapeViews.Conditional, LandscapeViews.ConditionalSum }, views);
    }

    // 21 points on [−2, 2] (step 0.2, contains ±1) with the paper's views and fewer samples keeps this fast.
    private static readonly Lazy<LandscapeResult> ScienceGrid = new(() =>
    {
        TorchRuntime.Configure(1);
        var paper = LandscapeSpec.Paper;
        return GmmLandscape.Compute(paper with { GridPoints = 21, Samples = 500 });
    });

    private static (double Kl, double Variance) QuadratureMarginal(double mu1, double mu2, double angle)
    {
        var (model, target) = Marginal(mu1, mu2, angle);
        return ReverseKl(model, target);
    }

    // Four standard errors of a mean of CheckSamples i.i.d. draws of ℓ = log p − log q (Var from quadrature);
    // the floor covers views where ℓ ≡ 0 (p = q), where only rounding remains.
    private static double Tolerance(double variance) => 4 * Math.Sqrt(variance / CheckSamples) + 1e-9;

    private static double At(LandscapeResult result, LandscapeSurface surface, double mu1, double mu2) =>
        surface.Kl[Array.FindIndex(result.Axis, a => Math.Abs(a - mu1) < 1e-12), Array.FindIndex(result.Axis, a => Math.Abs(a - mu2) < 1e-12)];

    private static bool Near(LandscapeMinimum m, double mu1, double mu2) => Math.Abs(m.Mu1 - mu1) <= 0.21 && Math.Abs(m.Mu2 - mu2) <= 0.21;
}
