using static TorchSharp.torch;

namespace BigLearn.Core.Landscapes;

/// <summary>
/// The §3.3 loss landscapes of the 2-GMM (the paper's; docs/science.md), no training. Target
/// q = ½N((−1,0), 0.1 I) + ½N((1,0), 0.1 I); model p_θ = ½N((μ1,0), 0.1 I) + ½N((μ2,0), 0.1 I), θ = (μ1, μ2) on
/// the grid <see cref="LandscapeSpec.Axis"/>². Every surface is a Monte-Carlo reverse KL E_p[log p − log q] with
/// <see cref="LandscapeSpec.Samples"/> model samples per grid point and common random numbers: one set of
/// uniforms and normals drawn from <see cref="LandscapeSpec.Seed"/> serves all grid points and all views, so the
/// surfaces are smooth in θ and differences between views are not sampling noise.
/// Views: the joint on x; the 1-D marginal of y1 of y = R_α x at each marginal angle; the conditional
/// y1 | y2 = v at each conditional angle and each v of <see cref="ConditionalY2Values"/>; and the sums.
/// The grid is processed in chunks (the chunk is the leading batch dimension of the mixture algebra) so that
/// memory stays bounded by <see cref="ChunkMemoryBudgetBytes"/>.
/// </summary>
public static class GmmLandscape
{
    /// <summary>Variance of every component, target and model, in each coordinate (docs/science.md §3.3).</summary>
    public const double ComponentVariance = 0.1;

    /// <summary>How many component standard deviations the y2 values reach beyond the target's y2 means.</summary>
    public const double ConditionalSpanSigmas = 2.0;

    /// <summary>The rule for the y2 values of the conditional views, in words (for docs/ and reports).</summary>
    public const string ConditionalValuesRule =
        "At rotation angle α the conditional views observe y2 = −sin α·x1 + cos α·x2 at n values spaced evenly over " +
        "[−(|sin α| + 2σ), |sin α| + 2σ] with σ = √0.1 (both ends included; a single value is y2 = 0). The target's y2 " +
        "marginal is ½N(sin α, 0.1) + ½N(−sin α, 0.1), so this interval reaches two standard deviations beyond both " +
        "of its modes: it spans where the data put their y2 mass, at every angle, and it is symmetric, so every " +
        "conditional view at +v has its mirror image at −v.";

    /// <summary>Upper bound on the tensors alive at once while one chunk of the grid is evaluated.</summary>
    public const long ChunkMemoryBudgetBytes = 200L * 1024 * 1024;

    /// <summary>First-coordinate means of the target's two components.</summary>
    public static IReadOnlyList<double> TargetMeans { get; } = [-1.0, 1.0];

    // Peak working set of one view per (grid point, sample): about a dozen float64 tensors of [K, d] entries.
    private const int WorkingTensorsPerView = 12;

    /// <summary>
    /// The y2 values of the conditional views at <paramref name="angleDeg"/>: <paramref name="count"/> points spaced
    /// evenly over [−(|sin α| + 2σ), |sin α| + 2σ], σ = √<see cref="ComponentVariance"/>; see <see cref="ConditionalValuesRule"/>.
    /// </summary>
    public static double[] ConditionalY2Values(double angleDeg, int count)
    {
        if (count < 1) throw new LandscapeSpecException(nameof(LandscapeSpec.ConditionalValues), count, "at least 1");
        if (count == 1) return [0.0];
        double reach = Math.Abs(Math.Sin(angleDeg * Math.PI / 180)) + ConditionalSpanSigmas * Math.Sqrt(ComponentVariance);
        return Enumerable.Range(0, count).Select(i => -reach + 2 * reach * i / (count - 1)).ToArray();
    }

