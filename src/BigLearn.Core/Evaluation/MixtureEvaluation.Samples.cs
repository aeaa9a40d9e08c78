using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Evaluation;

/// <summary>How well a model explains a data set (<c>target.kind = samples</c>, docs/targets.md): no density of the data is known.</summary>
/// <param name="HeldOutNll">−mean log p_θ(x) over the held-out rows (nats per point).</param>
/// <param name="HighQualityFraction">Share of model samples within the radius of some cluster (NaN without labels).</param>
/// <param name="ModesCovered">Clusters that received at least the coverage fraction of their fair share (0 without labels).</param>
/// <param name="ModeCount">Labelled clusters (0 without labels).</param>
/// <param name="SamplesPerMode">High-quality model samples assigned to each cluster (empty without labels).</param>
/// <param name="HeldOutRows">Rows the NLL averages over.</param>
public sealed record SampleScore(double HeldOutNll, double HighQualityFraction, int ModesCovered, int ModeCount, int[] SamplesPerMode, int HeldOutRows);

public static partial class MixtureEvaluation
{
    /// <summary>
    /// Scores <paramref name="model"/> on data: the negative log-likelihood of the held-out rows <paramref name="heldOut"/>
    /// (row-major, L numbers a row) and, when <paramref name="clusters"/> is given (the labelled clusters' Gaussian summaries,
    /// <see cref="Mixtures.Targets.SamplesTarget"/>), mode coverage exactly as <see cref="Evaluate(IGaussianMixture, TargetMixture, long, int, double, double)"/>
    /// counts it against a target mixture: <paramref name="samples"/> model samples, each assigned to the nearest cluster by
    /// Mahalanobis distance under that cluster's covariance and counted when within <paramref name="radiusInSigmas"/>; a
    /// cluster is covered when its count reaches <paramref name="coverageFraction"/> of its fair share (samples × its share
    /// of the rows). The clusters' Gaussians are geometry only: no density of the data enters any figure.
    /// </summary>
    /// <remarks>Plain arithmetic on the CPU (the model's numbers are read once), the same draws as the mixture's evaluation.</remarks>
    public static SampleScore EvaluateOnData(IGaussianMixture model, double[] heldOut, TargetMixture? clusters, long seed,
        int samples = 10_000, double radiusInSigmas = 3, double coverageFraction = 0.2)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be at least 1");
        if (!(radiusInSigmas > 0)) throw new ArgumentOutOfRangeException(nameof(radiusInSigmas), radiusInSigmas, "radius must be positive");
        int d = model.Dim;
        if (heldOut.Length == 0 || heldOut.Length % d != 0) throw new ArgumentException($"{heldOut.Length} numbers are not rows of {d}", nameof(heldOut));
        if (clusters is not null && clusters.Dim != d) throw new ArgumentException($"model is {d}-dimensional, the clusters are {clusters.Dim}-dimensional");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var p = Plain.Read(model.Distribution().Detach());
        var density = p.Density();
        int rows = heldOut.Length / d;
        double sum = 0;
        for (int i = 0; i < rows; i++) sum += density.LogDensity(heldOut.AsSpan(i * d, d));
        double nll = -sum / rows;
        if (clusters is null) return new SampleScore(nll, double.NaN, 0, 0, [], rows);

        var reference = Plain.Read(clusters.Distribution());
        var x = p.Sample(samples, new TorchCpuGenerator(unchecked((ulong)seed)));
        var perMode = CountNearest(x, samples, reference, radiusInSigmas);
        int covered = Enumerable.Range(0, perMode.Length).Count(c => perMode[c] >= coverageFraction * samples * clusters.Weight(c));
        return new SampleScore(nll, perMode.Sum() / (double)samples, covered, perMode.Length, perMode, rows);
    }
}
