using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Hosting.Running;

/// <summary>A finished sweep: its folder, one run per seed (folders relative to it) and the rows of <c>sweep.json</c>.</summary>
/// <param name="Folder">The committed sweep folder.</param>
/// <param name="Runs">Each seed's run, in order.</param>
/// <param name="Rows">The sweep table.</param>
public sealed record SweepOutput(string Folder, IReadOnlyList<ExperimentRunOutput> Runs, IReadOnlyList<SweepRow> Rows);

/// <summary>
/// The same experiment with several seeds, one after the other: a folder with <c>seed-&lt;seed&gt;/</c> run folders, plus
/// <c>sweep.json</c> and <c>sweep.md</c>; staged as a whole, so a failure leaves nothing behind.
/// </summary>
public static class ExperimentSweep
{
    /// <summary>Runs <paramref name="configFor"/>(seed) for every seed into <paramref name="folder"/>.</summary>
    /// <param name="configFor">The validated experiment for a seed (e.g. the file with <c>--set seed=…</c>).</param>
    /// <param name="seeds">The seeds, distinct.</param>
    /// <param name="folder">The sweep folder to create.</param>
    /// <param name="progress">Progress of each seed's run (given the seed's index).</param>
    /// <param name="consoleLog">Where warnings go.</param>
    /// <param name="cancellationToken">Stops the sweep; nothing is written then.</param>
    public static SweepOutput Run(Func<long, IExperiment> configFor, IReadOnlyList<long> seeds, string folder,
        Func<int, IProgress<RunProgress>?>? progress = null, TextWriter? consoleLog = null, CancellationToken cancellationToken = default)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is required", nameof(seeds));
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException("seeds must be distinct", nameof(seeds));
        var configs = seeds.Select(configFor).ToArray(); // every seed's config is checked before anything runs
        if (configs.FirstOrDefault(c => !c.Sweeps) is { } single)
            throw new ConfigException($"{single.Run.Source.Origin}: kind = {single.ModelKind.Name} runs one seed at a time (--set seed=N), not as a sweep");
        using var staged = StagedFolder.Create(folder);
        var runs = new List<ExperimentRunOutput>();
        var rows = new List<SweepRow>();
        for (int i = 0; i < seeds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = $"seed-{seeds[i]}";
            var sub = Directory.CreateDirectory(Path.Combine(staged.StagingPath, name)).FullName;
            var run = ExperimentRun.RunInto(configs[i], sub, progress?.Invoke(i), consoleLog, cancellationToken);
            runs.Add(run with { Folder = Path.Combine(staged.FinalPath, name) });
            rows.Add(SweepRow.Of((ExperimentOutcome)run.Outcome, name));
        }
        SweepWriter.Write(staged.StagingPath, configs[0].Run.Experiment, rows);
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return new SweepOutput(staged.FinalPath, runs, rows);
    }
}
