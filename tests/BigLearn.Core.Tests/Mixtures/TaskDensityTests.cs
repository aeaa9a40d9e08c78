using BigLearn.Core.Tests.Evaluation;
using BigLearn.Core.Evaluation;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Mixtures;

/// <summary>Closed-form task densities of the shared mixture code against quadrature of an independent joint density.</summary>
[Collection(TorchCollection.Name)]
public class TaskDensityTests
{
    public TaskDensityTests() => TorchRuntime.Configure(threads: 1);

    private const double Range = 14;
    private static readonly PlainMixture Reference = PlainMixture.Random(dim: 3, components: 3, seed: 11);
    private static readonly OrthogonalTransform Haar = OrthogonalTransform.Haar(3, new Rng(2024));

    private static double[] LibraryLogDensity(LearningTask task, double[][] yTarget, double[][]? yObserved = null)
    {
        using var scope = NewDisposeScope();
        using var target = Reference.ToTarget();
        var yt = tensor(yTarget.SelectMany(r => r).ToArray()).reshape(yTarget.Length, yTarget[0].Length);
        var ys = yObserved is null ? null : tensor(yObserved.SelectMany(r => r).ToArray()).reshape(yObserved.Length, yObserved[0].Length);
        return target.Distribution().LogDensity(task, yt, ys).data<double>().ToArray();
    }

    [Fact]
    public void A_one_dimensional_transformed_marginal_matches_two_dimensional_quadrature_of_the_joint()
    {
        var (nodes, weights) = Simpson.Rule(-Range, Range, 240);
        var points = new[] { -2.5, -0.3, 0.8, 3.1 };
        var task = LearningTask.Marginal(3, [0], Haar);
        var library = LibraryLogDensity(task, points.Select(p => new[] { p }).ToArray());
        for (int n = 0; n < points.Length; n++)
        {
            double integral = 0;
            for (int i = 0; i < nodes.Length; i++)
                for (int j = 0; j < nodes.Length; j++)
                    integral += weights[i] * weights[j] * Reference.DensityInView(Haar, [points[n], nodes[i], nodes[j]]);
            Assert.Equal(Math.Log(integral), library[n], 6);
        }
    }

    [Fact]
    public void A_two_dimensional_transformed_marginal_matches_one_dimensional_quadrature_of_the_joint()
    {
        var (nodes, weights) = Simpson.Rule(-Range, Range, 400);
        var points = new[] { new[] { -1.0, 0.5 }, new[] { 0.7, -2.2 }, new[] { 2.0, 1.5 } };
        var task = LearningTask.Marginal(3, [0, 2], Haar);
        var library = LibraryLogDensity(task, points);
        for (int n = 0; n < points.Length; n++)
        {
            double integral = 0;
            for (int i = 0; i < nodes.Length; i++)
                integral += weights[i] * Reference.DensityInView(Haar, [points[n][0], nodes[i], points[n][1]]);
            Assert.Equal(Math.Log(integral), library[n], 7);
        }
    }

    [Fact]
    public void A_transformed_conditional_with_one_target_coordinate_is_the_joint_over_its_quadrature_marginal()
    {
        var (nodes, weights) = Simpson.Rule(-Range, Range, 400);
        var observed = new[] { new[] { 0.4, -1.1 }, new[] { -2.0, 1.7 } };
        var targets = new[] { new[] { 0.9 }, new[] { -0.6 } };
        var task = LearningTask.Conditional(3, [1, 2], [0], Haar);
        var library = LibraryLogDensity(task, targets, observed);
        for (int n = 0; n < observed.Length; n++)
        {
            double evidence = 0;
            for (int i = 0; i < nodes.Length; i++)
                evidence += weights[i] * Reference.DensityInView(Haar, [nodes[i], observed[n][0], observed[n][1]]);
            double joint = Reference.DensityInView(Haar, [targets[n][0], observed[n][0], observed[n][1]]);
            Assert.Equal(Math.Log(joint / evidence), library[n], 7);
        }
    }

