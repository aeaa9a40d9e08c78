using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Mixtures;

/// <summary>
/// Closed-form Gaussian-mixture algebra on tensors with arbitrary leading batch dimensions ("…"), so one
/// code path serves a single model (no batch) and a whole grid of models (the §3.3 landscapes).
/// Shapes: points y […, N, d]; means […, K, d]; lower-triangular scales L […, K, d, d] with Σ = L·Lᵀ;
/// log-weights […, K]. Everything is differentiable.
/// </summary>
public static class GaussianMath
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>log N(y_n; μ_k, L_k L_kᵀ) for every point n and component k: […, N, K].</summary>
    public static Tensor ComponentLogDensities(Tensor y, Tensor means, Tensor scaleTril) =>
        LogDensitiesOfDifferences(y.unsqueeze(-2) - means.unsqueeze(-3), scaleTril);

    /// <summary>
    /// log N for differences that already have a point-specific mean subtracted:
    /// diff […, N, K, d], scales […, K, d, d] → […, N, K].
    /// </summary>
    public static Tensor LogDensitiesOfDifferences(Tensor diff, Tensor scaleTril)
    {
        long d = diff.shape[^1];
        if (scaleTril.shape[^1] != d || scaleTril.shape[^2] != d)
            throw new ArgumentException($"scale matrices are {scaleTril.shape[^2]}×{scaleTril.shape[^1]}, points are {d}-dimensional");
        var rhs = diff.movedim([-3], [-1]);                                      // […, K, d, N]
        var solved = linalg.solve_triangular(scaleTril, rhs, upper: false);      // L⁻¹(y − μ)
        var mahalanobis = solved.square().sum(-2);                               // […, K, N]
        var logDet = scaleTril.diagonal(0, -2, -1).abs().log().sum(-1);          // […, K] = ½ log|Σ|
        var logp = mahalanobis * -0.5 - logDet.unsqueeze(-1) - 0.5 * d * Log2Pi; // […, K, N]
        return logp.transpose(-1, -2);
    }

    /// <summary>log Σ_k w_k N(y; μ_k, Σ_k): […, N].</summary>
    public static Tensor MixtureLogDensity(Tensor y, Tensor means, Tensor scaleTril, Tensor logWeights) =>
        (ComponentLogDensities(y, means, scaleTril) + logWeights.unsqueeze(-2)).logsumexp(-1, false);

    /// <summary>Component moments of y = A·x: (A μ_k, A Σ_k Aᵀ). A is [L, L]; covariances […, K, L, L].</summary>
    public static (Tensor Means, Tensor Covariances) Transform(Tensor means, Tensor covariances, Tensor a)
    {
        long l = means.shape[^1];
        if (a.dim() != 2 || a.shape[0] != l || a.shape[1] != l)
            throw new ArgumentException($"transform must be {l}×{l}, got [{string.Join(",", a.shape)}]");
        var at = a.t();
        return (means.matmul(at), a.matmul(covariances).matmul(at));
    }

    /// <summary>The sub-vector / sub-block on coordinates <paramref name="index"/>.</summary>
    public static (Tensor Means, Tensor Covariances) Select(Tensor means, Tensor covariances, Tensor index) =>
        (means.index_select(-1, index), covariances.index_select(-1, index).index_select(-2, index));

    /// <summary>
    /// Per-component conditionals p(y_T | y_S) = Σ_k w_k(y_S) N(y_T; μ_k,T|S(y_S), Σ_k,T|S) from full moments
    /// (means […, K, L], covariances […, K, L, L]) and observed values y_S […, N, |S|]:
    /// μ_T|S = μ_T + Σ_TS Σ_SS⁻¹ (y_S − μ_S), Σ_T|S = Σ_TT − Σ_TS Σ_SS⁻¹ Σ_ST,
    /// w_k ∝ π_k N(y_S; μ_k,S, Σ_k,SS).
    /// </summary>
    public static ConditionalMixture Conditional(Tensor means, Tensor covariances, Tensor logWeights, Tensor observedIndex, Tensor targetIndex, Tensor yObserved)
    {
        var (meanS, covSS) = Select(means, covariances, observedIndex);
        var meanT = means.index_select(-1, targetIndex);
        var covTT = covariances.index_select(-1, targetIndex).index_select(-2, targetIndex);
        var covST = covariances.index_select(-2, observedIndex).index_select(-1, targetIndex); // […, K, s, t]

        var scaleSS = linalg.cholesky(covSS);
        var whitened = linalg.solve_triangular(scaleSS, covST, upper: false);              // L_SS⁻¹ Σ_ST
        var gain = linalg.solve_triangular(scaleSS.transpose(-1, -2), whitened, upper: true); // Σ_SS⁻¹ Σ_ST
        var covariance = covTT - whitened.transpose(-1, -2).matmul(whitened);
        covariance = (covariance + covariance.transpose(-1, -2)) * 0.5; // symmetric to the last bit for Cholesky
        var scale = linalg.cholesky(covariance);

        var diffS = yObserved.unsqueeze(-2) - meanS.unsqueeze(-3);                         // […, N, K, s]
        var shift = einsum("...nks,...kst->...nkt", diffS, gain);
        var conditionalMeans = meanT.unsqueeze(-3) + shift;                                // […, N, K, t]
        var logEvidence = LogDensitiesOfDifferences(diffS, scaleSS) + logWeights.unsqueeze(-2);
        var posterior = logEvidence - logEvidence.logsumexp(-1, true);                     // […, N, K]
        return new ConditionalMixture(conditionalMeans, scale, posterior);
    }

    /// <summary>
    /// The same conditionals as <see cref="Conditional"/>, computed from the components' Cholesky factors
    /// without ever forming a covariance or subtracting one: for y = A·x the task-domain factor is M = A·L_k
    /// (Σ_y = M Mᵀ); with its rows permuted to [S; T] and the QR decomposition (P M)ᵀ = Q R, F = Rᵀ (diagonal
    /// made positive) is the Cholesky factor of P Σ_y Pᵀ, and its blocks give everything:
    /// F_SS = chol(Σ_SS), gain Σ_TS Σ_SS⁻¹ = F_TS F_SS⁻¹, and F_TT = chol(Σ_TT − Σ_TS Σ_SS⁻¹ Σ_ST).
    /// Householder QR is backward stable, so F_TT stays a valid (finite, positive-diagonal) factor even when
    /// the subtraction formula cancels to zero or below and Cholesky refuses it.
    /// Shapes: means […, K, L]; scales […, K, L, L] lower-triangular; transform [L, L] or null (identity).
    /// </summary>
    public static ConditionalMixture ConditionalFromScales(Tensor means, Tensor scaleTril, Tensor logWeights, Tensor observedIndex,
        Tensor targetIndex, Tensor yObserved, Tensor? transform = null)
    {
        long l = means.shape[^1], s = observedIndex.shape[0], t = targetIndex.shape[0];
        if (scaleTril.shape[^1] != l || scaleTril.shape[^2] != l)
            throw new ArgumentException($"scale matrices are {scaleTril.shape[^2]}×{scaleTril.shape[^1]}, means are {l}-dimensional");
        if (transform is not null && (transform.dim() != 2 || transform.shape[0] != l || transform.shape[1] != l))
            throw new ArgumentException($"transform must be {l}×{l}, got [{string.Join(",", transform.shape)}]");
        if (s < 1 || t < 1 || s + t > l)
            throw new ArgumentException($"need 1 ≤ |S|, 1 ≤ |T|, |S| + |T| ≤ {l}; got |S| = {s}, |T| = {t}");

        var taskMeans = transform is null ? means : means.matmul(transform.t());
        var taskScales = transform is null ? scaleTril : transform.matmul(scaleTril);      // M = A L: Σ_y = M Mᵀ
        var order = cat([observedIndex, targetIndex], 0);
        var (_, r) = linalg.qr(taskScales.index_select(-2, order).transpose(-1, -2), linalg.QRMode.Reduced);
        var factor = r.transpose(-1, -2);                                                  // F Fᵀ = P Σ_y Pᵀ
        // QR fixes R only up to the signs of its rows; F·D with D = sign(diag R) is the Cholesky factor.
        var signs = where(factor.diagonal(0, -2, -1) < 0, -1.0, 1.0).to(factor.dtype);
        factor = factor * signs.unsqueeze(-2);

        var scaleSS = factor.narrow(-2, 0, s).narrow(-1, 0, s);
        var crossTS = factor.narrow(-2, s, t).narrow(-1, 0, s);
        var scale = factor.narrow(-2, s, t).narrow(-1, s, t);

        var diffS = yObserved.unsqueeze(-2) - taskMeans.index_select(-1, observedIndex).unsqueeze(-3); // […, N, K, s]
        var whitened = linalg.solve_triangular(scaleSS, diffS.movedim([-3], [-1]), upper: false);      // […, K, s, N]
        var shift = crossTS.matmul(whitened).movedim([-1], [-3]);                          // […, N, K, t]
        var conditionalMeans = taskMeans.index_select(-1, targetIndex).unsqueeze(-3) + shift;
        var logEvidence = LogDensitiesOfDifferences(diffS, scaleSS) + logWeights.unsqueeze(-2);
        var posterior = logEvidence - logEvidence.logsumexp(-1, true);
        return new ConditionalMixture(conditionalMeans, scale, posterior);
    }
}

/// <summary>
/// A Gaussian mixture over y_T whose means and weights depend on the observed point:
/// means […, N, K, t], scales […, K, t, t], log-weights […, N, K] (normalised over K).
/// </summary>
public sealed record ConditionalMixture(Tensor Means, Tensor ScaleTril, Tensor LogWeights)
{
    /// <summary>log p(y_T,n | y_S,n) for targets […, N, t]: […, N].</summary>
    public Tensor LogDensity(Tensor yTarget) =>
        (GaussianMath.LogDensitiesOfDifferences(yTarget.unsqueeze(-2) - Means, ScaleTril) + LogWeights).logsumexp(-1, false);
}
