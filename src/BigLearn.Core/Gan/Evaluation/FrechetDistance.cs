using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The Fréchet distance between two Gaussians, d² = |μ1 − μ2|² + tr(Σ1 + Σ2 − 2(Σ1Σ2)^{1/2}), in float64 — the
/// "classifier FID" when the Gaussians are fitted to classifier features. The trace of (Σ1Σ2)^{1/2} is taken as
/// Σ √λ over the eigenvalues λ of the symmetric matrix √Σ1 · Σ2 · √Σ1, which has the same spectrum as Σ1Σ2 and,
/// unlike Σ1Σ2, is symmetric, so <c>eigh</c> applies (no general matrix square root, no complex parts).
/// </summary>
public static class FrechetDistance
{
    /// <summary>
    /// The distance between Gaussians fitted to the rows of <paramref name="featuresA"/> and <paramref name="featuresB"/>
    /// ([N, D] and [M, D], any float type; means and unbiased covariances, as the usual FID).
    /// </summary>
    public static double Between(Tensor featuresA, Tensor featuresB)
    {
        ArgumentNullException.ThrowIfNull(featuresA);
        ArgumentNullException.ThrowIfNull(featuresB);
        if (featuresA.dim() != 2 || featuresB.dim() != 2 || featuresA.shape[1] != featuresB.shape[1])
            throw new ArgumentException($"features must be [N, D] and [M, D] with the same D, got [{string.Join(", ", featuresA.shape)}] and [{string.Join(", ", featuresB.shape)}]");
        if (featuresA.shape[0] < 2 || featuresB.shape[0] < 2) throw new ArgumentException("each feature set needs at least 2 rows for a covariance");
        using var scope = NewDisposeScope();
        var (meanA, covarianceA) = Fit(featuresA);
        var (meanB, covarianceB) = Fit(featuresB);
        return OfGaussians(meanA, covarianceA, meanB, covarianceB);
    }

    /// <summary>Mean [D] and unbiased covariance [D, D] of the rows of <paramref name="features"/>, in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) Fit(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        var x = features.to(ScalarType.Float64).cpu();
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.t().mm(centred) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>The Fréchet distance between N(μ1, Σ1) and N(μ2, Σ2) (covariances symmetric positive semi-definite).</summary>
    public static double OfGaussians(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(mean2);
        ArgumentNullException.ThrowIfNull(covariance2);
        long d = mean1.shape[^1];
        foreach (var (t, shape) in new[] { (mean2, new[] { d }), (covariance1, new[] { d, d }), (covariance2, new[] { d, d }) })
            if (!t.shape.SequenceEqual(shape))
                throw new ArgumentException($"expected a tensor of shape [{string.Join(", ", shape)}], got [{string.Join(", ", t.shape)}]");
        using var scope = NewDisposeScope();
        var m1 = mean1.to(ScalarType.Float64).cpu();
        var m2 = mean2.to(ScalarType.Float64).cpu();
        var s1 = Symmetric(covariance1.to(ScalarType.Float64).cpu());
        var s2 = Symmetric(covariance2.to(ScalarType.Float64).cpu());
        double meanTerm = (m1 - m2).square().sum().item<double>();
        var root1 = SymmetricSqrt(s1);
        var inner = Symmetric(root1.mm(s2).mm(root1));
        // Rounding can leave tiny negative eigenvalues of a PSD matrix; their true value is 0.
        double traceOfRoot = linalg.eigvalsh(inner).clamp_min(0).sqrt().sum().item<double>();
        double distance = meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceOfRoot;
        return Math.Max(0, distance);
    }

    private static Tensor Symmetric(Tensor m) => (m + m.t()) / 2;

    /// <summary>√S for a symmetric PSD S: V·diag(√max(λ, 0))·Vᵀ from its eigen-decomposition.</summary>
    private static Tensor SymmetricSqrt(Tensor s)
    {
        var (values, vectors) = linalg.eigh(s);
        return (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).mm(vectors.t());
    }
}
