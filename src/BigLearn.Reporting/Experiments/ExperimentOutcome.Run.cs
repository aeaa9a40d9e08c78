using System.Globalization;

namespace BigLearn.Reporting.Experiments;

public sealed partial record ExperimentOutcome : IRunOutcome
{
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
