using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;

namespace BigLearn.Core.Tests.Objectives;

[Collection(TorchCollection.Name)]
public class ForwardKlObjectiveTests
{
    public ForwardKlObjectiveTests() => TorchRuntime.Configure(threads: 1);

    [Fact]
    public void For_one_dimensional_gaussians_the_forward_kl_averages_to_the_closed_form_and_its_gradient()
    {
        double muP = 0.7, sigmaP = 1.3, muQ = -0.4, sigmaQ = 0.8;
        using var target = TargetMixture.Custom([1], [[muQ]], [new double[,] { { sigmaQ * sigmaQ } }]);
        using var model = new GaussianMixtureModel(1, 1, seed: 0);
        model.SetParameterVector([muP, Math.Log(sigmaP), 0]);
        double d2 = (muQ - muP) * (muQ - muP);
        double kl = Math.Log(sigmaP / sigmaQ) + (sigmaQ * sigmaQ + d2) / (2 * sigmaP * sigmaP) - 0.5;
        double dMean = (muP - muQ) / (sigmaP * sigmaP);
        double dLogSigma = 1 - (sigmaQ * sigmaQ + d2) / (sigmaP * sigmaP);

        var averages = EstimatorAverages.Measure(new ForwardKlObjective(), model, target, LearningTask.Joint(1), seeds: 400);
        Assert.True(Math.Abs(averages.Loss - kl) < 4 * averages.LossError, $"loss {averages.Loss} ± {averages.LossError} vs {kl}");
        Assert.True(Math.Abs(averages.Gradient[0] - dMean) < 4 * averages.GradientError[0], $"∂μ {averages.Gradient[0]} vs {dMean}");
        Assert.True(Math.Abs(averages.Gradient[1] - dLogSigma) < 4 * averages.GradientError[1], $"∂logσ {averages.Gradient[1]} vs {dLogSigma}");
    }

    [Fact]
    public void With_the_model_equal_to_the_target_every_task_kind_has_zero_forward_kl()
    {
        using var target = TargetMixture.Grid();
        using var model = new GaussianMixtureModel(2, 25, seed: 1);
        model.CopyFrom(target);
        var haar = OrthogonalTransform.Haar(2, new Rng(6));
        foreach (var task in new[] { LearningTask.Joint(2), LearningTask.Marginal(2, [1], haar), LearningTask.Conditional(2, [0], [1], haar) })
        {
            var averages = EstimatorAverages.Measure(new ForwardKlObjective(), model, target, task, seeds: 3);
            Assert.True(Math.Abs(averages.Loss) < 1e-10, $"{task}: loss {averages.Loss}");
        }
    }
}
