using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Tests;

/// <summary>
/// Landscapes with known answers: the joint has bowls at the global optima (−1, 1), (1, −1) and raised bowls
/// (+ln 2) at the false optima (−1, −1), (1, 1); the conditionals have only the global bowls.
/// </summary>
internal static class SyntheticLandscapes
{
    public static double Bowl(double a, double b, double x, double y) => (a - x) * (a - x) + (b - y) * (b - y);

    public static double Joint(double a, double b) => Math.Min(
        Math.Min(Bowl(a, b, -1, 1), Bowl(a, b, 1, -1)),
        Math.Log(2) + Math.Min(Bowl(a, b, -1, -1), Bowl(a, b, 1, 1)));

    public static double GlobalOnly(double a, double b) => Math.Min(Bowl(a, b, -1, 1), Bowl(a, b, 1, -1));

    public static double[,] Grid(double[] axis, Func<double, double, double> f)
    {
        var kl = new double[axis.Length, axis.Length];
        for (var i = 0; i < axis.Length; i++)
        for (var j = 0; j < axis.Length; j++)
            kl[i, j] = f(axis[i], axis[j]);
        return kl;
    }

    /// <summary>Joint, two marginals, two conditional angles × two y2 values; no sums (the reporting forms them).</summary>
    public static LandscapeResult Small(int points = 21)
    {
        var spec = new LandscapeSpec(-2, 2, points, 50, 1, [0, 30], [0, 45], 2);
        var axis = spec.Axis();
        var surfaces = new List<LandscapeSurface> { new(LandscapeViews.Joint, null, null, Grid(axis, Joint)) };
        foreach (var angle in spec.MarginalAnglesDeg)
        {
            var c2 = Math.Pow(Math.Cos(angle * Math.PI / 180), 2);
            surfaces.Add(new(LandscapeViews.Marginal, angle, null, Grid(axis, (a, b) => c2 * Joint(a, b))));
        }
        foreach (var angle in spec.ConditionalAnglesDeg)
        foreach (var y2 in new[] { -0.5, 0.25 })
            surfaces.Add(new(LandscapeViews.Conditional, angle, y2, Grid(axis, (a, b) => (1 + y2 * y2) * GlobalOnly(a, b))));
        return new LandscapeResult(spec, axis, surfaces);
    }
}
