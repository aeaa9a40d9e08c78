using System.Globalization;
using BigLearn.Reporting.Contributions;

namespace BigLearn.Reporting.Experiments;

public sealed partial record ExperimentOutcome : IRunOutcome, IContributionRun
{
    /// <inheritdoc />
    public IReadOnlyList<long> EvaluationTasks => Evaluations.Select(e => e.Tasks).ToArray();

    /// <inheritdoc />
    /// <remarks>The §4.1 figures, <see cref="TensorBoardExport.EvaluationTags"/>, point by point.</remarks>
    public IReadOnlyList<EvaluationScalar> EvaluationScalars => Evaluations.SelectMany(e => new EvaluationScalar[]
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
    public ResultTable Table => SweepRow.Table([SweepRow.Of(this, ".")]);

    /// <inheritdoc />
    public IReadOnlyList<string> Sentences => StoppedAgents.Count == 0
        ? ExperimentReport.Sentences(this)
        : [.. ExperimentReport.Sentences(this), $"agents stopped after repeated rejections: {string.Join(", ", StoppedAgents.Select(a => a.ToString(CultureInfo.InvariantCulture)))}"];
}
