namespace BigLearn.Reporting.Experiments;

/// <summary>
/// The density of a 2-D Gaussian mixture on a square grid, in plain doubles: what the density plots draw for the model
/// p_θ and the target q. Cell (row, col) holds the density at (xs[col], ys[row]).
/// </summary>
/// <param name="Xs">The grid's x values, ascending.</param>
/// <param name="Ys">The grid's y values, ascending.</param>
/// <param name="Density">Density values, [row = y index, col = x index].</param>
public sealed record MixtureDensityGrid(double[] Xs, double[] Ys, double[,] Density)
{
    /// <summary>
    /// Evaluates Σ_k w_k N(x; μ_k, Σ_k) on the points −extent + (2·extent)·i/(n−1), i = 0..n−1, on both axes.
    /// </summary>
    /// <param name="weights">Component weights (they need not be normalised: the density is divided by their sum).</param>
    /// <param name="means">Component means (2-D).</param>
    /// <param name="covariances">Component covariances (2×2, positive definite; a singular one contributes nothing).</param>
    /// <param name="extent">Half the side of the square.</param>
    /// <param name="n">Grid points per axis (at least 2).</param>
    public static MixtureDensityGrid Evaluate(double[] weights, double[][] means, double[][,] covariances, double extent, int n)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "a density grid needs at least 2 points per axis");
        if (weights.Length != means.Length || means.Length != covariances.Length)
            throw new ArgumentException($"{weights.Length} weights, {means.Length} means and {covariances.Length} covariances do not match");
        var axis = Enumerable.Range(0, n).Select(i => -extent + 2 * extent * i / (n - 1)).ToArray();
        double total = weights.Sum();
        var density = new double[n, n];
        for (int k = 0; k < means.Length; k++)
        {
            var c = covariances[k];
            double det = c[0, 0] * c[1, 1] - c[0, 1] * c[1, 0];
            if (!(det > 0) || !double.IsFinite(det)) continue;
            // Σ⁻¹ = [[d, −b], [−b, a]] / det for Σ = [[a, b], [b, d]] (symmetrised).
            double a = c[0, 0], b = 0.5 * (c[0, 1] + c[1, 0]), d = c[1, 1];
            double scale = weights[k] / total / (2 * Math.PI * Math.Sqrt(det));
            for (int row = 0; row < n; row++)
            {
                double dy = axis[row] - means[k][1];
                for (int col = 0; col < n; col++)
                {
                    double dx = axis[col] - means[k][0];
                    double mahalanobis = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
                    density[row, col] += scale * Math.Exp(-0.5 * mahalanobis);
                }
            }
        }
        return new MixtureDensityGrid(axis, (double[])axis.Clone(), density);
    }

    /// <summary>The grid's maximum density.</summary>
    public double Max => Density.Cast<double>().Max();
}
