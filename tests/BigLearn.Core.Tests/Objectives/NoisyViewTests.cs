using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tests.Mixtures;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Objectives;

/// <summary>
/// Noisy views (<see cref="LearningTask.Noise"/>): their densities against quadrature of the convolution with an
/// independent density, and the reverse-KL estimator against the closed-form KL of the widened Gaussians.
/// </summary>
[Collection(TorchCollection.Name)]
public class NoisyViewTests
{
    public NoisyViewTests() => TorchRuntime.Configure(threads: 1);

    private static double Normal(double u, double sigma) => Math.Exp(-0.5 * u * u / (sigma * sigma)) / (sigma * Math.Sqrt(2 * Math.PI));

    private static double[] LibraryLogDensity(PlainMixture mixture, LearningTask task, double[][] points)
    {
        using var scope = NewDisposeScope();
        using var target = mixture.ToTarget();
        var y = tensor(points.SelectMany(p => p).ToArray()).reshape(points.Length, points[0].Length);
        return target.Distribution().LogDensity(task, y).data<double>().ToArray();
    }

    [Fact]
    public void A_noisy_joint_density_is_the_quadrature_convolution_of_the_density_with_the_noise()
    {
        var mixture = PlainMixture.Random(dim: 2, components: 3, seed: 5);
        const double sigma = 0.9;
        var (nodes, weights) = Simpson.Rule(-7, 7, 280);
        var points = new[] { new[] { -1.2, 0.4 }, new[] { 0.3, 2.1 }, new[] { 2.5, -1.0 } };
        var library = LibraryLogDensity(mixture, LearningTask.Joint(2).WithNoise(sigma), points);
        for (int n = 0; n < points.Length; n++)
        {
            double integral = 0;
            for (int i = 0; i < nodes.Length; i++)
                for (int j = 0; j < nodes.Length; j++)
                    integral += weights[i] * weights[j] * Normal(nodes[i], sigma) * Normal(nodes[j], sigma)
                        * mixture.Density([points[n][0] - nodes[i], points[n][1] - nodes[j]]);
            Assert.Equal(Math.Log(integral), library[n], 6);
        }
        var noiseless = LibraryLogDensity(mixture, LearningTask.Joint(2), points);
        Assert.True(Enumerable.Range(0, points.Length).Max(n => Math.Abs(noiseless[n] - library[n])) > 0.1, "the noise must change the density");
    }

