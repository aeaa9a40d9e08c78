using BigLearn.Core;
using BigLearn.Core.Gan;
using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using BigLearn.Core.Training;
using TorchSharp;

namespace BigLearn.Hosting.Kinds.Gan;

/// <summary>
/// Builds what the model actor runs for an adversarial experiment: the <see cref="GanTrainer"/> (created by the factory on
/// the model's pinned thread, so every TorchSharp object lives there) and the evaluation classifier (trained once per data
/// set and seed, then read from its cache).
/// </summary>
public static class GanRunFactory
{
    /// <summary>
    /// A fresh trainer for <paramref name="config"/> on the training images, with <paramref name="evaluator"/>'s evaluation and, when
    /// the run keeps a ledger, its J (<see cref="CreateObjective"/>).
    /// </summary>
    internal static ModelRuntime CreateRuntime(GanExperimentConfig config, ImageDataset data, torch.Device device, GanEvaluator evaluator)
    {
        var trainer = new GanTrainer(data.Train, config.Gan, config.Population.Seed, device);
        if (config.Ledger is { } ledger)
            trainer.UseContributionObjective(CreateObjective(config, data, ledger.Objective), JudgedBy(ledger.Objective));
        return new ModelRuntime(trainer, () => evaluator.Evaluate(trainer));
    }

    /// <summary>The generator an objective judges: the trained one for <c>completion-fid-trained</c>, else the moving average.</summary>
    public static JudgedGenerator JudgedBy(Core.Evaluation.Contributions.ContributionObjectiveSettings settings) =>
        settings.Kind == Core.Evaluation.Contributions.ContributionObjectiveKind.CompletionFidTrained ? JudgedGenerator.Trained : JudgedGenerator.Average;

    /// <summary>
    /// The ledger's J of a run: completion-fid on <paramref name="settings"/>' number of the run's held-out test images, drawn from
    /// its seed, scored by the evaluation classifier (read from its cache; trained there before the run if missing).
    /// </summary>
    public static CompletionObjective CreateObjective(GanExperimentConfig config, ImageDataset data, Core.Evaluation.Contributions.ContributionObjectiveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        var classifier = FeatureClassifier.LoadOrTrain(data, config.Evaluation.ClassifierCache, ClassifierSeed, config.Evaluation.ClassifierTraining(data.Train.Count));
        try
        {
            return new CompletionObjective(data.Test, classifier, settings.Samples, settings.Seed);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains the evaluation classifier if its cache has none for this data set and seed (a minute or two on CPU), before
    /// the training starts; the model actor later loads it from the cache.
    /// </summary>
    public static void PrepareClassifier(GanExperimentConfig config, ImageDataset data)
    {
        using var classifier = FeatureClassifier.LoadOrTrain(data, config.Evaluation.ClassifierCache, ClassifierSeed,
            config.Evaluation.ClassifierTraining(data.Train.Count));
    }

    /// <summary>The classifier's seed: fixed, so every run on a data set (whatever its own seed) is scored by the same classifier.</summary>
    public const long ClassifierSeed = 20240701;
}
