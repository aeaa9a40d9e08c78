using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Contributions;

/// <summary>One window of a run: tasks (<paramref name="From"/>, <paramref name="Until"/>], each group's credit in it and its share of the window's total.</summary>
/// <param name="From">Tasks done when the window opened.</param>
/// <param name="Until">Tasks done when it closed.</param>
/// <param name="GroupCredit">Each group's credit earned in the window (indexed like the ledger's groups).</param>
/// <param name="GroupShare">Each group's credit over the window's gross credit Σ|credit| (negative for a group that raised J; the
/// absolute shares sum to 1, and when every group lowered J these are the ordinary shares; NaN when J moved by rounding only,
/// see <see cref="ContributionWindows.RoundingLevel"/>).</param>
public sealed record CreditWindow(long From, long Until, double[] GroupCredit, double[] GroupShare);

/// <summary>
/// Credit over time: the run cut into windows at its evaluation points (every <c>evaluation.every</c> tasks by default), so that
/// who lowered J when ("marginals explore early, joint refines late") reads at a glance.
/// </summary>
public static class ContributionWindows
{
    /// <summary>
    /// A window whose gross credit is below this fraction of J(θ₀) (at least 1) moved J by rounding only: its shares are NaN, not
    /// the ratios of noise (a converged run's late windows differ by ~10⁻¹⁵).
    /// </summary>
    public const double RoundingLevel = 1e-12;

    /// <summary>The windows between consecutive evaluation points of <paramref name="outcome"/> (and the run's start and end).</summary>
    public static IReadOnlyList<CreditWindow> Of(IContributionRun outcome, ContributionSummary summary)
    {
        var bounds = outcome.EvaluationTasks.Append(0).Append(outcome.Tasks).Distinct().Order().ToArray();
        var windows = new List<CreditWindow>(bounds.Length);
        for (int i = 1; i < bounds.Length; i++)
        {
            var credit = ContributionFigures.GroupCreditBetween(summary, bounds[i - 1], bounds[i]);
            // Shares of the gross credit Σ|c|: bounded in [−1, 1] even when groups pull J both ways and the net change is near 0
            // (late in a run a window's net ΔJ can be 10⁻⁵ with parts of either sign, and c / Σc would read as ±1,000 %).
            double gross = credit.Sum(Math.Abs);
            bool moved = gross > RoundingLevel * Math.Max(1, Math.Abs(summary.InitialObjective)) && double.IsFinite(gross);
            var share = credit.Select(c => moved ? c / gross : double.NaN).ToArray();
            windows.Add(new CreditWindow(bounds[i - 1], bounds[i], credit, share));
        }
        return windows;
    }
}
