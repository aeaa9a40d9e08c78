using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Evaluation;

/// <summary>Shapley values against games whose values are known in closed form.</summary>
public sealed class ShapleyValuesTests
{
    private static double[] Values(ShapleyValue[] values) => [.. values.Select(v => v.Value)];

    [Fact]
    public void An_additive_game_gives_every_player_its_own_worth()
    {
        double[] worth = [3, -1, 0.5, 7];
        double Additive(int s) => Enumerable.Range(0, worth.Length).Where(i => (s & (1 << i)) != 0).Sum(i => worth[i]);
        var exact = ShapleyValues.Exact(4, Additive);
        for (int i = 0; i < 4; i++) Assert.Equal(worth[i], exact[i].Value, 12);
        Assert.All(exact, v => Assert.Equal(0, v.StandardError));
        // Every order gives the same marginal contributions: sampling is exact too, with no spread.
        var sampled = ShapleyValues.Sampled(4, Additive, permutations: 5, new Rng(3));
        for (int i = 0; i < 4; i++) Assert.Equal((worth[i], 0.0), (sampled[i].Value, sampled[i].StandardError), new Tolerance(1e-12));
    }

    [Fact]
    public void A_pure_interaction_is_shared_equally_between_the_pair_and_nothing_goes_to_the_others()
    {
        // v(S) = 1 when S holds both 0 and 2, else 0: players 0 and 2 get 1/2 each, 1 and 3 nothing (dummies).
        double Pair(int s) => (s & 0b101) == 0b101 ? 1 : 0;
        Assert.Equal([0.5, 0, 0.5, 0], Values(ShapleyValues.Exact(4, Pair)), new Tolerance(1e-12));
        var sampled = ShapleyValues.Sampled(4, Pair, permutations: 4000, new Rng(11));
        // Player 0's marginal is 1 exactly when 2 came before it: a Bernoulli(1/2), standard error 1/(2√4000) ≈ 0.0079.
        Assert.InRange(sampled[0].StandardError, 0.007, 0.009);
        Assert.InRange(sampled[0].Value, 0.5 - 4 * sampled[0].StandardError, 0.5 + 4 * sampled[0].StandardError);
        Assert.Equal((0.0, 0.0), (sampled[1].Value, sampled[1].StandardError));
        Assert.Equal(1.0, sampled.Sum(v => v.Value), 12); // efficiency holds order by order
    }

    [Fact]
    public void The_values_of_a_glove_game_match_its_closed_form_and_sum_to_the_grand_coalitions_worth()
    {
        // Glove game: player 0 holds a left glove, players 1 and 2 right ones; a pair is worth 1. Known values: 2/3, 1/6, 1/6.
        double Glove(int s) => (s & 1) != 0 && (s & 0b110) != 0 ? 1 : 0;
        Assert.Equal([2 / 3.0, 1 / 6.0, 1 / 6.0], Values(ShapleyValues.Exact(3, Glove)), new Tolerance(1e-12));
        int calls = 0;
        ShapleyValues.Exact(3, s => { calls++; return Glove(s); });
        Assert.Equal(8, calls); // one run per coalition
    }

    [Fact]
    public void Sampling_asks_each_coalition_once_and_refuses_too_few_permutations()
    {
        var asked = new List<int>();
        ShapleyValues.Sampled(3, s => { asked.Add(s); return s; }, permutations: 50, new Rng(1));
        Assert.Equal(asked.Distinct().Count(), asked.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapleyValues.Sampled(3, s => s, permutations: 1, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapleyValues.Exact(0, s => s));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>, IEqualityComparer<(double, double)>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
        public bool Equals((double, double) x, (double, double) y) => Equals(x.Item1, y.Item1) && Equals(x.Item2, y.Item2);
        public int GetHashCode((double, double) obj) => 0;
    }
}
