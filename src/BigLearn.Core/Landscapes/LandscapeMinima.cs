namespace BigLearn.Core.Landscapes;

/// <summary>A point of a landscape: θ = (μ1, μ2) and the KL there.</summary>
public sealed record LandscapeMinimum(double Mu1, double Mu2, double Kl);

/// <summary>The global minimum of one surface and all its grid-local minima (lowest KL first).</summary>
public sealed record SurfaceMinima(LandscapeMinimum Global, IReadOnlyList<LandscapeMinimum> Local);

/// <summary>
/// Minima of a landscape surface on its grid. A grid point is a local minimum when its KL is ≤ (or, strict, &lt;)
/// the KL of each of its 8 neighbours that exist: edges and corners compare with fewer neighbours, so a minimum
/// on the border of the grid counts. NaN points are never minima and are ignored as neighbours.
/// </summary>
public static class LandscapeMinima
{
    /// <summary>Global and local minima of <paramref name="kl"/> (Kl[i, j] at μ1 = axis[i], μ2 = axis[j]).</summary>
    public static SurfaceMinima Find(double[] axis, double[,] kl, bool strict = false) =>
        new(Global(axis, kl), Local(axis, kl, strict));

    /// <summary>The grid-local minima, lowest KL first (ties in grid order).</summary>
    public static IReadOnlyList<LandscapeMinimum> Local(double[] axis, double[,] kl, bool strict = false)
    {
        CheckShape(axis, kl);
        int n = axis.Length;
        var minima = new List<LandscapeMinimum>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double value = kl[i, j];
                if (double.IsNaN(value)) continue;
                if (IsLocalMinimum(kl, i, j, value, strict)) minima.Add(new LandscapeMinimum(axis[i], axis[j], value));
            }
        return minima.OrderBy(m => m.Kl).ToList();
    }

    /// <summary>The lowest point of the surface (the first in grid order on ties).</summary>
    public static LandscapeMinimum Global(double[] axis, double[,] kl)
    {
        CheckShape(axis, kl);
        LandscapeMinimum? best = null;
        for (int i = 0; i < axis.Length; i++)
            for (int j = 0; j < axis.Length; j++)
                if (!double.IsNaN(kl[i, j]) && (best is null || kl[i, j] < best.Kl))
                    best = new LandscapeMinimum(axis[i], axis[j], kl[i, j]);
        return best ?? throw new ArgumentException("the surface has no finite value", nameof(kl));
    }

    private static bool IsLocalMinimum(double[,] kl, int i, int j, double value, bool strict)
    {
        int n = kl.GetLength(0);
        for (int di = -1; di <= 1; di++)
            for (int dj = -1; dj <= 1; dj++)
            {
                if (di == 0 && dj == 0) continue;
                int a = i + di, b = j + dj;
                if (a < 0 || b < 0 || a >= n || b >= n) continue;
                double neighbour = kl[a, b];
                if (double.IsNaN(neighbour)) continue;
                if (strict ? neighbour <= value : neighbour < value) return false;
            }
        return true;
    }

    private static void CheckShape(double[] axis, double[,] kl)
    {
        ArgumentNullException.ThrowIfNull(axis);
        ArgumentNullException.ThrowIfNull(kl);
        if (kl.GetLength(0) != axis.Length || kl.GetLength(1) != axis.Length)
            throw new ArgumentException($"surface is {kl.GetLength(0)}×{kl.GetLength(1)}, axis has {axis.Length} points", nameof(kl));
    }
}
