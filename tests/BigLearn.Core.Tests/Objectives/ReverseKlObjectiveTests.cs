using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tests.Mixtures;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Objectives;

[Collection(TorchCollection.Name)]
public class ReverseKlObjectiveTests
{
    public ReverseKlObjectiveTests() => TorchRuntime.Configure(threads: 1);

    public static TheoryData<string> GridTasks => new() { "joint", "haar-marginal", "rotated-joint", "haar-conditional" };

    private static LearningTask GridTask(string name) => name switch
    {
        "joint" => LearningTask.Joint(2),
        "haar-marginal" => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(3))),
        "rotated-joint" => new LearningTask(2, [], [0, 1], OrthogonalTransform.Rotation(2, 0.4)),
        _ => LearningTask.Conditional(2, [1], [0], OrthogonalTransform.Haar(2, new Rng(4))),
    };

    [Theory]
    [MemberData(nameof(GridTasks))]
    public void With_the_model_equal_to_the_target_the_loss_and_its_gradient_vanish(string taskName)
    {
        using var target = TargetMixture.Grid();
        using var model = new GaussianMixtureModel(2, 25, seed: 888);
        model.CopyFrom(target);
        var averages = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, GridTask(taskName), seeds: 5);
        Assert.True(Math.Abs(averages.Loss) < 1e-10, $"loss {averages.Loss}");
        // Per sample ∇_y(log p̄ − log q) = 0 when p = q; a non-detached p̄ would add a non-zero score term.
        double norm = Math.Sqrt(averages.Gradient.Sum(g => g * g));
        Assert.True(norm < 1e-8, $"gradient norm {norm}");
    }

    [Fact]
    public void The_joint_loss_is_the_weighted_sum_of_per_component_means_of_the_log_ratio()
    {
        // Unequal weights and well-separated components, so Σ_k π_k mean_k ℓ differs clearly from mean_i ℓ_i.
        var qPlain = new PlainMixture([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.5]],
            [new double[,] { { 0.3, 0 }, { 0, 0.3 } }, new double[,] { { 0.5, 0.1 }, { 0.1, 0.2 } }]);
        var pPlain = new PlainMixture([0.8, 0.2], [[0.5, -1.0], [3.0, 2.0]],
            [new double[,] { { 0.4, 0 }, { 0, 0.4 } }, new double[,] { { 0.2, 0 }, { 0, 0.6 } }]);
        using var target = qPlain.ToTarget();
        using var model = new GaussianMixtureModel(2, 2, seed: 0, learnableWeights: true);
        using var pAsTarget = pPlain.ToTarget();
        model.CopyFrom(pAsTarget);
        const int n = 40;
        using var scope = NewDisposeScope();
        using var g1 = new Generator(12345);
        double loss = new ReverseKlObjective(n).Loss(model, target, LearningTask.Joint(2), g1).item<double>();

        // The same draws through the public sampler, then ℓ_i from the independent plain densities.
        using var g2 = new Generator(12345);
        var sample = pAsTarget.Distribution().Sample(n, g2);
        var x = sample.X.data<double>().ToArray();
        var z = sample.Components.data<long>().ToArray();
        var sums = new double[2];
        var counts = new int[2];
        double plainMean = 0;
        for (int i = 0; i < n; i++)
        {
            double[] xi = [x[2 * i], x[2 * i + 1]];
            double l = Math.Log(pPlain.Density(xi)) - Math.Log(qPlain.Density(xi));
            sums[z[i]] += l;
            counts[z[i]]++;
            plainMean += l / n;
        }
        double expected = Enumerable.Range(0, 2).Sum(k => counts[k] == 0 ? 0 : pPlain.Weights[k] * sums[k] / counts[k]);
        Assert.Equal(expected, loss, 10);
        Assert.True(Math.Abs(expected - plainMean) > 1e-3, "the check must tell the per-component form from a plain mean");
    }

    [Fact]
    public void For_one_dimensional_gaussians_the_estimator_averages_to_the_closed_form_kl_and_its_gradient()
    {
        double muP = 0.7, sigmaP = 1.3, muQ = -0.4, sigmaQ = 0.8;
        using var target = TargetMixture.Custom([1], [[muQ]], [new double[,] { { sigmaQ * sigmaQ } }]);
        using var model = new GaussianMixtureModel(1, 1, seed: 0);
        model.SetParameterVector([muP, Math.Log(sigmaP), 0]);
        double kl = Math.Log(sigmaQ / sigmaP) + (sigmaP * sigmaP + (muP - muQ) * (muP - muQ)) / (2 * sigmaQ * sigmaQ) - 0.5;
        double dMean = (muP - muQ) / (sigmaQ * sigmaQ);
        double dLogSigma = sigmaP * sigmaP / (sigmaQ * sigmaQ) - 1;

        var averages = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, LearningTask.Joint(1), seeds: 400);
        Assert.True(Math.Abs(averages.Loss - kl) < 4 * averages.LossError, $"loss {averages.Loss} ± {averages.LossError} vs {kl}");
        Assert.True(Math.Abs(averages.Gradient[0] - dMean) < 4 * averages.GradientError[0], $"∂μ {averages.Gradient[0]} vs {dMean}");
        Assert.True(Math.Abs(averages.Gradient[1] - dLogSigma) < 4 * averages.GradientError[1], $"∂logσ {averages.Gradient[1]} vs {dLogSigma}");
        Assert.True(averages.LossError < 0.02 * kl, "the check must be sharp enough to see a wrong estimator");
    }

    [Fact]
    public void The_conditional_estimator_averages_to_the_quadrature_kl_and_its_finite_difference_gradient()
    {
        // 2-D, two components each, learnable weights, task y0 | y1 in a view rotated by 30°.
        var task = LearningTask.Conditional(2, [1], [0], OrthogonalTransform.Rotation(2, Math.PI / 6));
        var qPlain = new PlainMixture([0.4, 0.6], [[-1.0, 0.5], [1.2, -0.3]],
            [new double[,] { { 0.5, 0.1 }, { 0.1, 0.4 } }, new double[,] { { 0.3, -0.05 }, { -0.05, 0.6 } }]);
        using var target = qPlain.ToTarget();
        using var model = new GaussianMixtureModel(2, 2, seed: 0, learnableWeights: true);
        // means; cholesky params [log l00, (unused), l10, log l11] per component; weight logits.
        double[] theta = [-0.5, 0.2, 0.8, 0.1, Math.Log(0.8), 0, 0.2, Math.Log(0.7), Math.Log(0.6), 0, -0.1, Math.Log(0.9), 0.3, -0.2];
        model.SetParameterVector(theta);

        var averages = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, task, seeds: 300);
        double kl = QuadratureConditionalKl(theta, qPlain, task.Transform!);
        Assert.True(Math.Abs(averages.Loss - kl) < 4 * averages.LossError + 1e-6, $"loss {averages.Loss} ± {averages.LossError} vs {kl}");

        const double h = 1e-4;
        foreach (int i in new[] { 0, 3, 4, 6, 11, 12 })
        {
            var plus = (double[])theta.Clone(); plus[i] += h;
            var minus = (double[])theta.Clone(); minus[i] -= h;
            double derivative = (QuadratureConditionalKl(plus, qPlain, task.Transform!) - QuadratureConditionalKl(minus, qPlain, task.Transform!)) / (2 * h);
            Assert.True(Math.Abs(averages.Gradient[i] - derivative) < 4 * averages.GradientError[i] + 1e-5,
                $"parameter {i}: {averages.Gradient[i]} ± {averages.GradientError[i]} vs {derivative}");
        }
        Assert.True(averages.GradientError[12] < 0.05 * Math.Abs(averages.Gradient[12]), "the weight gradient must be resolved, not lost in noise");
        Assert.Equal(0, averages.Gradient[5]); // the unused upper entry of the Cholesky parameter never moves
    }

    /// <summary>E_{y1 ~ q} KL[p(y0 | y1) ‖ q(y0 | y1)] by 2-D Simpson quadrature of the independent joint densities.</summary>
    private static double QuadratureConditionalKl(double[] theta, PlainMixture q, OrthogonalTransform a)
    {
        var covariances = new double[2][,];
        for (int k = 0; k < 2; k++)
        {
            int o = 4 + 4 * k;
            double l00 = Math.Exp(theta[o]), l10 = theta[o + 2], l11 = Math.Exp(theta[o + 3]);
            covariances[k] = new[,] { { l00 * l00, l00 * l10 }, { l00 * l10, l10 * l10 + l11 * l11 } };
        }
        double z0 = Math.Exp(theta[12]), z1 = Math.Exp(theta[13]);
        var p = new PlainMixture([z0 / (z0 + z1), z1 / (z0 + z1)], [[theta[0], theta[1]], [theta[2], theta[3]]], covariances);
        var (nodes, weights) = Simpson.Rule(-9, 9, 360);
        double total = 0;
        var pj = new double[nodes.Length];
        var qj = new double[nodes.Length];
        foreach (var (y1, w1) in nodes.Zip(weights))
        {
            double pz = 0, qz = 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                pj[i] = p.DensityInView(a, [nodes[i], y1]);
                qj[i] = q.DensityInView(a, [nodes[i], y1]);
                pz += weights[i] * pj[i];
                qz += weights[i] * qj[i];
            }
            double inner = 0;
            for (int i = 0; i < nodes.Length; i++)
                if (pj[i] > 0) inner += weights[i] * pj[i] / pz * Math.Log(pj[i] / pz / (qj[i] / qz));
            total += w1 * qz * inner;
        }
        return total;
    }
}
