using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Evaluation;

/// <summary>
/// How well a model matches a target, as plain numbers (docs/science.md, "Scoring a mixture").
/// </summary>
/// <param name="ReverseKl">Monte-Carlo KL[p ‖ q] on model samples.</param>
/// <param name="ForwardKl">Monte-Carlo KL[q ‖ p] on target samples.</param>
/// <param name="HighQualityFraction">Share of model samples within the radius of some target mean.</param>
/// <param name="ModesCovered">Target components that received at least the coverage fraction of their fair share.</param>
/// <param name="ModeCount">Number of target components.</param>
/// <param name="SamplesPerMode">High-quality model samples assigned to each target component (nearest within the radius).</param>
/// <param name="Samples">Model samples drawn (and target samples for the forward KL).</param>
public sealed record MixtureScore(
    double ReverseKl, double ForwardKl, double HighQualityFraction, int ModesCovered, int ModeCount, int[] SamplesPerMode, int Samples);

/// <summary>Scores a mixture model against a target and estimates task KLs with common random numbers.</summary>
public static partial class MixtureEvaluation
{
    /// <summary>
    /// Scores <paramref name="model"/> against <paramref name="target"/>: draws <paramref name="samples"/> model
    /// samples; one is high-quality when its Mahalanobis distance to some target component is at most
    /// <paramref name="radiusInSigmas"/> (for the isotropic grid this is "within 3σ, σ = √0.05" of the mean) and
    /// it counts for the nearest such component; a component is covered when its count reaches
    /// <paramref name="coverageFraction"/> of its fair share (samples × π_k). The KLs use the same sample count.
    /// </summary>
    /// <remarks>CPU float64 mixtures are scored in plain arithmetic (<c>EvaluatePlain</c>), the same figures to rounding.</remarks>
    public static MixtureScore Evaluate(IGaussianMixture model, TargetMixture target, long seed, int samples = 10_000,
        double radiusInSigmas = 3, double coverageFraction = 0.2) =>
        Evaluate(model, target, seed, samples, radiusInSigmas, coverageFraction, plainArithmetic: true);

    /// <summary><see cref="Evaluate(IGaussianMixture, TargetMixture, long, int, double, double)"/>, through libtorch when <paramref name="plainArithmetic"/> is false (tests compare both).</summary>
    internal static MixtureScore Evaluate(IGaussianMixture model, TargetMixture target, long seed, int samples,
        double radiusInSigmas, double coverageFraction, bool plainArithmetic)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be at least 1");
        if (!(radiusInSigmas > 0)) throw new ArgumentOutOfRangeException(nameof(radiusInSigmas), radiusInSigmas, "radius must be positive");
        if (model.Dim != target.Dim) throw new ArgumentException($"model is {model.Dim}-dimensional, target is {target.Dim}-dimensional");
        var joint = LearningTask.Joint(model.Dim);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var p = model.Distribution().Detach();
        var q = target.Distribution();
        if (plainArithmetic && p.Means.device_type == DeviceType.CPU && p.Means.dtype == ScalarType.Float64
            && q.Means.device_type == DeviceType.CPU && (long)samples * model.Dim >= TorchCpuGenerator.BlockSize)
            return EvaluatePlain(p, q, target, seed, samples, radiusInSigmas, coverageFraction);
        using var generator = new Generator(unchecked((ulong)seed), p.Means.device);

        var x = p.Sample(samples, generator).X;
        double reverse = (p.LogDensity(x) - q.LogDensity(x)).mean().item<double>();
        var xq = q.Sample(samples, generator).X;
        double forward = (q.LogDensity(xq) - p.LogDensity(xq)).mean().item<double>();

        // Squared Mahalanobis distance of every sample to every target component: [N, K].
        var diff = (x.unsqueeze(1) - q.Means.unsqueeze(0)).permute(1, 2, 0);                         // [K, d, N]
        var whitened = linalg.solve_triangular(q.ScaleTril, diff, upper: false);
        var distance2 = whitened.square().sum(1).t();                                               // [N, K]
        var (nearest2, nearest) = distance2.min(1);
        var good = nearest2.le(radiusInSigmas * radiusInSigmas);
        var perMode = bincount(nearest.masked_select(good), minlength: q.Components).cpu().data<long>().Select(c => (int)c).ToArray();
        int highQuality = perMode.Sum();

        int covered = 0;
        for (int k = 0; k < perMode.Length; k++)
            if (perMode[k] >= coverageFraction * samples * target.Weight(k)) covered++;
        return new MixtureScore(reverse, forward, highQuality / (double)samples, covered, perMode.Length, perMode, samples);
    }
}
