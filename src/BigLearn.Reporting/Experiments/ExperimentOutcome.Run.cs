using System.Globalization;
using BigLearn.Reporting.Contributions;

namespace BigLearn.Reporting.Experiments;

public sealed partial record ExperimentOutcome : IRunOutcome, IContributionRun
{
    /// <inheritdoc />
    public IReadOnlyList<long> EvaluationTasks => Evaluations.Select(e => e.Tasks).ToArray();

    /// <inheritdoc />
    /// <remarks>The §4.1 figures, <see cref="TensorBoardExport.EvaluationTags"/>, point by point.</remarks>
    public IReadOnlyList<EvaluationScalar> EvaluationScalars => OnData
        ? Evaluations.SelectMany(e => FiguresAt(e).Select(f => new EvaluationScalar($"evaluation/{f.Name}", e.Tasks, f.Value))).ToArray()
        : Evaluations.SelectMany(e => new EvaluationScalar[]
        {
            new(TensorBoardExport.EvaluationTags[0], e.Tasks, e.ReverseKl),
            new(TensorBoardExport.EvaluationTags[1], e.Tasks, e.ForwardKl),
            new(TensorBoardExport.EvaluationTags[2], e.Tasks, e.HighQualityFraction),
            new(TensorBoardExport.EvaluationTags[3], e.Tasks, e.ModesCovered),
        }).ToArray();

    /// <inheritdoc />
    public double TotalSeconds => WallSeconds;

    /// <inheritdoc />
    public IReadOnlyList<string> Write(string folder) => ExperimentRunWriter.Write(this, folder, configText: null);

    /// <inheritdoc />
    public ResultTable Table => OnData ? FigureRow.Table([FigureRow.Of(this, ".")]) : SweepRow.Table([SweepRow.Of(this, ".")]);

    /// <inheritdoc />
    public IReadOnlyList<RunFigure> Figures => FiguresAt(Final);

    /// <inheritdoc />
    public IReadOnlyList<RunFigure>? InitialFigures => Evaluations.Count > 0 ? FiguresAt(Evaluations[0]) : null;

    /// <summary>The names of <see cref="Figures"/>, in order, for a target with a density.</summary>
    public static IReadOnlyList<string> FigureNames { get; } = ["modes_covered", "high_quality_fraction", "reverse_kl", "forward_kl"];

    /// <summary>The names of <see cref="Figures"/> of a samples target: the held-out NLL, then coverage when the rows are labelled.</summary>
    public static IReadOnlyList<string> DataFigureNames(bool labelled) =>
        labelled ? ["held_out_nll", "modes_covered", "high_quality_fraction"] : ["held_out_nll"];

    private RunFigure[] FiguresAt(EvaluationPoint point) => OnData
        ? [new("held_out_nll", "held-out NLL", point.HeldOutNll),
            .. CountsModes ? (RunFigure[])[new("modes_covered", "modes covered", point.ModesCovered), new("high_quality_fraction", "hq fraction", point.HighQualityFraction)] : []]
        :
        [
            new("modes_covered", "modes covered", point.ModesCovered), new("high_quality_fraction", "hq fraction", point.HighQualityFraction),
            new("reverse_kl", "reverse KL", point.ReverseKl), new("forward_kl", "forward KL", point.ForwardKl),
        ];

    /// <inheritdoc />
    public IReadOnlyList<string> Sentences => StoppedAgents.Count == 0
        ? ExperimentReport.Sentences(this)
        : [.. ExperimentReport.Sentences(this), $"agents stopped after repeated rejections: {string.Join(", ", StoppedAgents.Select(a => a.ToString(CultureInfo.InvariantCulture)))}"];
}
