using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>Where a run writes and what it continues from.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="ConfigText">The resolved configuration (saved in every checkpoint).</param>
/// <param name="ConfigOrigin">The config file's name as the user gave it.</param>
/// <param name="Restore">The checkpoint to continue from, or null for a fresh run.</param>
internal sealed record RunContext(string Folder, string ConfigText, string ConfigOrigin, LoadedCheckpoint? Restore)
{
    /// <summary>The actor system the run shares with other runs (a cluster node's, a replica sweep's), or null for a system of its own.</summary>
    public SharedActorSystem? Shared { get; init; }

    /// <summary>The cluster the run's agents are placed on (its <see cref="Shared"/> system is the node's), or null.</summary>
    public Cluster.ClusterRunHost? Cluster { get; init; }

    /// <summary>A read-only listener of the run (the dashboard), or null.</summary>
    public IRunTap? Tap { get; init; }

    /// <summary>The run as the tap saw it when it attached (set by the pipeline), for <see cref="IRunTap.Detach"/>.</summary>
    public TappedRun? Tapped { get; set; }
}

public static partial class ExperimentRun
{
    private static readonly TimeSpan InterruptTimeout = TimeSpan.FromMinutes(2);
    private static readonly ConditionalWeakTable<ActorSystem, TaskCompletionSource> Gathered = new();

    // Signals are handled by the host (the CLI turns SIGINT/SIGTERM into the cancellation token), not by Akka's own CLR
    // hook; the phase that takes the final checkpoint gets time for the task in progress, an evaluation and the writing.
    internal static Config ShutdownConfig => ConfigurationFactory.ParseString("""
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.phases.before-service-unbind.timeout = 150 s
        """);

    /// <summary>
    /// Continues the run in <paramref name="folder"/> from its newest intact checkpoint to its budget, then writes its outputs
    /// as <see cref="Run"/> would have (in lockstep the same <c>summary.json</c> apart from timings as an uninterrupted run).
    /// </summary>
    /// <param name="folder">A run folder written by <see cref="Run"/> that has not reached its budget.</param>
    /// <param name="progress">Progress of the run.</param>
    /// <param name="consoleLog">Where warnings go (stderr when null).</param>
    /// <param name="warn">Told (one line each) about every damaged checkpoint that was skipped.</param>
    /// <param name="cancellationToken">Interrupts the run again (a new final checkpoint is written).</param>
    /// <param name="stage">Told the name of each stage the kind goes through before and after the training.</param>
    /// <exception cref="RunFolderException">Not a run folder, already complete, or no intact checkpoint.</exception>
    /// <param name="cluster">Run the population on this cluster (the model here, the agents sharded) instead of in an actor system of its own.</param>
    /// <param name="tap">A read-only listener of the run (the dashboard), or null.</param>
    public static ExperimentRunOutput Resume(string folder, IProgress<RunProgress>? progress = null, TextWriter? consoleLog = null,
        Action<string>? warn = null, CancellationToken cancellationToken = default, Action<string>? stage = null, Cluster.ClusterRunHost? cluster = null,
        IRunTap? tap = null)
    {
        if (File.Exists(folder) || !Directory.Exists(folder)) throw new RunFolderException($"{folder}: no such run folder");
        var configFile = Path.Combine(folder, "config.conf");
        if (!File.Exists(configFile))
        {
            // A run that has just taken its folder holds the lock before it writes config.conf: name the holder, not a wrong folder.
            if (File.Exists(Path.Combine(folder, RunFolderLock.FileName))) RunFolder.Open(folder).Dispose();
            throw new RunFolderException($"{folder}: not a run folder (no config.conf; biglearn run writes one into every run folder)");
        }
        using var run = RunFolder.Open(folder); // held until the resumed run has written its outputs
        if (!run.Incomplete)
            throw new RunFolderException(File.Exists(Path.Combine(folder, "summary.json"))
                ? $"{folder}: the run is already complete (no {RunFolder.IncompleteMarker} marker); nothing to resume"
                : $"{folder}: not a run folder (neither an {RunFolder.IncompleteMarker} marker nor a summary.json; give a folder written by biglearn run)");
        if (CheckpointStore.List(run.Path).Count == 0) throw new RunFolderException(NoCheckpoint(folder, configFile));
        var loaded = CheckpointStore.LoadNewest(run.Path, warn ?? (_ => { }));
        var experiment = ModelKinds.Parse(ConfigSource.Parse(loaded.ConfigText, loaded.Manifest.ConfigOrigin));
        var settings = experiment.Run;
        if (settings.Population.BudgetTasks != loaded.State.Budget || settings.Population.Seed != loaded.State.Seed)
            throw new RunFolderException($"{loaded.Path}: the saved configuration does not match the saved state (budget or seed differ)");
        var device = ConfigureTorch(settings);
        var session = experiment.Open(device, stage);
        return Continue(experiment, session, device, loaded.ConfigText, run, loaded, progress, stage, consoleLog, cancellationToken, cluster, tap);
    }

