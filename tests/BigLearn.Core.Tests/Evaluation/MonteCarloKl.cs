using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;
using BigLearn.Core.Evaluation;

namespace BigLearn.Core.Tests.Evaluation;

/// <summary>An independent Monte-Carlo reverse KL, the reference the estimators and the trainer are checked against.</summary>
internal static class MonteCarloKl
{
    /// <summary>
    /// Monte-Carlo reverse KL[p ‖ q] of a joint or marginal task with <paramref name="samples"/> samples of p
    /// drawn from <paramref name="seed"/> (common random numbers: the same seed gives the same noise, so two
    /// parameter values can be compared without sampling noise in the difference). For a conditional task:
    /// E_{y_S ~ q} KL[p(· | y_S) ‖ q(· | y_S)] with one model sample per observed point.
    /// </summary>
    public static double Reverse(IGaussianMixture p, IGaussianMixture q, LearningTask task, long seed, int samples)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be at least 1");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pd = p.Distribution().Detach();
        var qd = q.Distribution();
        using var generator = new Generator(unchecked((ulong)seed), pd.Means.device);
        if (task.Kind != TaskKind.Conditional)
        {
            var y = TaskProjection.Target(task, TaskProjection.ToTaskDomain(task, pd.Sample(samples, generator).X));
            return (pd.LogDensity(task, y) - qd.LogDensity(task, y)).mean().item<double>();
        }
        var yObserved = TaskProjection.Observed(task, TaskProjection.ToTaskDomain(task, qd.Sample(samples, generator).X));
        var conditional = pd.Conditional(task, yObserved);
        var yTarget = conditional.Sample(generator);
        return (conditional.LogDensity(yTarget) - qd.Conditional(task, yObserved).LogDensity(yTarget)).mean().item<double>();
    }
}
