using BigLearn.Core;
using BigLearn.Core.Evaluation;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Mixtures.Targets;
using BigLearn.Core.Objectives;
using BigLearn.Core.Training;
using TorchSharp;

namespace BigLearn.Hosting.Kinds.Gmm;

/// <summary>
/// Builds what the model actor runs for a Gaussian-mixture experiment: the <see cref="GmmTrainer"/> (created by the
/// factory on the model's pinned thread, so every TorchSharp object lives there) and the evaluator, whose figures
/// travel as named numbers: the §4.1 scores plus the parameter vector as <c>theta.0</c>, <c>theta.1</c>, … (for plots).
/// </summary>
public static class GmmRunFactory
{
    /// <summary>Name of the reverse KL in an evaluation's values.</summary>
    public const string ReverseKl = "reverse_kl";

    /// <summary>Name of the forward KL.</summary>
    public const string ForwardKl = "forward_kl";

    /// <summary>Name of the high-quality fraction.</summary>
    public const string HighQualityFraction = "high_quality_fraction";

    /// <summary>Name of the number of modes covered.</summary>
    public const string ModesCovered = "modes_covered";

    /// <summary>Name of the number of target modes.</summary>
    public const string ModesTotal = "modes_total";

    /// <summary>Name of the held-out negative log-likelihood (samples targets only; they have no KLs).</summary>
    public const string HeldOutNll = "held_out_nll";

    /// <summary>Prefix of the parameter vector's entries.</summary>
    public const string ThetaPrefix = "theta.";

    /// <summary>A fresh trainer for <paramref name="config"/> (initial means from the experiment seed) on <paramref name="device"/>, with its evaluation.</summary>
    public static ModelRuntime CreateRuntime(ExperimentConfig config, torch.Device device)
    {
        var trainer = CreateTrainer(config, device);
        return new ModelRuntime(trainer, () => Evaluate(config, trainer));
    }

    /// <summary>A fresh trainer: the §4.1 model, the configured target, SGD with the configured objective.</summary>
    public static GmmTrainer CreateTrainer(ExperimentConfig config, torch.Device device)
    {
        var (model, target) = (config.Model, config.Target);
        var mixture = new GaussianMixtureModel(target.Dimension, model.Components, config.Population.Seed, learnableWeights: false,
            model.InitMean, model.InitSpread, device);
        var grid = target.Create(device);
        if (target is SamplesTarget data) return CreateDataTrainer(config, data, mixture, grid, device);
        var trainer = new GmmTrainer(mixture, grid, model.Objective, model.LearningRate, model.SamplesPerStep)
        {
            ConditionalGradientClip = model.ConditionalGradientClip,
            ConditionalObjective = MixtureObjectives.Create(model.ConditionalObjective, model.SamplesPerStep),
        };
        if (config.Ledger is { } ledger) trainer.UseContributionObjective(ledger.Objective);
        return trainer;
    }

    // A samples target: every task kind draws rows of the training split (forward KL on data); the trainer's target mixture is
    // the clusters' Gaussian summary, which only the dimension checks and the coverage geometry read.
    private static GmmTrainer CreateDataTrainer(ExperimentConfig config, SamplesTarget data, GaussianMixtureModel mixture, TargetMixture clusters, torch.Device device)
    {
        var model = config.Model;
        var objective = new SampleLikelihoodObjective(data.TrainingRows(), data.Dimension, model.SamplesPerStep, device);
        var trainer = new GmmTrainer(mixture, clusters, objective, model.LearningRate) { ConditionalGradientClip = model.ConditionalGradientClip };
        if (config.Ledger is { } ledger) trainer.UseContributionObjective(new ContributionObjective(ledger.Objective, data.TrainingRows(), data.Dimension));
        return trainer;
    }

    /// <summary>The evaluation: <see cref="MixtureEvaluation.Evaluate"/> with the configured samples and seed, and θ.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(ExperimentConfig config, GmmTrainer trainer)
    {
        if (config.Target is SamplesTarget data) return EvaluateOnData(config, data, trainer);
        var score = MixtureEvaluation.Evaluate(trainer.Model, trainer.Target, config.Evaluation.Seed, config.Evaluation.Samples);
        var values = new Dictionary<string, double>
        {
            [ReverseKl] = score.ReverseKl,
            [ForwardKl] = score.ForwardKl,
            [HighQualityFraction] = score.HighQualityFraction,
            [ModesCovered] = score.ModesCovered,
            [ModesTotal] = score.ModeCount,
        };
        return WithTheta(values, trainer);
    }

    // Held-out NLL, and coverage of the labelled clusters; no KL (no density is known).
    private static IReadOnlyDictionary<string, double> EvaluateOnData(ExperimentConfig config, SamplesTarget data, GmmTrainer trainer)
    {
        var score = MixtureEvaluation.EvaluateOnData(trainer.Model, data.HeldOutRows(), data.Labelled ? trainer.Target : null,
            config.Evaluation.Seed, config.Evaluation.Samples);
        var values = new Dictionary<string, double>
        {
            [HeldOutNll] = score.HeldOutNll,
            [HighQualityFraction] = score.HighQualityFraction,
            [ModesCovered] = score.ModesCovered,
            [ModesTotal] = score.ModeCount,
        };
        return WithTheta(values, trainer);
    }

    // θ rides along with the figures, so the plots and a resumed run's curves can be drawn from the evaluations alone.
    private static Dictionary<string, double> WithTheta(Dictionary<string, double> values, GmmTrainer trainer)
    {
        var theta = trainer.Model.GetParameterVector();
        for (int i = 0; i < theta.Length; i++) values[ThetaPrefix + i] = theta[i];
        return values;
    }

    /// <summary>The parameter vector carried by an evaluation's values.</summary>
    public static double[] Theta(IReadOnlyDictionary<string, double> values)
    {
        var theta = new List<double>();
        while (values.TryGetValue(ThetaPrefix + theta.Count, out var v)) theta.Add(v);
        return theta.ToArray();
    }

    /// <summary>The geometry the plots draw: the target's means and a typical component variance.</summary>
    public static Reporting.Experiments.MixtureGeometry Geometry(ExperimentConfig config)
    {
        // The trainer's target is built from these same parameters: no mixture (and no tensors) is needed to draw it.
        var (weights, means, covariances) = config.Target.Parameters();
        return new(config.Target.Dimension, config.Model.Components, means, config.Target.TypicalVariance())
        {
            TargetWeights = weights,
            TargetCovariances = covariances,
            // A data set is drawn as its points (at most 2,000 training rows, evenly spaced), not as Gaussians it does not have.
            DataPoints = config.Target is SamplesTarget data ? Thin(data.Split().Training.Select(i => data.Rows[i]).ToArray(), 2000) : null,
            Labelled = config.Target is SamplesTarget { Labelled: true },
        };
    }

    private static double[][] Thin(double[][] rows, int most) =>
        rows.Length <= most ? rows : Enumerable.Range(0, most).Select(i => rows[(int)((long)i * rows.Length / most)]).ToArray();
}
