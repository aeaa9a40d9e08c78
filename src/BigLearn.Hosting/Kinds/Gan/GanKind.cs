using System.Globalization;
using BigLearn.Core.Images;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;
using BigLearn.Reporting.Gan;
using TorchSharp;

namespace BigLearn.Hosting.Kinds.Gan;

/// <summary>
/// <c>kind = gan</c>: BigLearn-GAN, one mask-conditioned generator and discriminator for generation and completion from any
/// observed part of an image (the paper's §4.2; docs/science.md).
/// </summary>
public sealed class GanKind : IModelKind
{
    /// <summary>The only instance.</summary>
    public static GanKind Instance { get; } = new();

    private GanKind() { }

    /// <inheritdoc />
    public string Name => GanExperimentConfig.Kind;

    /// <inheritdoc />
    public string Title => "a mask-conditioned GAN";

    /// <inheritdoc />
    public IExperiment Parse(ConfigSource source) => GanExperimentConfig.From(source);
}

/// <summary>
/// One adversarial run: the data set and the evaluation classifier are ready before it starts; quick FID checks follow the
/// training and the full evaluation (figures and image grids) runs at the end on the model's thread.
/// </summary>
internal sealed class GanSession(GanExperimentConfig config, ImageDataset data, torch.Device device) : IExperimentSession, Running.ILivePictures
{
    private static readonly IReadOnlyList<ProgressFigure> Figures =
    [
        new(GanEvaluator.QuickFid, "classifier FID", v => double.IsFinite(v) ? v.ToString("0.#", CultureInfo.InvariantCulture) : "–"),
    ];

    private readonly GanEvaluator _evaluator = new(config, data, device);

    public ModelRuntime CreateRuntime() => GanRunFactory.CreateRuntime(config, data, device, _evaluator);

    public IReadOnlyList<ProgressFigure> ProgressFigures => Figures;

    public bool SeparateFinalEvaluation => true;

    public void BeforeFinalEvaluation() => _evaluator.FinalRequested = true;

    public void Enable() => _evaluator.LiveWanted = true;

    // The final evaluation's grids once it has run, else the newest quick check's.
    public IReadOnlyList<Running.LivePicture> Draw(long tasks, IReadOnlyDictionary<string, double> values) =>
        (_evaluator.Final?.Grids ?? _evaluator.LiveGrids ?? []).Select(g => new Running.LivePicture(Path.GetFileNameWithoutExtension(g.FileName), g.Title, tasks,
            Reporting.Images.ImageGridWriter.PngBytes(g.Pixels, g.Height, g.Width, new Reporting.Images.ImageGridOptions { Columns = g.Columns }, g.Masks))).ToArray();

    public IRunOutcome Outcome(RunRecord record)
    {
        var final = _evaluator.Final ?? throw new InvalidOperationException("the model actor answered the final evaluation without figures");
        var curve = new List<GanPoint> { Point(record.Initial with { Seconds = 0 }) };
        curve.AddRange(record.Evaluations.Select(Point));
        var (spec, result) = (config.Population, record.Result);
        var (groups, agents) = (OutcomeRows.Groups(config.Run, result), OutcomeRows.Agents(config.Run, result));
        return new GanOutcome(config.Experiment, config.Data.Set, spec.Seed, spec.BudgetTasks, spec.Mode.ToString().ToLowerInvariant(),
            result.TotalTasks, result.Steps, record.RejectedSteps, result.Rejections, result.Restarts - result.ModelRestarts, result.ModelRestarts,
            groups, agents, curve, final.Figures, final.Grids, Settings(), record.TrainingSeconds, record.WallSeconds - record.TrainingSeconds)
        {
            Interrupted = result.Interrupted,
            Contributions = record.Contributions,
        };
    }

    private static GanPoint Point(EvaluationRecord e) => new(e.TasksRun, e.Version,
        e.Values.GetValueOrDefault(GanEvaluator.QuickFid, double.NaN),
        e.Values.GetValueOrDefault(GanEvaluator.DiscriminatorLoss, double.NaN),
        e.Values.GetValueOrDefault(GanEvaluator.GeneratorLoss, double.NaN), e.Seconds);

    private IReadOnlyList<string> Settings()
    {
        var (spec, gan, evaluation) = (config.Population, config.Gan, config.Evaluation);
        return
        [
            $"config: {config.Source.Origin}",
            Invariant($"data: {config.Data.Set} ({config.Data.Path})"),
            Invariant($"seed {spec.Seed}, budget {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()} scheduling, {spec.Credits} credit(s) per agent"),
            Invariant($"model: mask-conditioned GAN, {gan.Channels} base channels, noise {gan.NoiseDim}, batch {gan.BatchSize}, Adam lr G {gan.GeneratorLearningRate} / D {gan.DiscriminatorLearningRate}, betas ({gan.Beta1}, {gan.Beta2}), R1 γ {gan.R1Gamma} every {gan.R1Interval}, EMA {gan.EmaDecay}"),
            Invariant($"evaluation: {evaluation.Samples} images per figure, {evaluation.DiversityInputs} diversity inputs, quick FID of {evaluation.QuickSamples} samples every {evaluation.Every} tasks, seed {evaluation.Seed}"),
            config.Ledger is { } ledger
                ? Invariant($"ledger: J = {ledger.Objective.Name} of the {(GanRunFactory.JudgedBy(ledger.Objective) == Core.Gan.JudgedGenerator.Trained ? "trained generator" : "generator's moving average")} on {ledger.Objective.Samples} held-out images (seed {ledger.Objective.Seed}), measured {(ledger.Exact ? "on every task" : $"on every {ledger.Every}-th task, credits scaled by {ledger.Every}")}, no alignment audits")
                : "ledger: off (ledger.every = 0)",
            Invariant($"device {config.Device.ToString().ToLowerInvariant()}, {config.Threads} libtorch thread(s)"),
        ];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
