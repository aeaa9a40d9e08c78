using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>
/// Forward KL / maximum likelihood for every task kind: with x ~ q and y = A·x,
/// loss = mean_i [log q(y_i,T | y_i,S) − log p_θ(y_i,T | y_i,S)] (no S: the marginal densities).
/// The log q term is a constant for θ: it does not change the gradient of −E_q log p_θ, but makes the value a
/// Monte-Carlo estimate of KL[q ‖ p_θ] (≥ 0 in expectation, 0 at the optimum) that reads like the reverse KL.
/// </summary>
public sealed class ForwardKlObjective : IMixtureObjective
{
    /// <summary>An objective drawing <paramref name="samplesPerStep"/> target samples per call.</summary>
    public ForwardKlObjective(int samplesPerStep = 100) => SamplesPerStep = MixtureObjectives.CheckSamples(samplesPerStep);

    /// <inheritdoc />
    public ObjectiveKind Kind => ObjectiveKind.ForwardKl;

    /// <inheritdoc />
    public int SamplesPerStep { get; }

    /// <inheritdoc />
    public Tensor Loss(IGaussianMixture model, IGaussianMixture target, LearningTask task, Generator generator)
    {
        MixtureObjectives.CheckCompatible(model, target, task);
        var q = target.Distribution().Detach();
        var y = TaskProjection.ToTaskDomain(task, q.Sample(SamplesPerStep, generator).X);
        var yTarget = TaskProjection.AddNoise(task, TaskProjection.Target(task, y), generator);
        var yObserved = task.Kind == TaskKind.Conditional ? TaskProjection.Observed(task, y) : null;
        var logModel = model.Distribution().LogDensity(task, yTarget, yObserved);
        var logTarget = q.LogDensity(task, yTarget, yObserved);
        return (logTarget - logModel).mean();
    }
}
