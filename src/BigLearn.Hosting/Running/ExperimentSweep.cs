using System.Diagnostics;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Hosting.Running;

/// <summary>A finished sweep: its folder, one run per seed (folders relative to it) and the rows of <c>sweep.json</c>.</summary>
/// <param name="Folder">The committed sweep folder.</param>
/// <param name="Runs">Each seed's run, in order.</param>
/// <param name="Rows">The sweep table of a Gaussian-mixture sweep (empty for other kinds).</param>
public sealed record SweepOutput(string Folder, IReadOnlyList<ExperimentRunOutput> Runs, IReadOnlyList<SweepRow> Rows)
{
    /// <summary>Every seed's summary figures, for any kind.</summary>
    public IReadOnlyList<FigureRow> FigureRows { get; init; } = [];

    /// <summary>Seconds from the first run's start to the sweep's end (less than the runs' sum when replicas ran side by side).</summary>
    public double WallSeconds { get; init; }

    /// <summary>How many seeds ran at the same time (1: one after the other).</summary>
    public int Replicas { get; init; } = 1;
}

/// <summary>
/// The same experiment with several seeds: a folder with <c>seed-&lt;seed&gt;/</c> run folders, plus <c>sweep.json</c> and
/// <c>sweep.md</c>; staged as a whole, so a failure or a cancellation leaves nothing behind. The seeds run one after the other,
/// or, with several replicas, up to that many at the same time in one actor system (<see cref="RunReplicas"/>).
/// </summary>
public static partial class ExperimentSweep
{
    /// <summary>Runs <paramref name="configFor"/>(seed) for every seed into <paramref name="folder"/>.</summary>
    /// <param name="configFor">The validated experiment for a seed (e.g. the file with <c>--set seed=…</c>).</param>
    /// <param name="seeds">The seeds, distinct.</param>
    /// <param name="folder">The sweep folder to create.</param>
    /// <param name="progress">Progress of each seed's run (given the seed's index); several report at once with replicas.</param>
    /// <param name="consoleLog">Where warnings go.</param>
    /// <param name="cancellationToken">Stops the sweep (every replica); nothing is written then.</param>
    /// <param name="replicas">
    /// How many seeds run at the same time (at least 1; more than the seeds is the same as one per seed). 1 runs them one
    /// after the other, each in an actor system of its own. Every seed's outputs are the same either way for a lockstep run.
    /// </param>
    /// <exception cref="ArgumentException">No seed, a repeated seed, or fewer than one replica.</exception>
    public static SweepOutput Run(Func<long, IExperiment> configFor, IReadOnlyList<long> seeds, string folder,
        Func<int, IProgress<RunProgress>?>? progress = null, TextWriter? consoleLog = null, CancellationToken cancellationToken = default,
        int replicas = 1)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is required", nameof(seeds));
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException("seeds must be distinct", nameof(seeds));
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var configs = seeds.Select(configFor).ToArray(); // every seed's config is checked before anything runs
        if (configs.FirstOrDefault(c => !c.Sweeps) is { } single)
            throw new ConfigException($"{single.Run.Source.Origin}: kind = {single.ModelKind.Name} runs one seed at a time (--set seed=N), not as a sweep");
        replicas = Math.Min(replicas, seeds.Count);
        var clock = Stopwatch.StartNew();
        using var staged = StagedFolder.Create(folder);
        var names = seeds.Select(s => $"seed-{s}").ToArray();
        var runs = replicas == 1
            ? RunInTurn(configs, names, staged.StagingPath, progress, consoleLog, cancellationToken)
            : RunReplicas(configs, names, staged.StagingPath, replicas, progress, consoleLog, cancellationToken);
        var figureRows = runs.Select((run, i) => FigureRow.Of(run.Outcome, names[i])).ToArray();
        // A Gaussian-mixture sweep keeps its own table (modes as k / K); any other kind's, and a samples target's (no KLs), is its figures by name.
        var rows = runs.All(r => r.Outcome is ExperimentOutcome { OnData: false })
            ? runs.Select((run, i) => SweepRow.Of((ExperimentOutcome)run.Outcome, names[i])).ToArray()
            : [];
        if (rows.Length > 0) SweepWriter.Write(staged.StagingPath, configs[0].Run.Experiment, rows);
        else FigureSweepWriter.Write(staged.StagingPath, configs[0].Run.Experiment, figureRows);
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return new SweepOutput(staged.FinalPath, runs.Select((run, i) => run with { Folder = Path.Combine(staged.FinalPath, names[i]) }).ToArray(), rows)
        {
            WallSeconds = clock.Elapsed.TotalSeconds,
            Replicas = replicas,
            FigureRows = figureRows,
        };
    }

    // One seed after the other, each in an actor system of its own (what a sweep did before replicas).
    private static ExperimentRunOutput[] RunInTurn(IExperiment[] configs, string[] names, string staging,
        Func<int, IProgress<RunProgress>?>? progress, TextWriter? consoleLog, CancellationToken cancellationToken)
    {
        var runs = new ExperimentRunOutput[configs.Length];
        for (int i = 0; i < configs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sub = Directory.CreateDirectory(Path.Combine(staging, names[i])).FullName;
            runs[i] = ExperimentRun.RunInto(configs[i], sub, progress?.Invoke(i), consoleLog, cancellationToken);
        }
        return runs;
    }
}