    [Fact]
    public void A_transformed_conditional_with_two_target_coordinates_is_the_joint_over_its_quadrature_marginal()
    {
        var (nodes, weights) = Simpson.Rule(-Range, Range, 240);
        var observed = new[] { new[] { 0.3 }, new[] { -1.9 } };
        var targets = new[] { new[] { 0.5, -0.4 }, new[] { -1.2, 2.0 } };
        var task = LearningTask.Conditional(3, [1], [0, 2], Haar);
        var library = LibraryLogDensity(task, targets, observed);
        for (int n = 0; n < observed.Length; n++)
        {
            double evidence = 0;
            for (int i = 0; i < nodes.Length; i++)
                for (int j = 0; j < nodes.Length; j++)
                    evidence += weights[i] * weights[j] * Reference.DensityInView(Haar, [nodes[i], observed[n][0], nodes[j]]);
            double joint = Reference.DensityInView(Haar, [targets[n][0], observed[n][0], targets[n][1]]);
            Assert.Equal(Math.Log(joint / evidence), library[n], 6);
        }
    }

    [Fact]
    public void Conditional_samples_have_the_mean_and_variance_of_the_quadrature_conditional()
    {
        // Observe y_S halfway between two components' means (in the view), so the posterior mixes them.
        var m0 = Haar.Apply(Reference.Means[0]);
        var m1 = Haar.Apply(Reference.Means[1]);
        double[] yS = [(m0[1] + m1[1]) / 2, (m0[2] + m1[2]) / 2];
        var (nodes, weights) = Simpson.Rule(-Range, Range, 800);
        double z = 0, first = 0, second = 0, fourth = 0;
        var density = nodes.Select(t => Reference.DensityInView(Haar, [t, yS[0], yS[1]])).ToArray();
        for (int i = 0; i < nodes.Length; i++) { z += weights[i] * density[i]; first += weights[i] * density[i] * nodes[i]; }
        double mean = first / z;
        for (int i = 0; i < nodes.Length; i++)
        {
            double c = nodes[i] - mean;
            second += weights[i] * density[i] * c * c;
            fourth += weights[i] * density[i] * c * c * c * c;
        }
        double variance = second / z, centralFourth = fourth / z;

        const int n = 200_000;
        var task = LearningTask.Conditional(3, [1, 2], [0], Haar);
        using var scope = NewDisposeScope();
        using var target = Reference.ToTarget();
        using var generator = new Generator(77);
        var observed = tensor(yS).reshape(1, 2).expand(n, 2).contiguous();
        var samples = target.Distribution().SampleConditional(task, observed, generator).squeeze(1);
        double sampleMean = samples.mean().item<double>();
        double sampleVariance = samples.var().item<double>();
        Assert.True(Math.Abs(sampleMean - mean) < 5 * Math.Sqrt(variance / n), $"mean {sampleMean} vs {mean}");
        double varianceError = Math.Sqrt((centralFourth - variance * variance) / n);
        Assert.True(Math.Abs(sampleVariance - variance) < 5 * varianceError, $"variance {sampleVariance} vs {variance}");
    }

    [Fact]
    public void An_orthogonal_transform_leaves_the_joint_monte_carlo_kl_unchanged_under_common_random_numbers()
    {
        using var p = PlainMixture.Random(3, 3, seed: 5).ToTarget();
        using var q = PlainMixture.Random(3, 4, seed: 6).ToTarget();
        double onX = MonteCarloKl.Reverse(p, q, LearningTask.Joint(3), seed: 99, samples: 4000);
        double onY = MonteCarloKl.Reverse(p, q, new LearningTask(3, [], [0, 1, 2], Haar), seed: 99, samples: 4000);
        Assert.True(onX > 0.1, $"the two random mixtures should differ (KL {onX})");
        Assert.Equal(onX, onY, 9);
    }
}
