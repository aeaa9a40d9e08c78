using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>A finished run: its folder, the files written (relative) and the outcome.</summary>
/// <param name="Folder">The committed run folder.</param>
/// <param name="Files">Files written, relative to the folder.</param>
/// <param name="Outcome">Everything the run produced (an <c>ExperimentOutcome</c> or a <c>GanOutcome</c>, by kind).</param>
public sealed record ExperimentRunOutput(string Folder, IReadOnlyList<string> Files, IRunOutcome Outcome)
{
    /// <summary>True when the run was interrupted before its budget (resumable when its kind keeps checkpoints).</summary>
    public bool Interrupted { get; init; }
}

/// <summary>
/// Runs one experiment of any model kind end to end through the actors: the kind prepares its session (data, classifiers)
/// before the run folder exists, then an actor system with the model's pinned dispatcher and Serilog logging runs a
/// <see cref="PopulationSupervisor"/> whose model builds the kind's runner on its own thread; an observer reports progress,
/// feeds the ledger and writes checkpoints; the kind turns what was gathered into its outcome, which is published into the
/// run folder (docs/architecture.md, "Run folders") file by file.
/// </summary>
/// <remarks>
/// The actor system is made with <c>ActorSystem.Create</c> and a <see cref="BootstrapSetup"/>: a run is a short batch job
/// (one system per run, a sequential sweep makes one per seed) with no DI container or generic host to attach to. A run
/// can also go on a system it shares with other runs (<see cref="SharedActorSystem"/>: a cluster node's, or a replica
/// sweep's, whose seeds run side by side).
/// </remarks>
public static partial class ExperimentRun
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lock TorchSettings = new();

    /// <summary>Runs <paramref name="experiment"/> and writes its folder <paramref name="folder"/> (which must not exist or be empty).</summary>
    /// <param name="experiment">The validated experiment, of any kind.</param>
    /// <param name="folder">The run folder to create.</param>
    /// <param name="progress">Progress of the run (reported from the observer's thread).</param>
    /// <param name="stage">Told the name of each stage a kind goes through before and after the training (data, classifier, evaluation).</param>
    /// <param name="consoleLog">Where warnings go (stderr when null).</param>
    /// <param name="cancellationToken">
    /// Interrupts the run through Akka's CoordinatedShutdown: the run stops at the next quiescent point (with a final
    /// checkpoint where the kind keeps them), the outputs of the tasks done so far are written, and the result says <c>Interrupted</c>.
    /// </param>
    /// <exception cref="ConfigException">The configuration asks for something this machine lacks (CUDA).</exception>
    /// <exception cref="Core.Images.ImageDataException">A data set the kind needs is missing (nothing has been written).</exception>
    /// <param name="cluster">Run the population on this cluster (the model here, the agents sharded) instead of in an actor system of its own.</param>
    /// <param name="tap">A read-only listener of the run (the dashboard), or null.</param>
    public static ExperimentRunOutput Run(IExperiment experiment, string folder, IProgress<RunProgress>? progress = null,
        Action<string>? stage = null, TextWriter? consoleLog = null, CancellationToken cancellationToken = default, Cluster.ClusterRunHost? cluster = null,
        IRunTap? tap = null)
    {
        var settings = experiment.Run;
        var device = ConfigureTorch(settings); // a configuration mistake is found before the folder exists
        var session = experiment.Open(device, stage);
        using var run = RunFolder.Create(folder, experiment.Checkpoints);
        try
        {
            run.PublishText("config.conf", settings.Source.ResolvedText);
            return Continue(experiment, session, device, settings.Source.ResolvedText, run, null, progress, stage, consoleLog, cancellationToken, cluster, tap);
        }
        catch
        {
            // Keep what can be resumed; a run that failed before its first checkpoint leaves nothing behind.
            if (CheckpointStore.List(run.Path).Count == 0) run.Delete();
            throw;
        }
    }

    /// <summary>Runs <paramref name="experiment"/> and writes every output into the existing folder <paramref name="folder"/> (no staging; a sweep's seed).</summary>
    /// <param name="experiment">The validated experiment.</param>
    /// <param name="folder">The existing, empty folder to write into.</param>
    /// <param name="progress">Progress of the run (reported from the observer's thread).</param>
    /// <param name="consoleLog">Where warnings go (stderr when null); on a <paramref name="shared"/> system the process's logger decides.</param>
    /// <param name="cancellationToken">Interrupts the run (the outputs of the tasks done so far are written, and the result says <c>Interrupted</c>).</param>
    /// <param name="shared">Run on this system, beside other runs, instead of on a system of its own (a replica sweep's seed).</param>
    public static ExperimentRunOutput RunInto(IExperiment experiment, string folder, IProgress<RunProgress>? progress = null,
        TextWriter? consoleLog = null, CancellationToken cancellationToken = default, SharedActorSystem? shared = null)
    {
        var settings = experiment.Run;
        var device = ConfigureTorch(settings);
        var session = experiment.Open(device, stage: null);
        IRunOutcome outcome;
        var context = new RunContext(folder, settings.Source.ResolvedText, settings.Source.Origin, null) { Shared = shared };
        using (AttachLog(shared, Path.Combine(folder, "log.jsonl"), settings.FileLogLevel, consoleLog))
            outcome = Execute(experiment, session, context, progress, null, cancellationToken).Outcome;
        File.WriteAllText(Path.Combine(folder, "config.conf"), settings.Source.ResolvedText);
        var files = new List<string> { "config.conf" };
        files.AddRange(outcome.Write(folder));
        Provenance.Stamp(folder, Provenance.Current(device.ToString()));
        files.Add("log.jsonl");
        return new ExperimentRunOutput(folder, files, outcome);
    }

    /// <summary>Sets libtorch's threads and resolves the device; a CUDA request without CUDA is a config mistake.</summary>
    /// <exception cref="ConfigException">device = cuda and no CUDA device is available.</exception>
    internal static TorchSharp.torch.Device ConfigureTorch(RunSettings settings)
    {
        // libtorch's thread count is the process's: the replicas of a sweep set it from their own threads.
        lock (TorchSettings) TorchRuntime.Configure(settings.Threads);
        try
        {
            return TorchRuntime.Resolve(settings.Device);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException($"{settings.Source.Where("device")}: {e.Message}", e);
        }
    }

    private static (IRunOutcome Outcome, bool Interrupted) Execute(IExperiment experiment, IExperimentSession session, RunContext context,
        IProgress<RunProgress>? progress, Action<string>? stage, CancellationToken cancellationToken)
    {
        var settings = experiment.Run;
        var spec = settings.Population;
        var shared = context.Shared;
        var system = shared?.System ?? CreateSystem(settings.FileLogLevel);
        // A shared system holds other runs' actors too: the run's actors get names of their own.
        string prefix = shared?.ActorPrefix ?? "";
        IActorRef? supervisor = null, observer = null, subscriber = null;
        try
        {
            var clock = Stopwatch.StartNew();
            var saved = context.Restore?.State;
            double offset = saved?.WallSeconds ?? 0;
            var groupNames = spec.Groups.Select(g => g.Name).ToArray();
            var ledger = settings.Ledger is { } schedule ? new LedgerFeed(spec, schedule) : null;
            var adaptation = AdaptationFeed.For(spec);
            ICheckpointSection[] sections = [.. new ICheckpointSection?[] { ledger, adaptation }.OfType<ICheckpointSection>()];
            var sink = experiment.Checkpoints ? new CheckpointSink(settings, context, clock) { Sections = sections } : null;
            if (context.Restore is { } restore && sink is not null) RestoreSections(sink.Sections, restore);
            observer = system.ActorOf(RunObserver.Props(spec.BudgetTasks, groupNames, clock, progress, session.ProgressFigures, ledger,
                sink is null ? null : sink.Write, ObserverStartOf(saved), adaptation), prefix + "observer");
            var options = new Actors.Checkpoints.PopulationOptions(experiment.Checkpoints, settings.Checkpoint.Every, settings.MaxRejectionsInARow,
                saved?.Population)
            {
                // A runner that keeps its state in files writes it here at a checkpoint; the bundle takes a copy.
                StateFolder = experiment.Checkpoints ? Path.Combine(context.Folder, CheckpointStore.FolderName, CheckpointStore.ModelStateFolder) : null,
            };
            if (context.Cluster is { } cluster) options = options with { Placement = cluster.Placement(context.ConfigText, context.ConfigOrigin) };
            supervisor = system.ActorOf(PopulationSupervisor.Props(spec, session.CreateRuntime, observer, options), prefix + "population");
            if (context.Tap is not null) subscriber = AttachTap(experiment, session, context, system, prefix, supervisor, observer, ledger);
            stage?.Invoke("training");
            // The supervisor forwards evaluations to its model; the first is the starting point of the curves.
            var initial = saved?.Initial ?? Record(Evaluation(supervisor, cancellationToken), offset + clock.Elapsed.TotalSeconds);
            if (sink is not null) sink.Initial = initial;
            var latest = saved?.Population.Evaluations is [.., var last] ? last.Values : initial.Values;
            observer.Tell(new RunObserver.Figures(latest, saved is null ? initial.TasksRun : null));

            RunCompleted result;
            try
            {
                result = shared is null
                    ? RunUntilDoneOrInterrupted(system, supervisor, settings.Timeout, cancellationToken)
                    : RunOnSharedSystem(supervisor, settings.Timeout, cancellationToken);
            }
            catch (AskTimeoutException e)
            {
                // The config's own limit, so a user-fixable refusal (exit 2), not a bug; the checkpoints written so far stay.
                throw new ConfigException(
                    $"{settings.Source.Where("timeout-minutes")}: the run did not finish within timeout-minutes = {settings.Timeout.TotalMinutes.ToString(CultureInfo.InvariantCulture)} (raise it, then biglearn resume the folder)", e);
            }
            double trainingSeconds = offset + clock.Elapsed.TotalSeconds;
            EvaluationRecord? final = null;
            if (session.SeparateFinalEvaluation || result.Evaluations.Length == 0 || result.Evaluations[^1].TasksRun != result.TotalTasks)
            {
                if (session.SeparateFinalEvaluation) stage?.Invoke("final evaluation");
                session.BeforeFinalEvaluation();
                var evaluation = Evaluation(supervisor, CancellationToken.None);
                final = Record(evaluation, offset + clock.Elapsed.TotalSeconds);
                observer.Tell(new RunObserver.Figures(evaluation.Values, evaluation.TasksRun));
            }
            double wallSeconds = offset + clock.Elapsed.TotalSeconds;
            var seen = observer.Ask<RunObserver.ObserverRecord>(RunObserver.AwaitRecord.Instance, AskTimeout).GetAwaiter().GetResult();
            if (subscriber is not null) FlushTap(subscriber); // everything the observer forwarded is in its mailbox by now
            var evaluations = result.Evaluations.Select(e => Record(e, seen.EvaluationSeconds.GetValueOrDefault(e.TasksRun, trainingSeconds))).ToArray();
            var record = new RunRecord(result, seen.RejectedSteps, initial, evaluations, final, seen.Contributions, trainingSeconds, wallSeconds)
            {
                Adaptation = seen.Adaptation,
            };
            return (session.Outcome(record), result.Interrupted);
        }
        finally
        {
            if (shared is null)
            {
                ResultsGathered(system);
                system.Terminate().Wait(AskTimeout);
            }
            else
            {
                if (supervisor is not null) system.Stop(supervisor); // its agents' proxies stop with it, and passivate their entities
                if (observer is not null) system.Stop(observer);
                if (subscriber is not null) system.Stop(subscriber);
            }
            // Model state files not taken into a bundle (a checkpoint cut short by the end of the run) are of no further use.
            var modelState = Path.Combine(context.Folder, CheckpointStore.FolderName, CheckpointStore.ModelStateFolder);
            if (Directory.Exists(modelState)) Directory.Delete(modelState, recursive: true);
        }
    }

    /// <summary>
    /// A system for runs of this process: the actors' logging through Serilog from <paramref name="logLevel"/>, shutdown on the
    /// host's signal only, the model's pinned dispatcher and the project's serializer.
    /// </summary>
    internal static ActorSystem CreateSystem(LogLevel logLevel) => ActorSystem.Create("biglearn", BootstrapSetup.Create().WithConfig(
        RunLogging.AkkaConfig(logLevel).WithFallback(ShutdownConfig).WithFallback(ModelActor.DispatcherConfig)
            .WithFallback(BigLearn.Actors.Messages.BigLearnSerializer.Config)));

    // Serilog's static logger is the process's: a run on a system of its own installs its own, while on a shared system
    // (several runs at once) the process's logger hands each run the events of its own actors.
    private static IDisposable AttachLog(SharedActorSystem? shared, string path, LogLevel level, TextWriter? consoleLog) =>
        shared is null ? RunLogging.Start(path, level, consoleLog) : RunLogFiles.Attach(shared, path, level);

    private static Evaluation Evaluation(IActorRef supervisor, CancellationToken cancellationToken) =>
        supervisor.Ask<Evaluation>(Evaluate.Instance, AskTimeout, cancellationToken).GetAwaiter().GetResult();

    private static EvaluationRecord Record(Evaluation e, double seconds) => new(e.TasksRun, e.Version, e.Values, seconds);
}
