namespace BigLearn.Reporting.Landscapes;

/// <summary>A point of a landscape: where it is (μ1, μ2) and its reverse KL there.</summary>
/// <param name="Mu1">First free mean.</param>
/// <param name="Mu2">Second free mean.</param>
/// <param name="Kl">Reverse KL at (μ1, μ2).</param>
public sealed record LandscapePoint(double Mu1, double Mu2, double Kl);

/// <summary>
/// Grid-local minima of a surface: points lower than all 8 neighbours (edges have fewer). A stand-in for Core's own
/// finder that the report can swap to without changing its callers.
/// </summary>
internal static class LandscapeMinimaFinder
{
    /// <summary>The grid-local minima of <paramref name="kl"/> on <paramref name="axis"/> × axis, lowest first.</summary>
    /// <remarks>
    /// Ties are broken by grid order (a point must be strictly below the neighbours before it and no higher than those
    /// after it), so a two-point valley yields one minimum; a point whose neighbours all equal it is not a minimum,
    /// so a flat surface (e.g. the 90° marginal, which does not see μ) yields none.
    /// </remarks>
    public static IReadOnlyList<LandscapePoint> Find(double[,] kl, IReadOnlyList<double> axis)
    {
        var n = kl.GetLength(0);
        var m = kl.GetLength(1);
        var minima = new List<LandscapePoint>();
        for (var i = 0; i < n; i++)
        for (var j = 0; j < m; j++)
        {
            var value = kl[i, j];
            if (double.IsNaN(value)) continue;
            var isMinimum = true;
            var someHigher = false;
            for (var di = -1; di <= 1 && isMinimum; di++)
            for (var dj = -1; dj <= 1 && isMinimum; dj++)
            {
                if (di == 0 && dj == 0) continue;
                int a = i + di, b = j + dj;
                if (a < 0 || a >= n || b < 0 || b >= m) continue;
                var neighbour = kl[a, b];
                var before = di < 0 || (di == 0 && dj < 0);
                if (before ? neighbour <= value : neighbour < value) isMinimum = false;
                if (neighbour > value) someHigher = true;
            }
            if (isMinimum && someHigher) minima.Add(new LandscapePoint(axis[i], axis[j], value));
        }
        return minima.OrderBy(p => p.Kl).ToArray();
    }
}
