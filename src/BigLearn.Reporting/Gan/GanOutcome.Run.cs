using System.Globalization;
using BigLearn.Reporting.Contributions;

namespace BigLearn.Reporting.Gan;

public sealed partial record GanOutcome : IRunOutcome, IContributionRun
{
    /// <summary>The TensorBoard tags of the quick checks: classifier FID and the two latest losses.</summary>
    public static IReadOnlyList<string> EvaluationTags { get; } = ["evaluation/classifier_fid_quick", "evaluation/discriminator_loss", "evaluation/generator_loss"];

    /// <inheritdoc />
    public IReadOnlyList<long> EvaluationTasks => Curve.Select(p => p.Tasks).ToArray();

    /// <inheritdoc />
    public IReadOnlyList<EvaluationScalar> EvaluationScalars => Curve.SelectMany(p => new EvaluationScalar[]
    {
        new(EvaluationTags[0], p.Tasks, p.ClassifierFid),
        new(EvaluationTags[1], p.Tasks, p.DiscriminatorLoss),
        new(EvaluationTags[2], p.Tasks, p.GeneratorLoss),
    }).ToArray();

    /// <inheritdoc />
    public double TotalSeconds => TrainingSeconds + EvaluationSeconds;

    /// <inheritdoc />
    public IReadOnlyList<string> Write(string folder) => GanRunWriter.Write(this, folder);

    /// <inheritdoc />
    public ResultTable Table => new(["completion accuracy", "model", "no completion", "nearest neighbour"],
        GanRunWriter.CompletionMasks.Select(mask => new[]
        {
            mask, Three(Final.CompletionAccuracy.GetValueOrDefault(mask, double.NaN)),
            Three(Final.NoCompletionAccuracy.GetValueOrDefault(mask, double.NaN)), Three(Final.NearestNeighbourAccuracy.GetValueOrDefault(mask, double.NaN)),
        }).ToArray());

    /// <inheritdoc />
    public IReadOnlyList<string> Sentences =>
    [
        Invariant($"classifier FID {Final.ClassifierFid:0.##} (real vs real {Final.FidFloor:0.##}); {Steps} steps, {NanSteps} not applied as non-finite"),
        Invariant($"samples: the classifier's mean top-class probability {Final.SampleConfidence:0.###}, {Final.SampleClasses} classes among its predictions"),
        "diversity by observed ratio: " + string.Join(", ", Final.Diversity.OrderBy(kv => kv.Key).Select(kv => Invariant($"{kv.Key:0.##} → {kv.Value:0.##}"))) +
            Invariant($" (data spread {Final.DataSpread:0.##})"),
    ];

    /// <inheritdoc />
    public IReadOnlyList<RunFigure> Figures =>
    [
        new("classifier_fid", "classifier FID", Final.ClassifierFid),
        .. GanRunWriter.CompletionMasks.Select(mask => new RunFigure($"completion_{mask}", $"completion, {MaskLabel(mask)}",
            Final.CompletionAccuracy.GetValueOrDefault(mask, double.NaN))),
    ];

    /// <summary>The names of <see cref="Figures"/>, in order.</summary>
    public static IReadOnlyList<string> FigureNames { get; } = ["classifier_fid", .. GanRunWriter.CompletionMasks.Select(m => $"completion_{m}")];

    /// <inheritdoc />
    /// <remarks>Null: a GAN run evaluates FID and completions only at its end (its periodic checks measure a quick FID).</remarks>
    public IReadOnlyList<RunFigure>? InitialFigures => null;

    private static string MaskLabel(string mask) => mask switch
    {
        "top_half" => "top half",
        "left_half" => "left half",
        "random_25" => "25 % of pixels",
        _ => mask,
    };

    private static string Three(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
