using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Objectives;

/// <summary>Averages of an objective's value and gradient over many seeds, with their standard errors.</summary>
internal sealed record EstimatorAverages(double Loss, double LossError, double[] Gradient, double[] GradientError)
{
    /// <summary>Runs the objective once per seed on the model's current parameters (which it never changes).</summary>
    public static EstimatorAverages Measure(IMixtureObjective objective, GaussianMixtureModel model, IGaussianMixture target, LearningTask task, int seeds)
    {
        var parameters = model.parameters().ToArray();
        var losses = new double[seeds];
        var gradients = new double[seeds][];
        for (int s = 0; s < seeds; s++)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            using var generator = new Generator((ulong)(1000 + s));
            var loss = objective.Loss(model, target, task, generator);
            loss.backward();
            losses[s] = loss.item<double>();
            gradients[s] = parameters.SelectMany(p => p.grad is null ? new double[p.numel()] : p.grad.data<double>().ToArray()).ToArray();
        }
        model.zero_grad();
        int n = gradients[0].Length;
        var meanGradient = Enumerable.Range(0, n).Select(i => gradients.Average(g => g[i])).ToArray();
        var gradientError = Enumerable.Range(0, n).Select(i => StandardError(gradients.Select(g => g[i]).ToArray())).ToArray();
        return new EstimatorAverages(losses.Average(), StandardError(losses), meanGradient, gradientError);
    }

    private static double StandardError(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
    }
}
