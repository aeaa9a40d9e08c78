using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>Which divergence a Gaussian-mixture run minimises.</summary>
public enum ObjectiveKind
{
    /// <summary>KL[p_θ ‖ q] with reparameterised model samples (the paper's simulations).</summary>
    ReverseKl,
    /// <summary>KL[q ‖ p_θ], i.e. maximum likelihood on target samples.</summary>
    ForwardKl,
}

/// <summary>
/// A training loss for one task: a scalar tensor whose gradient reaches the model's parameters. Every random
/// number comes from the caller's generator, so the same generator state gives the same loss.
/// </summary>
public interface IMixtureObjective
{
    /// <summary>Which divergence this is.</summary>
    ObjectiveKind Kind { get; }

    /// <summary>Monte-Carlo samples drawn per call.</summary>
    int SamplesPerStep { get; }

    /// <summary>The loss of <paramref name="model"/> against <paramref name="target"/> on <paramref name="task"/>.</summary>
    Tensor Loss(IGaussianMixture model, IGaussianMixture target, LearningTask task, Generator generator);
}

/// <summary>Builds objectives by kind.</summary>
public static class MixtureObjectives
{
    /// <summary>The objective of <paramref name="kind"/> with <paramref name="samplesPerStep"/> samples per call (default 100).</summary>
    public static IMixtureObjective Create(ObjectiveKind kind, int samplesPerStep = 100) => kind switch
    {
        ObjectiveKind.ReverseKl => new ReverseKlObjective(samplesPerStep),
        ObjectiveKind.ForwardKl => new ForwardKlObjective(samplesPerStep),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "objective must be ReverseKl or ForwardKl"),
    };

    internal static void CheckCompatible(IGaussianMixture model, IGaussianMixture target, LearningTask task)
    {
        if (model.Dim != target.Dim) throw new ArgumentException($"model is {model.Dim}-dimensional, target is {target.Dim}-dimensional");
        if (task.Dim != model.Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the model is {model.Dim}-dimensional", nameof(task));
    }

    internal static int CheckSamples(int samplesPerStep) =>
        samplesPerStep >= 1 ? samplesPerStep : throw new ArgumentOutOfRangeException(nameof(samplesPerStep), samplesPerStep, "samples per step must be at least 1");
}
