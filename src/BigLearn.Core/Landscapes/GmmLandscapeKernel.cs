using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Landscapes;

/// <summary>One view of the landscape study: the joint, a marginal at an angle, or a conditional at an angle and y2.</summary>
internal sealed record LandscapeView(string Name, double? AngleDeg, double? Y2);

/// <summary>
/// The tensor work of the §3.3 landscapes. Built once per study: it holds the common random numbers and
/// everything that does not depend on θ (target moments per view, rotations, index tensors) in the dispose
/// scope of its creator; <see cref="Evaluate"/> then computes every view for one chunk of grid points at once,
/// the chunk being the leading batch dimension of <see cref="GaussianMath"/>'s mixture algebra.
/// </summary>
internal sealed class GmmLandscapeKernel
{
    private const int Components = 2;
    private const int Dim = 2;

    /// <summary>A view with its θ-independent tensors: the rotation and the target's side of the KL.</summary>
    private sealed record ViewPlan(LandscapeView View, Tensor Rotation, Tensor? TargetMeans = null, Tensor? TargetScale = null,
        ConditionalMixture? TargetConditional = null, Tensor? ObservedY2 = null);

    private readonly List<ViewPlan> _plans = [];
    private readonly Tensor _modelCovariances;   // [K, 2, 2], θ-independent (0.1·I)
    private readonly Tensor _modelScale;         // [K, 2, 2]
    private readonly Tensor _logWeights;         // [K]
    private readonly Tensor _targetMeans;        // [K, 2]
    private readonly Tensor _targetScale;        // [K, 2, 2]
    private readonly Tensor _uniforms;           // [N]   common uniforms: component choice by inverse CDF
    private readonly Tensor _jointNoise;         // [N, 2] common standard normals, pushed through the component scale
    private readonly Tensor _conditionalNoise;   // [N]   first coordinate of the same normals, for 1-D conditionals
    private readonly Tensor _jointComponents;    // [N]   component index of each joint sample (weights are fixed)
    private readonly Tensor _first = tensor(new long[] { 0 });
    private readonly Tensor _second = tensor(new long[] { 1 });

    /// <summary>The views in output order (joint, marginals, conditionals).</summary>
    public IReadOnlyList<LandscapeView> Views => _plans.Select(p => p.View).ToList();

    /// <summary>Creates the θ-independent tensors in the caller's dispose scope.</summary>
    public GmmLandscapeKernel(LandscapeSpec spec)
    {
        double variance = GmmLandscape.ComponentVariance;
        _modelCovariances = (eye(Dim, dtype: float64) * variance).expand(Components, Dim, Dim).contiguous();
        _modelScale = linalg.cholesky(_modelCovariances);
        _logWeights = full(Components, Math.Log(1.0 / Components), dtype: float64);
        _targetMeans = tensor(new double[] { GmmLandscape.TargetMeans[0], 0, GmmLandscape.TargetMeans[1], 0 }, dtype: float64).reshape(Components, Dim);
        _targetScale = _modelScale;

        using var generator = new Generator((ulong)spec.Seed);
        _uniforms = rand(spec.Samples, dtype: float64, generator: generator);
        _jointNoise = randn(spec.Samples, Dim, dtype: float64, generator: generator);
        _conditionalNoise = _jointNoise.select(1, 0).contiguous();
        _jointComponents = InverseCdf(_logWeights.exp().cumsum(-1), _uniforms);

        _plans.Add(new ViewPlan(new LandscapeView(LandscapeViews.Joint, null, null), eye(Dim, dtype: float64)));
        foreach (double angle in spec.MarginalAnglesDeg)
        {
            var rotation = RotationTensor(angle);
            var (rotatedMeans, rotatedCovariances) = GaussianMath.Transform(_targetMeans, _modelCovariances, rotation);
            var (means, covariances) = GaussianMath.Select(rotatedMeans, rotatedCovariances, _first);
            _plans.Add(new ViewPlan(new LandscapeView(LandscapeViews.Marginal, angle, null), rotation, TargetMeans: means, TargetScale: linalg.cholesky(covariances)));
        }
        foreach (double angle in spec.ConditionalAnglesDeg)
        {
            var rotation = RotationTensor(angle);
            var (means, covariances) = GaussianMath.Transform(_targetMeans, _modelCovariances, rotation);
            foreach (double y2 in GmmLandscape.ConditionalY2Values(angle, spec.ConditionalValues))
            {
                var observed = tensor(new[] { y2 }, dtype: float64).reshape(1, 1);
                var target = GaussianMath.Conditional(means, covariances, _logWeights, _second, _first, observed);
                _plans.Add(new ViewPlan(new LandscapeView(LandscapeViews.Conditional, angle, y2), rotation, TargetConditional: target, ObservedY2: observed));
            }
        }
    }

    /// <summary>
    /// The Monte-Carlo reverse KL of every view at the grid points (μ1[g], μ2[g]): result[view][g].
    /// Each view runs in its own dispose scope so only one view's intermediates are alive at a time.
    /// </summary>
    public double[][] Evaluate(double[] mu1, double[] mu2)
    {
        int g = mu1.Length;
        var flat = new double[g * Components * Dim];
        for (int i = 0; i < g; i++)
        {
            flat[i * 4] = mu1[i];
            flat[i * 4 + 2] = mu2[i];
        }
        using var scope = NewDisposeScope();
        var means = tensor(flat, dtype: float64).reshape(g, Components, Dim);                  // [G, K, 2]
        // x = μ_z + L_z ε with the common (z, ε); the noise part does not depend on θ. Samples are kept
        // coordinate-major, [G, 2, N], so that every elementwise pass runs along the long sample axis.
        var noise = einsum("nij,nj->in", _modelScale.index_select(0, _jointComponents), _jointNoise); // [2, N]
        var samples = means.transpose(-1, -2).index_select(-1, _jointComponents) + noise;       // [G, 2, N]

        var result = new double[_plans.Count][];
        for (int v = 0; v < _plans.Count; v++)
        {
            using var viewScope = NewDisposeScope();
            var plan = _plans[v];
            Tensor kl = plan.View.Name switch
            {
                LandscapeViews.Joint => JointKl(means, samples),
                LandscapeViews.Marginal => MarginalKl(means, samples, plan.Rotation, plan.TargetMeans!, plan.TargetScale!),
                _ => ConditionalKl(means, plan.Rotation, plan.ObservedY2!, plan.TargetConditional!),
            };
            result[v] = kl.contiguous().data<double>().ToArray();
        }
        return result;
    }

