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
    /// <summary>A fresh trainer for <paramref name="config"/> on the training images, with <paramref name="evaluator"/>'s evaluation.</summary>
    internal static ModelRuntime CreateRuntime(GanExperimentConfig config, ImageSet train, torch.Device device, GanEvaluator evaluator)
    {
        var trainer = new GanTrainer(train, config.Gan, config.Population.Seed, device);
        return new ModelRuntime(trainer, () => evaluator.Evaluate(trainer));
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
