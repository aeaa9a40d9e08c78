using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Ablations;

/// <summary>Paired differences over seeds and their 95 % intervals.</summary>
public static class AblationStatistics
{
    /// <summary>
    /// Per figure of the baseline's rows: variant − baseline seed by seed (the rows are matched by seed), the mean and its 95 % t
    /// interval.
    /// </summary>
    public static IReadOnlyList<FigureEffect> Paired(IReadOnlyList<FigureRow> baseline, IReadOnlyList<FigureRow> variant)
    {
        var bySeed = variant.ToDictionary(r => r.Seed);
        if (baseline.Count == 0 || baseline.Count != variant.Count || baseline.Any(r => !bySeed.ContainsKey(r.Seed)))
            throw new ArgumentException("the variant ran other seeds than the baseline", nameof(variant));
        return baseline[0].Figures.Select(f =>
        {
            var d = baseline.Select(r => bySeed[r.Seed].Value(f.Name) - r.Value(f.Name)).ToArray();
            var (mean, low, high) = Interval(d);
            return new FigureEffect(f.Name, mean, low, high, d);
        }).ToArray();
    }

    /// <summary>The mean of <paramref name="values"/> and its two-sided 95 % interval mean ± t(0.975, n−1)·s/√n (NaN ends for n = 1).</summary>
    public static (double Mean, double Low, double High) Interval(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return (double.NaN, double.NaN, double.NaN);
        double mean = values.Average();
        if (n == 1) return (mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double half = StudentT975(n - 1) * sd / Math.Sqrt(n);
        return (mean, mean - half, mean + half);
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="df"/> degrees of freedom (a table to 30, then a Cornish–Fisher expansion).</summary>
    public static double StudentT975(int df)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(df, 1);
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        if (df <= table.Length) return table[df - 1];
        // Cornish–Fisher expansion around the normal quantile z: within 10⁻⁴ of the exact value for df > 30.
        const double z = 1.959964;
        return z + (z * z * z + z) / (4.0 * df) + (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / (96.0 * df * df);
    }
}
