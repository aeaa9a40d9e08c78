using BigLearn.Core.Landscapes;

namespace BigLearn.Reporting.Landscapes;

/// <summary>What a landscape run wrote, and its headline.</summary>
/// <param name="Folder">The run folder (committed).</param>
/// <param name="Files">Paths relative to <paramref name="Folder"/>, in writing order.</param>
/// <param name="Summary">Minima of the joint and the sums, with findings.</param>
public sealed record LandscapeRunOutput(string Folder, IReadOnlyList<string> Files, LandscapeSummary Summary);

/// <summary>
/// Writes a landscape run folder all at once (see <see cref="StagedFolder"/>): <c>config.conf</c>, <c>landscape.csv</c>,
/// <c>plots/*.png</c> and <c>report.md</c>.
/// </summary>
public static class LandscapeRunWriter
{
    /// <summary>The heatmaps' sub-folder.</summary>
    public const string PlotsFolder = "plots";

    /// <summary>Writes every output of <paramref name="result"/> into <paramref name="folder"/>, which must not exist yet.</summary>
    /// <param name="result">The computed landscapes.</param>
    /// <param name="folder">The run folder to create.</param>
    /// <param name="experiment">The experiment's name, for the report.</param>
    /// <param name="configText">The resolved configuration, written as <c>config.conf</c> (skipped when null).</param>
    /// <param name="notes">Extra settings lines for the report.</param>
    /// <param name="progress">Fraction of the heatmaps drawn.</param>
    /// <param name="cancellationToken">Cancels before the rename; nothing is left behind.</param>
    public static LandscapeRunOutput Write(LandscapeResult result, string folder, string experiment, string? configText,
        IReadOnlyList<string>? notes = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using var staged = StagedFolder.Create(folder);
        var files = new List<string>();
        if (configText is not null)
        {
            File.WriteAllText(Path.Combine(staged.StagingPath, "config.conf"), configText);
            files.Add("config.conf");
        }
        LandscapeCsvWriter.Write(result, Path.Combine(staged.StagingPath, "landscape.csv"));
        files.Add("landscape.csv");
        var plots = LandscapeHeatmaps.WriteAll(result, Path.Combine(staged.StagingPath, PlotsFolder), progress, cancellationToken);
        files.AddRange(plots.Select(p => $"{PlotsFolder}/{p}"));
        LandscapeReport.Write(result, Path.Combine(staged.StagingPath, "report.md"), experiment, PlotsFolder, notes);
        files.Add("report.md");
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return new LandscapeRunOutput(staged.FinalPath, files, LandscapeSummary.Of(result));
    }
}
