using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests;

public class RngTests
{
    private static double[] Mixed(Rng rng, int count) =>
        Enumerable.Range(0, count).Select(i => (i % 3) switch
        {
            0 => rng.NextGaussian(),
            1 => rng.NextDouble(),
            _ => rng.NextInt(1000),
        }).ToArray();

    [Fact]
    public void Restoring_a_saved_state_continues_the_identical_stream()
    {
        var rng = new Rng(12345);
        _ = Mixed(rng, 10);
        _ = rng.NextGaussian(); // leaves a spare Gaussian pending, which must be part of the state
        var state = rng.State;
        Assert.NotNull(state.SpareGaussian);
        var expected = Mixed(rng, 60);

        rng.Restore(state);
        Assert.Equal(expected, Mixed(rng, 60));
        Assert.Equal(expected, Mixed(Rng.FromState(state), 60));
    }

    [Fact]
    public void Reading_the_state_does_not_advance_the_stream()
    {
        var a = new Rng(5);
        var b = new Rng(5);
        _ = a.State;
        _ = a.State;
        Assert.Equal(b.NextUInt64(), a.NextUInt64());
    }

    [Fact]
    public void An_all_zero_state_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Rng(1).Restore(new RngState(0, 0, 0, 0, null)));
    }

    [Fact]
    public void Streams_are_reproducible_per_seed_and_stream_id_and_differ_otherwise()
    {
        ulong First(Rng r) => r.NextUInt64();
        Assert.Equal(First(Rng.ForStream(42, 7)), First(Rng.ForStream(42, 7)));
        var firsts = new HashSet<ulong>();
        for (long seed = 0; seed < 10; seed++)
            for (long stream = 0; stream < 10; stream++)
                firsts.Add(First(Rng.ForStream(seed, stream)));
        Assert.Equal(100, firsts.Count);
        Assert.NotEqual(First(new Rng(1)), First(new Rng(2)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void NextInt_is_unbiased_for_small_bounds(int bound)
    {
        var rng = new Rng(300 + (ulong)bound);
        var counts = new int[bound];
        for (int i = 0; i < 30000; i++) counts[rng.NextInt(bound)]++;
        StatisticalAssert.Uniform(counts, $"NextInt({bound})");
    }

    [Fact]
    public void NextInt_with_a_range_covers_both_ends_and_nothing_else()
    {
        var rng = new Rng(31);
        var counts = new int[4];
        for (int i = 0; i < 8000; i++)
        {
            int v = rng.NextInt(-1, 2);
            Assert.InRange(v, -1, 2);
            counts[v + 1]++;
        }
        StatisticalAssert.Uniform(counts, "NextInt(-1, 2)");
        Assert.Equal(5, rng.NextInt(5, 5));
    }

    [Fact]
    public void NextDouble_is_uniform_on_the_unit_interval()
    {
        const int n = 20000;
        var rng = new Rng(32);
        var values = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        Assert.All(values, v => Assert.True(v >= 0 && v < 1));
        StatisticalAssert.Mean(values.Average(), 0.5, Math.Sqrt(1.0 / 12), n, "mean of U");
        StatisticalAssert.Binomial(values.Count(v => v < 0.1), n, 0.1, "U < 0.1");
    }

    [Fact]
    public void Subsets_are_sorted_distinct_and_uniform()
    {
        const int n = 5000;
        var rng = new Rng(33);
        var counts = new int[10];
        for (int i = 0; i < n; i++)
        {
            var s = rng.Subset(10, 4);
            Assert.Equal(4, s.Length);
            Assert.Equal(s.Distinct().Order(), s);
            Assert.All(s, v => Assert.InRange(v, 0, 9));
            foreach (var v in s) counts[v]++;
        }
        for (int v = 0; v < 10; v++) StatisticalAssert.Binomial(counts[v], n, 0.4, $"element {v}");
        Assert.Empty(rng.Subset(5, 0));
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, rng.Subset(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Subset(3, 4));
    }

    [Fact]
    public void Permutations_contain_every_element_once_and_move_each_uniformly()
    {
        const int n = 6000;
        var rng = new Rng(35);
        var firstElement = new int[4];
        for (int i = 0; i < n; i++)
        {
            var p = rng.Permutation(4);
            Assert.Equal(new[] { 0, 1, 2, 3 }, p.Order());
            firstElement[p[0]]++;
        }
        StatisticalAssert.Uniform(firstElement, "first element of a permutation");
    }

    [Fact]
    public void Gaussians_have_mean_zero_variance_one_and_the_normal_tail()
    {
        const int n = 20000;
        var rng = new Rng(34);
        var z = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        double mean = z.Average();
        double meanSquare = z.Average(v => v * v);
        StatisticalAssert.Mean(mean, 0, 1, n, "mean of Z");
        StatisticalAssert.Mean(meanSquare, 1, Math.Sqrt(2), n, "mean of Z²"); // Var(Z²) = 2
        StatisticalAssert.Binomial(z.Count(v => Math.Abs(v) < 1), n, 0.682689492137, "|Z| < 1");
        StatisticalAssert.Binomial(z.Count(v => v > 2), n, 0.022750131948, "Z > 2");
    }
}
