using BigLearn.Core.Randomness;

namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>The outcome of <see cref="PermutationTest.AgentsDiffer"/>.</summary>
/// <param name="P">The p-value: small when the agents differ more than chance; NaN for fewer than two agents.</param>
/// <param name="Between">The observed between-agent sum of squares Σ_a N_a (x̄_a − x̄)².</param>
/// <param name="NullBetween">Its mean over the random reassignments: what chance alone gives.</param>
public sealed record AgentDifference(double P, double Between, double NullBetween)
{
    /// <summary>No test (fewer than two agents).</summary>
    public static AgentDifference None { get; } = new(double.NaN, double.NaN, double.NaN);

    /// <summary>
    /// How much of the agents' spread is more than chance: max(0, 1 − <see cref="NullBetween"/> / <see cref="Between"/>), the
    /// positive-part James–Stein factor by which each agent's deviation from its group's mean is kept (0 when the spread is
    /// what chance gives, towards 1 when it is far beyond it); 0 without a test.
    /// </summary>
    public double Shrinkage => Between > 0 && double.IsFinite(NullBetween) ? Math.Max(0, 1 - NullBetween / Between) : 0;
}

/// <summary>
/// Whether the agents of a group differ more than chance (docs/contributions.md, "Corrected credit"): a permutation test of the
/// hypothesis that which agent ran a task does not matter. Under it, every assignment of the group's task values to its agents
/// (each agent keeping its number of tasks) is as likely as the one observed, so the observed between-agent statistic is
/// compared with its distribution over random reassignments.
/// </summary>
public static class PermutationTest
{
    /// <summary>The default number of random reassignments: 999 (p-values on a grid of 1/1000).</summary>
    public const int DefaultPermutations = 999;

    /// <summary>
    /// The between-agent sum of squares of <paramref name="values"/> (labelled by <paramref name="agentOfValue"/>) against its
    /// distribution over <paramref name="permutations"/> random reassignments of the values to the labels: p = (1 + #{S_perm ≥ S_obs})
    /// / (1 + permutations). <see cref="AgentDifference.None"/> when fewer than two agents hold a value or a value is not finite.
    /// Deterministic given <paramref name="seed"/>.
    /// </summary>
    public static AgentDifference AgentsDiffer(IReadOnlyList<int> agentOfValue, IReadOnlyList<double> values, long seed, int permutations = DefaultPermutations)
    {
        ArgumentNullException.ThrowIfNull(agentOfValue);
        ArgumentNullException.ThrowIfNull(values);
        if (agentOfValue.Count != values.Count) throw new ArgumentException($"{agentOfValue.Count} labels for {values.Count} values");
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        // Labels as dense indices 0..m−1.
        var index = new Dictionary<int, int>();
        var label = new int[agentOfValue.Count];
        for (int i = 0; i < label.Length; i++)
        {
            if (!index.TryGetValue(agentOfValue[i], out int k)) index[agentOfValue[i]] = k = index.Count;
            label[i] = k;
        }
        if (index.Count < 2) return AgentDifference.None;
        var counts = new int[index.Count];
        foreach (int k in label) counts[k]++;
        var x = values.ToArray();
        if (x.Any(v => !double.IsFinite(v))) return AgentDifference.None;
        // S = Σ_a (Σ_{n∈a} x_n)² / N_a; the between-agent sum of squares is S − (Σ x)² / N, and the subtracted term does not change
        // under reassignment, so S orders the reassignments as the sum of squares does.
        double correction = x.Sum() * x.Sum() / x.Length;
        var sums = new double[counts.Length];
        double observed = Statistic(label, x, counts, sums);
        var rng = Rng.ForStream(seed, 0);
        int atLeast = 0;
        double nullSum = 0;
        for (int p = 0; p < permutations; p++)
        {
            for (int i = x.Length - 1; i > 0; i--) // Fisher–Yates
            {
                int j = rng.NextInt(i + 1);
                (x[i], x[j]) = (x[j], x[i]);
            }
            // A reassignment equal to the observed one can differ from it in the last bits only: count it as at least as extreme.
            double statistic = Statistic(label, x, counts, sums);
            nullSum += statistic;
            if (statistic >= observed - 1e-12 * Math.Abs(observed)) atLeast++;
        }
        return new AgentDifference((1.0 + atLeast) / (1.0 + permutations), Math.Max(0, observed - correction),
            Math.Max(0, nullSum / permutations - correction));
    }

    /// <summary>The coefficient of variation of <paramref name="values"/>: sample standard deviation over |mean|; NaN for fewer than two values or a zero mean.</summary>
    public static double CoefficientOfVariation(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        if (mean == 0 || !double.IsFinite(mean)) return double.NaN;
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return sd / Math.Abs(mean);
    }

    private static double Statistic(int[] label, double[] x, int[] counts, double[] sums)
    {
        Array.Clear(sums);
        for (int i = 0; i < x.Length; i++) sums[label[i]] += x[i];
        double s = 0;
        for (int k = 0; k < sums.Length; k++) s += sums[k] * sums[k] / counts[k];
        return s;
    }
}
