using System.Globalization;
using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Landscapes;

/// <summary>The grid-local minima of one view, lowest first.</summary>
/// <param name="View">joint, marginal-sum or conditional-sum.</param>
/// <param name="Minima">Where the minima are and their KL.</param>
public sealed record LandscapeViewMinima(string View, IReadOnlyList<LandscapePoint> Minima);

/// <summary>The headline of a landscape study: minima of the joint and the two sums, and sentences saying what they mean.</summary>
/// <param name="Views">Minima per headline view, in the order joint, marginal-sum, conditional-sum (absent views skipped).</param>
/// <param name="Sentences">Plain-language findings, each one sentence.</param>
public sealed record LandscapeSummary(IReadOnlyList<LandscapeViewMinima> Views, IReadOnlyList<string> Sentences)
{
    /// <summary>The views the summary covers.</summary>
    public static IReadOnlyList<string> HeadlineViews { get; } =
        [LandscapeViews.Joint, LandscapeViews.MarginalSum, LandscapeViews.ConditionalSum];

    /// <summary>Finds the minima of the headline views and words the findings.</summary>
    public static LandscapeSummary Of(LandscapeResult result)
    {
        var axis = result.Axis;
        var step = axis.Length > 1 ? (axis[^1] - axis[0]) / (axis.Length - 1) : 1;
        // A grid minimum counts as a global optimum when it is within one and a half grid steps of one.
        var tolerance = Math.Max(1.5 * step, 1e-9);
        bool IsGlobal(LandscapePoint p) =>
            LandscapeHeatmaps.GlobalOptima.Any(o => Math.Abs(p.Mu1 - o.Mu1) <= tolerance && Math.Abs(p.Mu2 - o.Mu2) <= tolerance);

        var views = new List<LandscapeViewMinima>();
        var sentences = new List<string>();
        var falseCounts = new Dictionary<string, int>();
        foreach (var view in HeadlineViews)
        {
            if (LandscapeSurfaces.Find(result, view) is not { } surface) continue;
            var minima = LandscapeMinimaFinder.Find(surface.Kl, axis);
            views.Add(new LandscapeViewMinima(view, minima));
            var global = minima.Where(IsGlobal).ToArray();
            var spurious = minima.Where(p => !IsGlobal(p)).ToArray();
            falseCounts[view] = spurious.Length;
            sentences.Add(Sentence(view, minima.Count, global, spurious));
        }
        if (falseCounts.TryGetValue(LandscapeViews.Joint, out var jointFalse) && jointFalse > 0 &&
            falseCounts.TryGetValue(LandscapeViews.ConditionalSum, out var conditionalFalse))
            sentences.Add(conditionalFalse == 0
                ? "Summing the conditional views removes every false minimum of the joint, keeping only the global basins."
                : $"Summing the conditional views leaves {conditionalFalse} of the joint's {jointFalse} false minima in place.");
        return new LandscapeSummary(views, sentences);
    }

    /// <summary>(μ1, μ2) with two decimals, invariant culture.</summary>
    public static string Where(LandscapePoint p) => $"({F(p.Mu1)}, {F(p.Mu2)})";

    private static string Sentence(string view, int count, IReadOnlyList<LandscapePoint> global, IReadOnlyList<LandscapePoint> spurious)
    {
        var name = view switch
        {
            LandscapeViews.Joint => "The joint landscape",
            LandscapeViews.MarginalSum => "The marginal sum",
            _ => "The conditional sum",
        };
        if (count == 0) return $"{name} has no grid-local minimum (it is flat or falls towards the grid's edge).";
        var parts = new List<string>();
        if (global.Count > 0) parts.Add($"the global {(global.Count == 1 ? "one" : "ones")} at {string.Join(" and ", global.Select(WithKl))}");
        if (spurious.Count > 0) parts.Add($"false {(spurious.Count == 1 ? "one" : "ones")} at {string.Join(" and ", spurious.Select(WithKl))}");
        return $"{name} has {count} grid-local minim{(count == 1 ? "um" : "a")}: {string.Join(", and ", parts)}.";
    }

    private static string WithKl(LandscapePoint p) => $"{Where(p)} (KL {p.Kl.ToString("0.###", CultureInfo.InvariantCulture)})";

    private static string F(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}
