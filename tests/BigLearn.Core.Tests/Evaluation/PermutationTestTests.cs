using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Evaluation;

/// <summary>The permutation test of "agents differ more than chance" against enumeration, a closed form and simulated groups.</summary>
public sealed class PermutationTestTests
{
    [Fact]
    public void The_sampled_p_value_and_null_spread_match_the_enumeration_of_every_assignment()
    {
        double[] values = [1, 2, 3, 4, 5, 6];
        int[] agents = [0, 0, 0, 1, 1, 1];
        // Every way to give agent 0 three of the six values: 20 assignments. The observed one ({1,2,3} against {4,5,6}) and its mirror
        // are the most extreme: exact p = 2/20.
        var between = new List<double>();
        for (int mask = 0; mask < 64; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != 3) continue;
            double a = Enumerable.Range(0, 6).Where(i => (mask & (1 << i)) != 0).Average(i => values[i]);
            double b = Enumerable.Range(0, 6).Where(i => (mask & (1 << i)) == 0).Average(i => values[i]);
            between.Add(3 * (a - 3.5) * (a - 3.5) + 3 * (b - 3.5) * (b - 3.5));
        }
        Assert.Equal(20, between.Count);
        double observed = 3 * 1.5 * 1.5 * 2, exactP = between.Count(x => x >= observed - 1e-12) / 20.0;
        Assert.Equal(0.1, exactP, 12);

        var result = PermutationTest.AgentsDiffer(agents, values, seed: 5, permutations: 19_999);
        Assert.Equal(observed, result.Between, 12);
        double se = Math.Sqrt(exactP * (1 - exactP) / 19_999);
        Assert.InRange(result.P, exactP - 4 * se, exactP + 4 * se);
        // The null mean is the mean over the 20 assignments, and the one-way closed form (k − 1)·SST / (N − 1) = 1·17.5/5 = 3.5.
        Assert.Equal(3.5, between.Average(), 12);
        Assert.InRange(result.NullBetween, 3.5 * 0.97, 3.5 * 1.03);
        Assert.Equal(1 - result.NullBetween / observed, result.Shrinkage, 12);
    }

    [Fact]
    public void Exchangeable_agents_are_flagged_at_the_tests_level_and_their_spread_is_mostly_shrunk_away()
    {
        var rng = new Rng(17);
        int rejected = 0, groups = 300;
        double shrinkage = 0;
        for (int g = 0; g < groups; g++)
        {
            // Ten agents, 20 tasks each, every value from the same heavy-tailed law (a scale mixture of normals).
            var agents = Enumerable.Range(0, 200).Select(i => i % 10).ToArray();
            var values = agents.Select(_ => rng.NextGaussian() * (rng.NextDouble() < 0.1 ? 10 : 1)).ToArray();
            var result = PermutationTest.AgentsDiffer(agents, values, seed: g, permutations: 199);
            if (result.P <= 0.05) rejected++;
            shrinkage += result.Shrinkage;
        }
        // Under the null, P(p ≤ 0.05) = 0.05 exactly for a permutation p on this grid: 15 expected of 300, sd 3.8.
        Assert.InRange(rejected, 4, 27);
        Assert.True(shrinkage / groups < 0.35, $"mean shrinkage factor {shrinkage / groups}");
    }

    [Fact]
    public void An_agent_that_is_better_than_its_peers_is_found_and_keeps_most_of_its_difference()
    {
        var rng = new Rng(3);
        var agents = Enumerable.Range(0, 500).Select(i => i % 10).ToArray();
        var values = agents.Select(a => rng.NextGaussian() + (a == 4 ? 2.0 : 0.0)).ToArray();
        var result = PermutationTest.AgentsDiffer(agents, values, seed: 1);
        Assert.Equal(1.0 / 1000, result.P, 12);
        // Between-agent sum of squares: 50·(1.8² + 9·0.2²) = 180 from the shift plus about (k − 1)σ² = 9 from noise, of which the
        // null accounts for about 9 + 180·9/499: the factor is near 0.9.
        Assert.InRange(result.Shrinkage, 0.85, 0.97);
        Assert.Equal(result, PermutationTest.AgentsDiffer(agents, values, seed: 1)); // deterministic given the seed
    }

    [Fact]
    public void One_agent_or_a_value_that_is_not_finite_gives_no_test()
    {
        Assert.Same(AgentDifference.None, PermutationTest.AgentsDiffer([2, 2, 2], [1.0, 2, 3], seed: 0));
        Assert.Same(AgentDifference.None, PermutationTest.AgentsDiffer([0, 1], [1.0, double.NaN], seed: 0));
        Assert.Equal(0, AgentDifference.None.Shrinkage);
        Assert.Throws<ArgumentException>(() => PermutationTest.AgentsDiffer([0, 1], [1.0], seed: 0));
    }

    [Fact]
    public void The_coefficient_of_variation_is_the_sample_sd_over_the_absolute_mean()
    {
        // Values 2, 4, 6: mean 4, sample sd 2, CV 0.5; the negated values give the same.
        Assert.Equal(0.5, PermutationTest.CoefficientOfVariation([2.0, 4, 6]), 12);
        Assert.Equal(0.5, PermutationTest.CoefficientOfVariation([-2.0, -4, -6]), 12);
        Assert.True(double.IsNaN(PermutationTest.CoefficientOfVariation([1.0, -1])));
        Assert.True(double.IsNaN(PermutationTest.CoefficientOfVariation([3.0])));
    }
}