    /// <summary>Checks a spec and throws <see cref="LandscapeSpecException"/> naming the first bad setting.</summary>
    public static void Validate(LandscapeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!double.IsFinite(spec.GridMin)) throw new LandscapeSpecException(nameof(spec.GridMin), spec.GridMin, "a finite number");
        if (!double.IsFinite(spec.GridMax) || spec.GridMax <= spec.GridMin)
            throw new LandscapeSpecException(nameof(spec.GridMax), spec.GridMax, $"a finite number above GridMin = {spec.GridMin}");
        if (spec.GridPoints < 2 || spec.GridPoints > 2000) throw new LandscapeSpecException(nameof(spec.GridPoints), spec.GridPoints, "an integer from 2 to 2000");
        if (spec.Samples < 2 || spec.Samples > 1_000_000) throw new LandscapeSpecException(nameof(spec.Samples), spec.Samples, "an integer from 2 to 1000000");
        if (spec.Seed < 0) throw new LandscapeSpecException(nameof(spec.Seed), spec.Seed, "a non-negative integer");
        if (spec.MarginalAnglesDeg is null || spec.MarginalAnglesDeg.Any(a => !double.IsFinite(a)))
            throw new LandscapeSpecException(nameof(spec.MarginalAnglesDeg), spec.MarginalAnglesDeg, "a list of finite angles in degrees (may be empty)");
        if (spec.ConditionalAnglesDeg is null || spec.ConditionalAnglesDeg.Any(a => !double.IsFinite(a)))
            throw new LandscapeSpecException(nameof(spec.ConditionalAnglesDeg), spec.ConditionalAnglesDeg, "a list of finite angles in degrees (may be empty)");
        if (spec.ConditionalValues < 1 || spec.ConditionalValues > 1000)
            throw new LandscapeSpecException(nameof(spec.ConditionalValues), spec.ConditionalValues, "an integer from 1 to 1000");
    }

    /// <summary>
    /// Computes all surfaces of the study, in this order: joint; one marginal per marginal angle; marginal-sum
    /// (only when there is a marginal angle); one conditional per conditional angle and y2 value (angle-major);
    /// conditional-sum (only when there is a conditional angle). Surface Kl[i, j] is at μ1 = axis[i], μ2 = axis[j].
    /// </summary>
    /// <param name="spec">The study settings; checked with <see cref="Validate"/>.</param>
    /// <param name="progress">Receives the fraction of the grid done, in [0, 1], after each chunk.</param>
    /// <param name="cancellationToken">Honoured between chunks.</param>
    public static LandscapeResult Compute(LandscapeSpec spec, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(spec);
        cancellationToken.ThrowIfCancellationRequested();
        var axis = spec.Axis();
        int points = axis.Length;
        int total = points * points;
        int chunk = ChunkSize(spec, total);

        using var scope = NewDisposeScope();
        var kernel = new GmmLandscapeKernel(spec);
        var views = kernel.Views;
        var surfaces = views.Select(_ => new double[points, points]).ToArray();

        progress?.Report(0);
        for (int start = 0; start < total; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(chunk, total - start);
            var mu1 = new double[count];
            var mu2 = new double[count];
            for (int k = 0; k < count; k++)
            {
                mu1[k] = axis[(start + k) / points];
                mu2[k] = axis[(start + k) % points];
            }
            var values = kernel.Evaluate(mu1, mu2);
            for (int v = 0; v < views.Count; v++)
                for (int k = 0; k < count; k++)
                    surfaces[v][(start + k) / points, (start + k) % points] = values[v][k];
            progress?.Report((double)(start + count) / total);
        }

        return new LandscapeResult(spec, axis, Assemble(views, surfaces));
    }

    /// <summary>Grid points per chunk so that one view's tensors stay within the memory budget.</summary>
    internal static int ChunkSize(LandscapeSpec spec, int total)
    {
        long bytesPerPoint = (long)spec.Samples * 2 * 2 * sizeof(double) * WorkingTensorsPerView;
        return (int)Math.Clamp(ChunkMemoryBudgetBytes / bytesPerPoint, 1, total);
    }

    private static List<LandscapeSurface> Assemble(IReadOnlyList<LandscapeView> views, double[][,] surfaces)
    {
        var result = new List<LandscapeSurface>();
        foreach (var (component, sumName) in new[] { (LandscapeViews.Joint, (string?)null), (LandscapeViews.Marginal, LandscapeViews.MarginalSum), (LandscapeViews.Conditional, LandscapeViews.ConditionalSum) })
        {
            var parts = Enumerable.Range(0, views.Count).Where(v => views[v].Name == component).ToList();
            foreach (int v in parts) result.Add(new LandscapeSurface(views[v].Name, views[v].AngleDeg, views[v].Y2, surfaces[v]));
            if (sumName is null || parts.Count == 0) continue;
            int n = surfaces[parts[0]].GetLength(0);
            var sum = new double[n, n];
            foreach (int v in parts)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        sum[i, j] += surfaces[v][i, j];
            result.Add(new LandscapeSurface(sumName, null, null, sum));
        }
        return result;
    }
}
