namespace BigLearn.Core.Landscapes;

/// <summary>
/// Settings of the §3.3 loss-landscape study of the 2-GMM (the paper's; docs/science.md): the grid of (μ1, μ2), the Monte-Carlo
/// sample count, the seed of the common random numbers, and the views' angles.
/// </summary>
/// <param name="GridMin">Lowest μ value on both axes (default −2).</param>
/// <param name="GridMax">Highest μ value on both axes (default 2).</param>
/// <param name="GridPoints">Points per axis (default 100).</param>
/// <param name="Samples">Model samples per grid point (default 2000).</param>
/// <param name="Seed">Seed of the common random numbers (default 888).</param>
/// <param name="MarginalAnglesDeg">Rotation angles of the transformed 1-D marginal y1 (default 0,15,…,165).</param>
/// <param name="ConditionalAnglesDeg">Rotation angles of the conditional y1 | y2 (default 0,15,…,90).</param>
/// <param name="ConditionalValues">How many y2 values per conditional angle, spanning the data (default 7).</param>
public sealed record LandscapeSpec(
    double GridMin, double GridMax, int GridPoints, int Samples, long Seed,
    double[] MarginalAnglesDeg, double[] ConditionalAnglesDeg, int ConditionalValues)
{
    /// <summary>The paper's settings.</summary>
    public static LandscapeSpec Paper { get; } = new(
        -2, 2, 100, 2000, 888,
        Enumerable.Range(0, 12).Select(i => 15.0 * i).ToArray(),
        Enumerable.Range(0, 7).Select(i => 15.0 * i).ToArray(),
        7);

    /// <summary>The grid values along one axis (inclusive of both ends).</summary>
    public double[] Axis() => GridPoints == 1
        ? [GridMin]
        : Enumerable.Range(0, GridPoints).Select(i => GridMin + (GridMax - GridMin) * i / (GridPoints - 1)).ToArray();
}

/// <summary>Names of the landscape views as written in <c>landscape.csv</c>.</summary>
public static class LandscapeViews
{
    /// <summary>Joint reverse KL on x.</summary>
    public const string Joint = "joint";
    /// <summary>Reverse KL of the transformed 1-D marginal y1 at one angle.</summary>
    public const string Marginal = "marginal";
    /// <summary>Sum of the marginal views over all angles.</summary>
    public const string MarginalSum = "marginal-sum";
    /// <summary>Reverse KL of the transformed conditional y1 | y2 at one angle and one y2.</summary>
    public const string Conditional = "conditional";
    /// <summary>Sum of the conditional views over all angles and y2 values.</summary>
    public const string ConditionalSum = "conditional-sum";
}

/// <summary>
/// One landscape: KL[i, j] is the reverse KL at μ1 = axis[i], μ2 = axis[j].
/// <paramref name="AngleDeg"/> and <paramref name="Y2"/> are null where they do not apply.
/// </summary>
public sealed record LandscapeSurface(string View, double? AngleDeg, double? Y2, double[,] Kl);

/// <summary>All surfaces of one landscape study on one grid.</summary>
public sealed record LandscapeResult(LandscapeSpec Spec, double[] Axis, IReadOnlyList<LandscapeSurface> Surfaces);