    // Why an incomplete run folder has no checkpoint, from its own config: a kind that keeps none, checkpoints only at the
    // end, or a run stopped before its first one. Each says how to start it again.
    private static string NoCheckpoint(string folder, string configFile)
    {
        string again = $"start it again with: biglearn run {configFile} --out NEW_FOLDER";
        IExperiment experiment;
        try
        {
            experiment = ModelKinds.Parse(ConfigSource.Parse(File.ReadAllText(configFile), configFile));
        }
        catch (ConfigException)
        {
            return $"{folder}: no checkpoint in {CheckpointStore.FolderName}/ (nothing to resume); {again}";
        }
        if (!experiment.Checkpoints)
            return $"{folder}: kind = {experiment.ModelKind.Name} runs keep no checkpoints, so this run cannot be resumed; {again}";
        var every = experiment.Run.Checkpoint.Every;
        return every == 0
            ? $"{folder}: no checkpoint (checkpoint.every = 0 saves one only at the end or on Ctrl+C/SIGTERM, and this run was killed); {again}"
            : $"{folder}: no checkpoint yet (the run stopped before its first, due after {every} tasks); {again}";
    }

    private static ExperimentRunOutput Continue(IExperiment experiment, IExperimentSession session, TorchSharp.torch.Device device, string configText, RunFolder run,
        LoadedCheckpoint? restore, IProgress<RunProgress>? progress, Action<string>? stage, TextWriter? consoleLog, CancellationToken cancellationToken,
        Cluster.ClusterRunHost? cluster, IRunTap? tap)
    {
        var settings = experiment.Run;
        var context = new RunContext(run.Path, configText, restore?.Manifest.ConfigOrigin ?? settings.Source.Origin, restore)
        {
            Cluster = cluster,
            Shared = cluster?.Shared,
            Tap = tap,
        };
        try
        {
            var output = Write(experiment, session, device, run, context, progress, stage, consoleLog, cancellationToken);
            if (context.Tapped is { } tapped) tap!.Detach(tapped, output, null);
            return output;
        }
        catch (Exception e)
        {
            if (context.Tapped is { } tapped) tap!.Detach(tapped, null, e.Message.ReplaceLineEndings(" "));
            throw;
        }
    }

    private static ExperimentRunOutput Write(IExperiment experiment, IExperimentSession session, TorchSharp.torch.Device device, RunFolder run,
        RunContext context, IProgress<RunProgress>? progress, Action<string>? stage, TextWriter? consoleLog, CancellationToken cancellationToken)
    {
        var settings = experiment.Run;
        var cluster = context.Cluster;
        (IRunOutcome Outcome, bool Interrupted) result;
        using (AttachLog(context.Shared, Path.Combine(run.Path, "log.jsonl"), settings.FileLogLevel, consoleLog))
            result = Execute(experiment, session, context, progress, stage, cancellationToken);
        stage?.Invoke("writing the run folder");
        // Stamped in the scratch folder, so summary.json and report.md are published once, provenance included.
        var files = run.Publish(scratch =>
        {
            var written = result.Outcome.Write(scratch).ToList();
            Provenance.Stamp(scratch, Provenance.Current(device.ToString()));
            if (cluster is not null) written.Add(cluster.Stamp(scratch));
            return written;
        }).ToList();
        files.Insert(0, "config.conf");
        files.Add("log.jsonl");
        // A kind without checkpoints cannot be resumed: its folder is final even when the run was interrupted.
        if (!result.Interrupted || !experiment.Checkpoints) run.MarkComplete();
        return new ExperimentRunOutput(run.Path, files, result.Outcome) { Interrupted = result.Interrupted };
    }

    /// <summary>Hands every section its saved content before the observer starts (the run's state must be whole to continue).</summary>
    /// <exception cref="RunFolderException">A section is missing from the checkpoint or cannot be restored.</exception>
    private static void RestoreSections(IReadOnlyList<ICheckpointSection> sections, LoadedCheckpoint restore)
    {
        foreach (var section in sections)
        {
            if (restore.State.Sections is null || !restore.State.Sections.TryGetValue(section.Name, out var saved))
                throw new RunFolderException($"{restore.Path}: the checkpoint has no \"{section.Name}\" section, which this run needs to continue exactly");
            try
            {
                section.Restore(saved);
            }
            catch (InvalidDataException e)
            {
                throw new RunFolderException($"{restore.Path}: the checkpoint's \"{section.Name}\" section cannot be restored ({e.Message})");
            }
        }
    }

