using BigLearn.Reporting.Ablations;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Tests;

public sealed class AblationStatisticsTests
{
    [Fact]
    public void The_interval_is_the_mean_plus_or_minus_t_times_the_standard_error()
    {
        // 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303, half-width 4.303/√3.
        var (mean, low, high) = AblationStatistics.Interval([1.0, 2.0, 3.0]);
        Assert.Equal(2, mean, 12);
        Assert.Equal(2 - 4.303 / Math.Sqrt(3), low, 12);
        Assert.Equal(2 + 4.303 / Math.Sqrt(3), high, 12);
        var single = AblationStatistics.Interval([5.0]);
        Assert.Equal(5, single.Mean);
        Assert.True(double.IsNaN(single.Low) && double.IsNaN(single.High));
        // The t quantile: the table, then the expansion (tables: t(0.975, 40) = 2.021, t(0.975, 120) = 1.980).
        Assert.Equal(12.706, AblationStatistics.StudentT975(1));
        Assert.Equal(2.228, AblationStatistics.StudentT975(10));
        Assert.Equal(2.021, AblationStatistics.StudentT975(40), 3);
        Assert.Equal(1.980, AblationStatistics.StudentT975(120), 3);
    }

    [Fact]
    public void Effects_pair_the_seeds_and_give_variant_minus_baseline_for_every_figure()
    {
        FigureRow Row(long seed, int modes, double hq, double rkl, double fkl) => new(seed, $"seed-{seed}",
            [new("modes_covered", "modes", modes), new("high_quality_fraction", "hq", hq), new("reverse_kl", "rkl", rkl), new("forward_kl", "fkl", fkl)]);
        FigureRow[] baseline = [Row(1, 25, 0.9, 0.1, 0.2), Row(2, 24, 0.8, 0.3, 0.4)];
        FigureRow[] variant = [Row(2, 20, 0.7, 0.5, 0.9), Row(1, 22, 0.95, 0.2, 0.1)]; // in another order: matched by seed
        var effects = AblationStatistics.Paired(baseline, variant);
        Assert.Equal(["modes_covered", "high_quality_fraction", "reverse_kl", "forward_kl"], effects.Select(e => e.Figure));
        Assert.Equal([-3.0, -4.0], effects[0].PerSeed);
        Assert.Equal(-3.5, effects[0].Mean, 12);
        Assert.Equal([0.05, -0.1], effects[1].PerSeed.Select(d => Math.Round(d, 12)));
        Assert.Equal([0.1, 0.2], effects[2].PerSeed.Select(d => Math.Round(d, 12)));
        Assert.Throws<ArgumentException>(() => AblationStatistics.Paired(baseline, [Row(3, 1, 0, 0, 0), Row(1, 1, 0, 0, 0)]));
    }
}