    [Fact]
    public void A_noisy_transformed_marginal_is_the_quadrature_convolution_of_the_view_with_the_noise()
    {
        var mixture = PlainMixture.Random(dim: 2, components: 3, seed: 9);
        var haar = OrthogonalTransform.Haar(2, new Rng(31));
        const double sigma = 0.6;
        var (nodes, weights) = Simpson.Rule(-12, 12, 320);
        var points = new[] { -2.0, 0.1, 1.7 };
        var library = LibraryLogDensity(mixture, LearningTask.Marginal(2, [0], haar).WithNoise(sigma), points.Select(p => new[] { p }).ToArray());
        for (int n = 0; n < points.Length; n++)
        {
            // ∫∫ p_A(y − u, v) N(u; 0, σ²) du dv: the view's marginal and the noise, both by quadrature.
            double integral = 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                double noise = Normal(nodes[i] / 2, sigma); // u in [−6, 6]: half the node range is plenty for σ = 0.6
                if (noise < 1e-300) continue;
                for (int j = 0; j < nodes.Length; j++)
                    integral += weights[i] / 2 * weights[j] * noise * mixture.DensityInView(haar, [points[n] - nodes[i] / 2, nodes[j]]);
            }
            Assert.Equal(Math.Log(integral), library[n], 6);
        }
    }

    [Fact]
    public void For_one_dimensional_gaussians_the_noisy_estimator_averages_to_the_kl_of_the_widened_gaussians()
    {
        double muP = 0.7, sigmaP = 1.3, muQ = -0.4, sigmaQ = 0.8, noise = 0.9;
        using var target = TargetMixture.Custom([1], [[muQ]], [new double[,] { { sigmaQ * sigmaQ } }]);
        using var model = new GaussianMixtureModel(1, 1, seed: 0);
        model.SetParameterVector([muP, Math.Log(sigmaP), 0]);
        double vp = sigmaP * sigmaP + noise * noise, vq = sigmaQ * sigmaQ + noise * noise;
        double kl = 0.5 * Math.Log(vq / vp) + (vp + (muP - muQ) * (muP - muQ)) / (2 * vq) - 0.5;
        double dMean = (muP - muQ) / vq;
        double dLogSigma = sigmaP * sigmaP * (1 / vq - 1 / vp); // ∂KL/∂vp · ∂vp/∂log σ_p
        double noiselessKl = Math.Log(sigmaQ / sigmaP) + (sigmaP * sigmaP + (muP - muQ) * (muP - muQ)) / (2 * sigmaQ * sigmaQ) - 0.5;

        var averages = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, LearningTask.Joint(1).WithNoise(noise), seeds: 400);
        Assert.True(Math.Abs(averages.Loss - kl) < 4 * averages.LossError, $"loss {averages.Loss} ± {averages.LossError} vs {kl}");
        Assert.True(Math.Abs(averages.Gradient[0] - dMean) < 4 * averages.GradientError[0], $"∂μ {averages.Gradient[0]} vs {dMean}");
        Assert.True(Math.Abs(averages.Gradient[1] - dLogSigma) < 4 * averages.GradientError[1], $"∂logσ {averages.Gradient[1]} vs {dLogSigma}");
        Assert.True(8 * averages.LossError < noiselessKl - kl, "the check must tell the noisy KL from the noiseless one");
    }

    [Fact]
    public void The_forward_kl_of_a_noisy_view_averages_to_the_kl_of_the_widened_gaussians()
    {
        double muP = 0.5, sigmaP = 0.7, muQ = -0.3, sigmaQ = 1.1, noise = 1.2;
        using var target = TargetMixture.Custom([1], [[muQ]], [new double[,] { { sigmaQ * sigmaQ } }]);
        using var model = new GaussianMixtureModel(1, 1, seed: 0);
        model.SetParameterVector([muP, Math.Log(sigmaP), 0]);
        double vp = sigmaP * sigmaP + noise * noise, vq = sigmaQ * sigmaQ + noise * noise;
        double kl = 0.5 * Math.Log(vp / vq) + (vq + (muP - muQ) * (muP - muQ)) / (2 * vp) - 0.5; // KL[q̃ ‖ p̃]

        var averages = EstimatorAverages.Measure(new ForwardKlObjective(), model, target, LearningTask.Joint(1).WithNoise(noise), seeds: 400);
        Assert.True(Math.Abs(averages.Loss - kl) < 4 * averages.LossError, $"loss {averages.Loss} ± {averages.LossError} vs {kl}");
    }

    /// <summary>
    /// Why noisy views cover more modes, on the paper's §3.3 pair of modes (±1, 0), variance 0.1: with both model
    /// components on the left mode (the joint's false minimum), the noiseless joint exerts no pull towards the empty
    /// right mode beyond its model's far tail, a view with noise sd 1 pulls 18 times harder. The expected gradient on the two means' shared x-coordinate is
    /// −E_{y ~ p̃}[∂_x log q̃(y)] (p̃ = N((−1, 0), v I), v = 0.1 + sd²), a 1-D integral done here by quadrature.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Two_components_on_one_mode_feel_a_pull_towards_the_empty_mode_only_through_noise(double noise)
    {
        using var target = SharedModeState.Target();
        using var model = SharedModeState.Model();
        double expected = SharedModeState.ReverseKlPull(0.1 + noise * noise);

        var task = noise > 0 ? LearningTask.Joint(2).WithNoise(noise) : LearningTask.Joint(2);
        var averages = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, task, seeds: 400);
        double pull = averages.Gradient[0] + averages.Gradient[2];
        double error = Math.Sqrt(averages.GradientError[0] * averages.GradientError[0] + averages.GradientError[2] * averages.GradientError[2]);
        Assert.True(Math.Abs(pull - expected) < 4 * error + 1e-12, $"∂/∂m_x {pull} ± {error} vs quadrature {expected}");
        // Noiseless: only the far tail of the model (6σ out) reaches the right mode's basin, −0.024. With sd 1 the two
        // modes share one basin and the pull is 18 times stronger, −0.436 (both from this quadrature).
        if (noise == 0)
            Assert.InRange(expected, -0.03, -0.02);
        else
            Assert.InRange(expected, -0.45, -0.42);
    }

    [Fact]
    public void Noise_is_refused_where_it_has_no_meaning()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningTask.Joint(2).WithNoise(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningTask.Joint(2).WithNoise(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningTask.Joint(2).WithNoise(double.PositiveInfinity));
        var conditional = Assert.Throws<ArgumentException>(() => LearningTask.Conditional(2, [0], [1]).WithNoise(1));
        Assert.Contains("conditional", conditional.Message);
    }

    [Fact]
    public void The_noise_is_part_of_a_tasks_identity_and_text()
    {
        var plain = LearningTask.Marginal(2, [0]);
        var noisy = plain.WithNoise(1.5);
        Assert.NotEqual(plain, noisy);
        Assert.Equal(noisy, LearningTask.Marginal(2, [0]).WithNoise(1.5));
        Assert.Equal("marginal T={0} with noise 1.5", noisy.ToString());
        Assert.Equal(plain, noisy.WithNoise(0));
        Assert.Equal(TaskKind.Marginal, noisy.Kind);
    }
}
