namespace BigLearn.Core.Tests;

/// <summary>
/// Bounds for Monte-Carlo checks. Seeds are fixed, so each test is deterministic; the bounds (±4σ, or a
/// chi-square quantile far in the tail) say how far an honest sampler may stray, so a failure means a bias.
/// </summary>
internal static class StatisticalAssert
{
    /// <summary>A count out of <paramref name="trials"/> lies within 4σ of the binomial mean trials·p.</summary>
    public static void Binomial(int count, int trials, double p, string what)
    {
        double mean = trials * p;
        double sigma = Math.Sqrt(trials * p * (1 - p));
        Assert.True(Math.Abs(count - mean) <= 4 * sigma,
            $"{what}: {count} of {trials}, expected {mean:F1} ± {4 * sigma:F1} (p = {p:G4})");
    }

    /// <summary>A sample mean of <paramref name="n"/> draws with standard deviation <paramref name="sd"/> lies within 4σ/√n of the truth.</summary>
    public static void Mean(double sampleMean, double expected, double sd, int n, string what)
    {
        double tolerance = 4 * sd / Math.Sqrt(n);
        Assert.True(Math.Abs(sampleMean - expected) <= tolerance,
            $"{what}: {sampleMean:G6}, expected {expected:G6} ± {tolerance:G3}");
    }

    /// <summary>
    /// Pearson's chi-square of <paramref name="counts"/> against equal cell probabilities stays below the
    /// Wilson–Hilferty approximation of its upper quantile at z = 5 (tail probability ≈ 3·10⁻⁷).
    /// </summary>
    public static void Uniform(IReadOnlyList<int> counts, string what)
    {
        int total = counts.Sum();
        double expected = (double)total / counts.Count;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        int df = counts.Count - 1;
        double h = 2.0 / (9 * df);
        double bound = df * Math.Pow(1 - h + 5 * Math.Sqrt(h), 3);
        Assert.True(chi2 < bound, $"{what}: chi-square {chi2:F2} with {df} degrees of freedom exceeds {bound:F2}; counts {string.Join(",", counts)}");
    }
}
