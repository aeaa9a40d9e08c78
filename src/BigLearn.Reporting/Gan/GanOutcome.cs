using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Gan;

/// <summary>The generator and discriminator at one point of an adversarial run (a quick check, not the final evaluation).</summary>
/// <param name="Tasks">Tasks done.</param>
/// <param name="Steps">Adversarial steps applied so far (the model version).</param>
/// <param name="ClassifierFid">Classifier FID of joint samples on the quick sample size, or NaN when not measured.</param>
/// <param name="DiscriminatorLoss">The discriminator's loss on the last task before the point.</param>
/// <param name="GeneratorLoss">The generator's loss on the last task before the point.</param>
/// <param name="WallSeconds">Seconds since the run started (timing only).</param>
public sealed record GanPoint(long Tasks, long Steps, double ClassifierFid, double DiscriminatorLoss, double GeneratorLoss, double WallSeconds);

/// <summary>The §4.2 figures of the trained model (defined in docs/science.md, "BigLearn-GAN").</summary>
/// <param name="ClassifierFid">Fréchet distance between classifier features of joint samples and of test images.</param>
/// <param name="FidFloor">The same distance between two sets of real images (what a perfect generator would score).</param>
/// <param name="ClassifierTestAccuracy">The evaluation classifier's accuracy on the unmasked test images.</param>
/// <param name="CompletionAccuracy">Classifier accuracy on completions, by mask (<c>top_half</c>, <c>left_half</c>, <c>random_25</c>).</param>
/// <param name="NoCompletionAccuracy">The same with the unobserved pixels left at the background value.</param>
/// <param name="NearestNeighbourAccuracy">The same with the unobserved part copied from the nearest training image.</param>
/// <param name="Diversity">Mean pairwise distance between completions of one input, by observed ratio.</param>
/// <param name="DataSpread">Mean distance between two random test images.</param>
/// <param name="EvaluatedImages">Test images per completion mask and generated images per FID set.</param>
public sealed record GanFigures(double ClassifierFid, double FidFloor, double ClassifierTestAccuracy,
    IReadOnlyDictionary<string, double> CompletionAccuracy, IReadOnlyDictionary<string, double> NoCompletionAccuracy,
    IReadOnlyDictionary<string, double> NearestNeighbourAccuracy, IReadOnlyDictionary<double, double> Diversity, double DataSpread,
    int EvaluatedImages)
{
    /// <summary>The classifier's mean top-class probability on the FID's joint samples (NaN when not measured).</summary>
    public double SampleConfidence { get; init; } = double.NaN;

    /// <summary>Distinct classes the classifier predicts among those samples (0 when not measured).</summary>
    public int SampleClasses { get; init; }
}

/// <summary>A grid of grey images (row-major pixels in [0, 1], image after image) with optional masks (1 = observed).</summary>
/// <param name="Title">What the grid shows.</param>
/// <param name="FileName">Its PNG's name under <c>plots/</c>.</param>
/// <param name="Rows">Rows of images.</param>
/// <param name="Columns">Images per row.</param>
/// <param name="Height">Pixels per image row.</param>
/// <param name="Width">Pixels per image column.</param>
/// <param name="Pixels">Rows·Columns images.</param>
/// <param name="Masks">One mask per image (same layout), or null: unobserved pixels are tinted where a mask is given.</param>
public sealed record ImageFigure(string Title, string FileName, int Rows, int Columns, int Height, int Width, float[] Pixels, float[]? Masks);

/// <summary>Everything an adversarial (BigLearn-GAN) population run produced, as plain numbers (written by <see cref="GanRunWriter"/>).</summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="DataSet">fashion-mnist or mnist.</param>
/// <param name="Seed">The experiment seed.</param>
/// <param name="Budget">The task budget.</param>
/// <param name="Scheduling">lockstep or free.</param>
/// <param name="Tasks">Tasks run.</param>
/// <param name="Steps">Adversarial steps applied.</param>
/// <param name="NanSteps">Steps not applied because a loss, a gradient or the generator's output was not finite.</param>
/// <param name="RejectedTasks">Tasks with a refused step.</param>
/// <param name="AgentRestarts">Agent actor restarts.</param>
/// <param name="ModelRestarts">Model actor restarts.</param>
/// <param name="Groups">Per group.</param>
/// <param name="Agents">Per agent, by id.</param>
/// <param name="Curve">Quick checks during training (first at 0 tasks).</param>
/// <param name="Final">The final evaluation.</param>
/// <param name="Grids">Image grids to write as PNG.</param>
/// <param name="Settings">Settings lines for the report.</param>
/// <param name="TrainingSeconds">Wall time of the training (timing only).</param>
/// <param name="EvaluationSeconds">Wall time of the final evaluation (timing only).</param>
public sealed partial record GanOutcome(
    string Experiment, string DataSet, long Seed, long Budget, string Scheduling, long Tasks, long Steps, long NanSteps, long RejectedTasks,
    int AgentRestarts, int ModelRestarts, IReadOnlyList<GroupRow> Groups, IReadOnlyList<AgentRow> Agents, IReadOnlyList<GanPoint> Curve,
    GanFigures Final, IReadOnlyList<ImageFigure> Grids, IReadOnlyList<string> Settings, double TrainingSeconds, double EvaluationSeconds)
{
    /// <summary>True when the run was stopped (Ctrl-C, SIGTERM) before its budget; the figures describe the model at that point.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The per-agent contribution ledger, J = completion-fid (null when <c>ledger.every = 0</c>).</summary>
    public ContributionSummary? Contributions { get; init; }

    /// <summary>Share of the planned steps that were not applied.</summary>
    public double NanStepFraction => Steps + NanSteps == 0 ? 0 : (double)NanSteps / (Steps + NanSteps);
}
