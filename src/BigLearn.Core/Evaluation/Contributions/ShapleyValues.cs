using BigLearn.Core.Randomness;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>One player's Shapley value, with its standard error when it was estimated from sampled permutations.</summary>
/// <param name="Value">φ_i.</param>
/// <param name="StandardError">0 for the exact value; the standard error of the mean marginal contribution when sampled.</param>
public sealed record ShapleyValue(double Value, double StandardError);

/// <summary>
/// Shapley values of a cooperative game over n players (here: a population's groups, the value of a coalition being a figure
/// of the population run with only those groups, docs/contributions.md). A coalition is a bit mask: player i is in it when bit
/// i is set. φ_i = Σ_{S ⊆ N∖{i}} |S|!(n − |S| − 1)!/n! · (v(S ∪ {i}) − v(S)): the mean, over every order of arrival, of what i
/// adds to those before it. The values sum to v(N) − v(∅) (efficiency).
/// </summary>
public static class ShapleyValues
{
    /// <summary>The most players <see cref="Exact"/> takes (2^n coalition values; each is a population run).</summary>
    public const int MaxExactPlayers = 20;

    /// <summary>The exact values from all 2^n coalition values.</summary>
    /// <param name="players">n, at least 1 and at most <see cref="MaxExactPlayers"/>.</param>
    /// <param name="value">v(S) for every coalition mask S in [0, 2^n); called once per mask.</param>
    public static ShapleyValue[] Exact(int players, Func<int, double> value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(players, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(players, MaxExactPlayers);
        ArgumentNullException.ThrowIfNull(value);
        int coalitions = 1 << players;
        var v = new double[coalitions];
        for (int s = 0; s < coalitions; s++) v[s] = value(s);
        // weight[k] = k!(n − k − 1)!/n!, the chance that exactly a given k-set precedes i in a random order.
        var weight = new double[players];
        for (int k = 0; k < players; k++) weight[k] = 1.0 / (players * Binomial(players - 1, k));
        var result = new ShapleyValue[players];
        for (int i = 0; i < players; i++)
        {
            int bit = 1 << i;
            double phi = 0;
            for (int s = 0; s < coalitions; s++)
                if ((s & bit) == 0) phi += weight[System.Numerics.BitOperations.PopCount((uint)s)] * (v[s | bit] - v[s]);
            result[i] = new ShapleyValue(phi, 0);
        }
        return result;
    }

    /// <summary>
    /// Estimates from <paramref name="permutations"/> random orders of arrival (drawn from <paramref name="rng"/>): each player's
    /// mean marginal contribution and its standard error. <paramref name="value"/> is called for the coalitions the orders pass
    /// through, each at most once (the values are cached), so the cost is at most min(2^n, permutations·n + 1) runs.
    /// </summary>
    public static ShapleyValue[] Sampled(int players, Func<int, double> value, int permutations, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(players, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(players, 30);
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 2);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(rng);
        var cache = new Dictionary<int, double>();
        double V(int s) => cache.TryGetValue(s, out var known) ? known : cache[s] = value(s);
        var sum = new double[players];
        var squares = new double[players];
        var order = Enumerable.Range(0, players).ToArray();
        for (int p = 0; p < permutations; p++)
        {
            for (int i = players - 1; i > 0; i--) // Fisher–Yates
            {
                int j = (int)(rng.NextDouble() * (i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
            int coalition = 0;
            double before = V(0);
            foreach (int player in order)
            {
                coalition |= 1 << player;
                double after = V(coalition);
                double marginal = after - before;
                sum[player] += marginal;
                squares[player] += marginal * marginal;
                before = after;
            }
        }
        return Enumerable.Range(0, players).Select(i =>
        {
            double mean = sum[i] / permutations;
            double variance = Math.Max(0, (squares[i] - permutations * mean * mean) / (permutations - 1));
            return new ShapleyValue(mean, Math.Sqrt(variance / permutations));
        }).ToArray();
    }

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int j = 1; j <= k; j++) result = result * (n - k + j) / j;
        return result;
    }
}