    private Tensor JointKl(Tensor means, Tensor samples)
    {
        var logp = MixtureLogDensity(samples, means, _modelScale, _logWeights);
        var logq = MixtureLogDensity(samples, _targetMeans, _targetScale, _logWeights);
        return (logp - logq).mean([-1]);
    }

    /// <summary>y1 of the rotated joint samples are exact samples of the model's y1 marginal.</summary>
    private Tensor MarginalKl(Tensor means, Tensor samples, Tensor rotation, Tensor targetMeans, Tensor targetScale)
    {
        var (rotatedMeans, rotatedCovariances) = GaussianMath.Transform(means, _modelCovariances, rotation);
        var (marginalMeans, marginalCovariances) = GaussianMath.Select(rotatedMeans, rotatedCovariances, _first);
        var y1 = rotation.narrow(0, 0, 1).matmul(samples);                                     // [1,2]·[G,2,N] → [G,1,N]
        var logp = MixtureLogDensity(y1, marginalMeans, linalg.cholesky(marginalCovariances), _logWeights);
        var logq = MixtureLogDensity(y1, targetMeans, targetScale, _logWeights);
        return (logp - logq).mean([-1]);
    }

    /// <summary>
    /// Samples y1 from the model's conditional p_θ(y1 | y2): component by inverse CDF of the common uniform under
    /// the θ-dependent posterior weights, then conditional mean + conditional std · common normal.
    /// </summary>
    private Tensor ConditionalKl(Tensor means, Tensor rotation, Tensor observedY2, ConditionalMixture target)
    {
        int g = (int)means.shape[0];
        var (rotatedMeans, rotatedCovariances) = GaussianMath.Transform(means, _modelCovariances, rotation);
        var model = GaussianMath.Conditional(rotatedMeans, rotatedCovariances, _logWeights, _second, _first, observedY2);
        // One observed point: model.Means [G, 1, K, 1] → [G, K, 1]; model.LogWeights [G, 1, K] → [G, K];
        // model.ScaleTril [K, 1, 1] (the conditional covariance does not depend on θ here).
        var conditionalMeans = model.Means.squeeze(-3);
        var logWeights = model.LogWeights.squeeze(-2);
        var components = InverseCdf(logWeights.exp().cumsum(-1), _uniforms);                 // [G, N]
        var componentMeans = conditionalMeans.squeeze(-1).gather(-1, components);              // [G, N]
        var componentStd = model.ScaleTril.reshape(1, Components).expand(g, Components).gather(-1, components);
        var y1 = (componentMeans + componentStd * _conditionalNoise).unsqueeze(-2);            // [G, 1, N]
        var logp = MixtureLogDensity(y1, conditionalMeans, model.ScaleTril, logWeights);
        var logq = MixtureLogDensity(y1, target.Means.squeeze(-3), target.ScaleTril, target.LogWeights.squeeze(-2));
        return (logp - logq).mean([-1]);
    }

    /// <summary>
    /// log Σ_k w_k N(y_n; μ_k, L_k L_kᵀ) for coordinate-major points y [..., d, N] → [..., N], through
    /// <see cref="GaussianMath.LogDensitiesOfDifferences"/>. The differences are built as [..., K, d, N] (the layout
    /// GaussianMath solves in, so its transpose is free) and the K components are combined with pairwise
    /// logaddexp over contiguous [..., N] slices: on CPU this is several times faster than broadcasting over
    /// the tiny trailing K and d axes of the point-major layout, which is what makes the paper grid affordable.
    /// </summary>
    private static Tensor MixtureLogDensity(Tensor points, Tensor means, Tensor scaleTril, Tensor logWeights)
    {
        var differences = points.unsqueeze(-3) - means.unsqueeze(-1);                          // [..., K, d, N]
        var perComponent = GaussianMath.LogDensitiesOfDifferences(differences.movedim([-1], [-3]), scaleTril); // [..., N, K]
        Tensor? total = null;
        for (int k = 0; k < Components; k++)
        {
            var term = perComponent.select(-1, k) + logWeights.select(-1, k).unsqueeze(-1);
            total = total is null ? term : total.logaddexp(term);
        }
        return total!;
    }

    /// <summary>Index of the first component whose cumulative weight exceeds u: cdf [..., K], u [N] → [..., N].</summary>
    private static Tensor InverseCdf(Tensor cumulative, Tensor uniforms)
    {
        // Counting the cumulative weights below u, one contiguous [..., N] comparison per component boundary;
        // the last boundary is 1 (up to rounding), so counting stops before it and the index stays < K.
        Tensor? index = null;
        for (int k = 0; k < Components - 1; k++)
        {
            var below = (uniforms > cumulative.narrow(-1, k, 1)).to(ScalarType.Int64);
            index = index is null ? below : index + below;
        }
        return index!;
    }

    private static Tensor RotationTensor(double angleDeg) =>
        OrthogonalTransform.Rotation(Dim, angleDeg * Math.PI / 180).ToTensor();
}
