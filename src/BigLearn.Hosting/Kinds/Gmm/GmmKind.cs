using System.Globalization;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;
using TorchSharp;

namespace BigLearn.Hosting.Kinds.Gmm;

/// <summary>
/// <c>kind = population</c>: a universal Gaussian mixture (closed-form marginals and conditionals) trained by a population
/// of agents (the paper's §4.1; docs/science.md).
/// </summary>
public sealed class GmmKind : IModelKind
{
    /// <summary>The only instance.</summary>
    public static GmmKind Instance { get; } = new();

    private GmmKind() { }

    /// <inheritdoc />
    public string Name => ExperimentConfig.Kind;

    /// <inheritdoc />
    public string Title => "a Gaussian mixture";

    /// <inheritdoc />
    public IExperiment Parse(ConfigSource source) => ExperimentConfig.From(source);
}

/// <summary>One Gaussian-mixture run: the trainer and its evaluation on the model's thread, and the outcome's assembly.</summary>
internal sealed class GmmSession(ExperimentConfig config, torch.Device device) : IExperimentSession, Running.ILivePictures
{
    private static readonly ProgressFigure Modes = new(GmmRunFactory.ModesCovered, "modes covered", v => ((int)v).ToString(CultureInfo.InvariantCulture));

    private static readonly IReadOnlyList<ProgressFigure> Figures = [Modes, new(GmmRunFactory.ReverseKl, "reverse KL", FigureText.ThreeDecimals)];

    private static readonly ProgressFigure Nll = new(GmmRunFactory.HeldOutNll, "held-out NLL", FigureText.ThreeDecimals);

    public ModelRuntime CreateRuntime() => GmmRunFactory.CreateRuntime(config, device);

    // A samples target has no density: the held-out NLL stands for the reverse KL, and modes are counted only with labels.
    public IReadOnlyList<ProgressFigure> ProgressFigures => config.Target switch
    {
        Core.Mixtures.Targets.SamplesTarget { Labelled: true } => [Modes, Nll],
        Core.Mixtures.Targets.SamplesTarget => [Nll],
        _ => Figures,
    };

    public bool SeparateFinalEvaluation => false;

    public void BeforeFinalEvaluation() { }

    public void Enable() { } // drawn from θ, which every evaluation carries

    // The density plot the run folder gets (density-*.png), from the θ of the evaluation; only 2-D models have one.
    public IReadOnlyList<Running.LivePicture> Draw(long tasks, IReadOnlyDictionary<string, double> values)
    {
        var theta = GmmRunFactory.Theta(values);
        if (config.Target.Dimension != 2 || theta.Length == 0 || !values.TryGetValue(GmmRunFactory.ModesCovered, out var covered)) return [];
        var geometry = GmmRunFactory.Geometry(config);
        var png = ExperimentPlots.DensityPng(config.Experiment, geometry, tasks, (int)covered, (int)values.GetValueOrDefault(GmmRunFactory.ModesTotal), theta);
        return [new Running.LivePicture("density", "log-density of p_θ with the target's and the model's contours", tasks, png)];
    }

    public IRunOutcome Outcome(RunRecord record)
    {
        var points = new List<EvaluationPoint> { Point(record.Initial) };
        points.AddRange(record.Evaluations.Select(Point));
        if (record.Final is { } final) points.Add(Point(final));
        var (spec, result) = (config.Population, record.Result);
        var (groups, agents) = (OutcomeRows.Groups(config.Run, result), OutcomeRows.Agents(config.Run, result));
        var geometry = GmmRunFactory.Geometry(config);
        return new ExperimentOutcome(config.Experiment, spec.Seed, spec.BudgetTasks, spec.Mode.ToString().ToLowerInvariant(),
            result.TotalTasks, result.Steps, result.Rejections, record.RejectedSteps, result.Restarts - result.ModelRestarts, result.ModelRestarts,
            groups, agents, points, geometry, Settings(), record.WallSeconds)
        {
            Contributions = record.Contributions,
            StoppedAgents = result.StoppedAgents,
            Adaptation = record.Adaptation,
        };
    }

    // A samples target's evaluation has no KLs (NaN here, absent from every output) but a held-out NLL.
    private static EvaluationPoint Point(EvaluationRecord e) => new(e.TasksRun, e.Version,
        e.Values.GetValueOrDefault(GmmRunFactory.ReverseKl, double.NaN), e.Values.GetValueOrDefault(GmmRunFactory.ForwardKl, double.NaN),
        e.Values[GmmRunFactory.HighQualityFraction], (int)e.Values[GmmRunFactory.ModesCovered], (int)e.Values[GmmRunFactory.ModesTotal],
        e.Seconds, GmmRunFactory.Theta(e.Values))
    {
        HeldOutNll = e.Values.GetValueOrDefault(GmmRunFactory.HeldOutNll, double.NaN),
    };

    private IReadOnlyList<string> Settings()
    {
        var (spec, model, target, evaluation) = (config.Population, config.Model, config.Target, config.Evaluation);
        return
        [
            $"config: {config.Source.Origin}",
            Invariant($"seed {spec.Seed}, budget {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()} scheduling, {spec.Credits} credit(s) per agent"),
            Invariant($"model: {model.Components}-component GMM, SGD lr {model.LearningRate}, {model.ObjectiveText}, {model.SamplesPerStep} samples per step, init means {model.InitMean} + {model.InitSpread}·N(0, I)"),
            target is Core.Mixtures.Targets.GridTarget grid
                ? Invariant($"target: {grid.Size}^{grid.Dim} grid, spacing {grid.Spacing}, variance {grid.Variance}")
                : $"target: {target.Description}",
            Invariant($"evaluation: every {evaluation.Every} tasks, {evaluation.Samples} samples, seed {evaluation.Seed}"),
            Invariant($"device {config.Device.ToString().ToLowerInvariant()}, {config.Threads} libtorch thread(s)"),
        ];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
