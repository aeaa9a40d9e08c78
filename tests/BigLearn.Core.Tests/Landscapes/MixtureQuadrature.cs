namespace BigLearn.Core.Tests.Landscapes;

/// <summary>
/// Independent reference values for the landscape tests: 1-D Gaussian mixtures with a shared variance and
/// composite Simpson quadrature of E_p[ℓ] and E_p[ℓ²], ℓ = log p − log q (all in log space so tails are exact).
/// </summary>
internal static class MixtureQuadrature
{
    internal sealed record Mixture(double[] Weights, double[] Means, double Variance)
    {
        public double LogDensity(double y)
        {
            double max = double.NegativeInfinity;
            var terms = new double[Means.Length];
            for (int k = 0; k < Means.Length; k++)
            {
                double d = y - Means[k];
                terms[k] = Math.Log(Weights[k]) - 0.5 * d * d / Variance - 0.5 * Math.Log(2 * Math.PI * Variance);
                max = Math.Max(max, terms[k]);
            }
            return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
        }
    }

    /// <summary>(KL[p‖q], Var_p[log p − log q]) by Simpson's rule over p's support ± 12 standard deviations.</summary>
    public static (double Kl, double Variance) ReverseKl(Mixture p, Mixture q, int intervals = 20000)
    {
        double sd = Math.Sqrt(p.Variance);
        double lo = p.Means.Min() - 12 * sd, hi = p.Means.Max() + 12 * sd;
        double h = (hi - lo) / intervals, first = 0, second = 0;
        for (int i = 0; i <= intervals; i++)
        {
            double y = lo + i * h;
            double logp = p.LogDensity(y);
            double ell = logp - q.LogDensity(y);
            double weight = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
            first += weight * Math.Exp(logp) * ell;
            second += weight * Math.Exp(logp) * ell * ell;
        }
        double kl = first * h / 3;
        return (kl, Math.Max(0, second * h / 3 - kl * kl));
    }

    /// <summary>The y1 marginal at angle α of the model (μ1, μ2) and of the target, per the paper's §3.3 (docs/science.md).</summary>
    public static (Mixture Model, Mixture Target) Marginal(double mu1, double mu2, double angleDeg)
    {
        double c = Math.Cos(angleDeg * Math.PI / 180);
        return (new Mixture([0.5, 0.5], [mu1 * c, mu2 * c], 0.1), new Mixture([0.5, 0.5], [-c, c], 0.1));
    }

    /// <summary>
    /// y1 | y2 = v at angle α for first-coordinate means m: the rotated components are N((c·m, −s·m), 0.1 I), so
    /// y1 and y2 are independent within a component and the conditional is Σ_k w_k N(c·m_k, 0.1) with
    /// w_k ∝ N(v; −s·m_k, 0.1).
    /// </summary>
    public static Mixture Conditional(double[] firstCoordinateMeans, double angleDeg, double y2)
    {
        double c = Math.Cos(angleDeg * Math.PI / 180), s = Math.Sin(angleDeg * Math.PI / 180);
        var logw = firstCoordinateMeans.Select(m => -0.5 * (y2 + s * m) * (y2 + s * m) / 0.1).ToArray();
        double max = logw.Max();
        var w = logw.Select(l => Math.Exp(l - max)).ToArray();
        double total = w.Sum();
        return new Mixture(w.Select(x => x / total).ToArray(), firstCoordinateMeans.Select(m => c * m).ToArray(), 0.1);
    }
}