    private static ObserverStart? ObserverStartOf(RunCheckpoint? saved) =>
        saved is null ? null : new ObserverStart(saved.TasksDone, saved.RejectedSteps, saved.EvaluationSeconds, saved.WallSeconds);

    /// <summary>
    /// Starts the run and waits for its end. The cancellation token runs Akka's CoordinatedShutdown, whose first phase
    /// interrupts the population (final checkpoint at the next quiescent point, then the result of the tasks done) and holds
    /// the actor system until the caller has gathered the results (<see cref="ResultsGathered"/>).
    /// </summary>
    internal static RunCompleted RunUntilDoneOrInterrupted(ActorSystem system, IActorRef supervisor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gathered = Gathered.GetValue(system, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "biglearn-final-checkpoint", async () =>
        {
            if (!ended.Task.IsCompleted)
            {
                try
                {
                    await supervisor.Ask<RunCompleted>(new Interrupt("stop requested"), InterruptTimeout);
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    // The run's own wait reports what went wrong; the shutdown goes on.
                }
                await Task.WhenAny(gathered.Task, Task.Delay(InterruptTimeout));
            }
            return Done.Instance;
        });
        var answer = supervisor.Ask<RunCompleted>(StartRun.Instance, timeout); // sent before any interrupt can be
        using (cancellationToken.Register(() => shutdown.Run(StopRequested.Instance)))
        {
            try
            {
                return answer.GetAwaiter().GetResult();
            }
            finally
            {
                ended.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Starts the run on an actor system the run does not own (a cluster node's, a replica sweep's) and waits for its end; the cancellation token
    /// interrupts the population (final checkpoint at the next quiescent point, then the result of the tasks done).
    /// </summary>
    private static RunCompleted RunOnSharedSystem(IActorRef supervisor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = supervisor.Ask<RunCompleted>(StartRun.Instance, timeout);
        using (cancellationToken.Register(() => supervisor.Tell(new Interrupt("stop requested"))))
            return answer.GetAwaiter().GetResult();
    }

    internal static void ResultsGathered(ActorSystem system)
    {
        if (Gathered.TryGetValue(system, out var gathered)) gathered.TrySetResult();
    }

    private sealed class StopRequested : CoordinatedShutdown.Reason
    {
        public static StopRequested Instance { get; } = new();

        /// <summary>Not used: the shutdown never exits the process (the host sets the exit code).</summary>
        public override int ExitCode => 130;
    }

    /// <summary>Writes the bundles the observer hands over (on its thread), with the run-level figures added.</summary>
    private sealed class CheckpointSink(RunSettings config, RunContext context, Stopwatch clock)
    {
        private readonly double _offset = context.Restore?.State.WallSeconds ?? 0;

        /// <summary>The untrained model's evaluation (set before the run starts).</summary>
        public EvaluationRecord? Initial { get; set; }

        /// <summary>Named extension sections saved with every checkpoint (the contribution ledger when it is on).</summary>
        public IReadOnlyList<ICheckpointSection> Sections { get; init; } = [];

        public void Write(CheckpointTaken taken, RunObserver.ObserverRecord record)
        {
            var spec = config.Population;
            var state = new RunCheckpoint(RunCheckpoint.CurrentFormat, config.Experiment, spec.Seed, spec.BudgetTasks, taken.Checkpoint,
                Initial ?? throw new InvalidOperationException("a checkpoint arrived before the initial evaluation"), record.RejectedSteps,
                new Dictionary<long, double>(record.EvaluationSeconds), _offset + clock.Elapsed.TotalSeconds,
                Sections.ToDictionary(s => s.Name, s => s.Capture()));
            var written = CheckpointStore.Write(context.Folder, state, context.ConfigText, context.ConfigOrigin, config.Checkpoint.Keep);
            var log = context.Shared is { } shared ? Serilog.Log.ForContext(RunLogFiles.RunProperty, shared.ActorPrefix) : Serilog.Log.Logger;
            log.Information("Checkpoint at {Step} tasks: {Bytes} bytes in {Milliseconds} ms ({Bundle})",
                state.TasksDone, written.Bytes, Math.Round(written.Seconds * 1000, 1), Path.GetFileName(written.Path));
        }
    }
}
