using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Evaluation;

public static partial class MixtureEvaluation
{
    /// <summary>
    /// <see cref="Evaluate(IGaussianMixture, TargetMixture, long, int, double, double)"/> in plain arithmetic on the CPU: the same draws (<see cref="TorchCpuGenerator"/> gives the
    /// numbers libtorch's generator with this seed gives), the same points up to rounding, log-densities from
    /// <see cref="VectorisedMixtureDensity"/>. Why: the run evaluates 10,000 samples every 500 tasks, and through libtorch
    /// that took ~45 ms, the time of ~500 training steps. The tests hold both paths to 1e-12 and equal counts.
    /// </summary>
    private static MixtureScore EvaluatePlain(MixtureDistribution p, MixtureDistribution q, TargetMixture target, long seed,
        int samples, double radiusInSigmas, double coverageFraction)
    {
        var model = Plain.Read(p);
        var reference = Plain.Read(q);
        var generator = new TorchCpuGenerator(unchecked((ulong)seed));
        var x = model.Sample(samples, generator);
        var xq = reference.Sample(samples, generator);
        var pDensity = model.Density();
        var qDensity = reference.Density();
        int d = model.Dim;
        double reverse = 0, forward = 0;
        for (int i = 0; i < samples; i++)
        {
            var point = x.AsSpan(i * d, d);
            reverse += pDensity.LogDensity(point) - qDensity.LogDensity(point);
            var targetPoint = xq.AsSpan(i * d, d);
            forward += qDensity.LogDensity(targetPoint) - pDensity.LogDensity(targetPoint);
        }

        var perMode = CountNearest(x, samples, reference, radiusInSigmas);
        int k = reference.Components;
        int highQuality = perMode.Sum();
        int covered = 0;
        for (int c = 0; c < k; c++)
            if (perMode[c] >= coverageFraction * samples * target.Weight(c)) covered++;
        return new MixtureScore(reverse / samples, forward / samples, highQuality / (double)samples, covered, k, perMode, samples);
    }

    /// <summary>
    /// Model samples <paramref name="x"/> ([n·d]) assigned to the nearest component of <paramref name="reference"/> by Mahalanobis
    /// distance, counted when within <paramref name="radiusInSigmas"/>: the high-quality samples of each component.
    /// </summary>
    private static int[] CountNearest(double[] x, int samples, Plain reference, double radiusInSigmas)
    {
        int k = reference.Components, d = reference.Dim;
        var inverse = reference.InverseScales();
        var perMode = new int[k];
        double radius2 = radiusInSigmas * radiusInSigmas;
        for (int i = 0; i < samples; i++)
        {
            double nearest2 = double.PositiveInfinity;
            int nearest = -1;
            for (int c = 0; c < k; c++)
            {
                double squared = 0;
                for (int r = 0; r < d; r++)
                {
                    double value = 0;
                    for (int s = 0; s <= r; s++) value += inverse[(c * d + r) * d + s] * (x[i * d + s] - reference.Means[c * d + s]);
                    squared += value * value;
                }
                if (squared < nearest2) (nearest2, nearest) = (squared, c);
            }
            if (nearest >= 0 && nearest2 <= radius2) perMode[nearest]++;
        }
        return perMode;
    }

    /// <summary>A mixture's numbers read out of libtorch once, with the probabilities its samples are drawn from.</summary>
    private sealed record Plain(MixtureNumbers Numbers, double[] Probabilities)
    {
        public int Dim => Numbers.Dim;
        public int Components => Numbers.Components;
        public double[] Means => Numbers.Means;
        public double[] Scales => Numbers.Scales;

        public static Plain Read(MixtureDistribution distribution)
        {
            using var scope = NewDisposeScope();
            return new Plain(MixtureNumbers.Read(distribution),
                MixtureNumbers.Numbers(distribution.LogWeights.detach().exp())); // as MixtureDistribution.DrawLatents
        }

        /// <summary>x_i = μ_{z_i} + L_{z_i} ε_i with z then ε drawn as <see cref="MixtureDistribution.Sample"/> draws them.</summary>
        public double[] Sample(int count, TorchCpuGenerator generator)
        {
            int d = Dim;
            var z = new int[count];
            generator.Multinomial(Probabilities, z, new double[Components]);
            var noise = new double[count * d];
            generator.FillNormal(noise);
            var x = new double[count * d];
            for (int i = 0; i < count; i++)
                for (int r = 0; r < d; r++)
                {
                    double value = 0;
                    for (int s = 0; s <= r; s++) value += Scales[(z[i] * d + r) * d + s] * noise[i * d + s];
                    x[i * d + r] = Means[z[i] * d + r] + value;
                }
            return x;
        }

        public VectorisedMixtureDensity Density()
        {
            var density = new VectorisedMixtureDensity();
            density.Prepare(Means, Scales, Numbers.LogWeights, Dim);
            return density;
        }

        /// <summary>L_k⁻¹ of every component, [K·d·d] (lower triangular, by forward substitution).</summary>
        public double[] InverseScales()
        {
            int d = Dim;
            var inverse = new double[Components * d * d];
            for (int c = 0; c < Components; c++)
                LowerTriangular.Invert(Scales.AsSpan(c * d * d, d * d), inverse.AsSpan(c * d * d, d * d), d);
            return inverse;
        }
    }
}
