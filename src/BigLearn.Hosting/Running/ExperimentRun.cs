using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>A finished run: its folder, the files written (relative) and the figures.</summary>
/// <param name="Folder">The committed run folder.</param>
/// <param name="Files">Files written, relative to the folder.</param>
/// <param name="Outcome">Everything the run produced.</param>
public sealed record ExperimentRunOutput(string Folder, IReadOnlyList<string> Files, ExperimentOutcome Outcome)
{
    /// <summary>True when the run was interrupted before its budget (it can be resumed from its last checkpoint).</summary>
    public bool Interrupted { get; init; }
}

/// <summary>
/// Runs one <c>kind = population</c> experiment end to end through the actors: an actor system with the model's pinned
/// dispatcher and Serilog logging, a <see cref="PopulationSupervisor"/> whose model builds its <c>GmmTrainer</c> on its own
/// thread, an observer for progress and timings, and the run folder (DESIGN.md §6), which is a <see cref="RunFolder"/>:
/// there from the start with its config and checkpoints (so the run can be resumed), its outputs published file by file.
/// </summary>
/// <remarks>
/// The actor system is made with <c>ActorSystem.Create</c> and a <see cref="BootstrapSetup"/>, not Akka.Hosting: a run is
/// a short batch job (one system per run, a sweep makes one per seed) with no DI container or generic host to attach to,
/// and Akka.Hosting would add Microsoft.Extensions.Hosting for the same HOCON. Cluster mode is where Akka.Hosting pays.
/// </remarks>
public static partial class ExperimentRun
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="config"/> and writes its folder <paramref name="folder"/> (which must not exist or be empty).</summary>
    /// <param name="config">The validated experiment.</param>
    /// <param name="folder">The run folder to create.</param>
    /// <param name="progress">Progress of the run (reported from the observer's thread).</param>
    /// <param name="consoleLog">Where warnings go (stderr when null).</param>
    /// <param name="cancellationToken">
    /// Interrupts the run through Akka's CoordinatedShutdown: the run stops at the next quiescent point with a final
    /// checkpoint, the outputs of the tasks done so far are written, and the result says <c>Interrupted</c>.
    /// </param>
    public static ExperimentRunOutput Run(ExperimentConfig config, string folder, IProgress<RunProgress>? progress = null,
        TextWriter? consoleLog = null, CancellationToken cancellationToken = default)
    {
        var device = GmmRunFactory.ConfigureTorch(config); // a configuration mistake is found before the folder exists
        var run = RunFolder.Create(folder);
        try
        {
            run.PublishText("config.conf", config.Source.ResolvedText);
            return Continue(config, config.Source.ResolvedText, device, run, null, progress, consoleLog, cancellationToken);
        }
        catch
        {
            // Keep what can be resumed; a run that failed before its first checkpoint leaves nothing behind.
            if (Checkpoints.CheckpointStore.List(run.Path).Count == 0) run.Delete();
            throw;
        }
    }

    /// <summary>Runs <paramref name="config"/> and writes every output into the existing folder <paramref name="folder"/> (no staging).</summary>
    public static ExperimentRunOutput RunInto(ExperimentConfig config, string folder, IProgress<RunProgress>? progress = null,
        TextWriter? consoleLog = null, CancellationToken cancellationToken = default)
    {
        var device = GmmRunFactory.ConfigureTorch(config);
        ExperimentOutcome outcome;
        using (RunLogging.Start(Path.Combine(folder, "log.jsonl"), config.FileLogLevel, consoleLog))
            outcome = Execute(config, device, new RunContext(folder, config.Source.ResolvedText, config.Source.Origin, null), progress, cancellationToken).Outcome;
        var files = new List<string> { "log.jsonl" };
        files.InsertRange(0, ExperimentRunWriter.Write(outcome, folder, config.Source.ResolvedText));
        Provenance.Stamp(folder, Provenance.Current(device.ToString()));
        return new ExperimentRunOutput(folder, files, outcome);
    }

    private static (ExperimentOutcome Outcome, bool Interrupted) Execute(ExperimentConfig config, TorchSharp.torch.Device device, RunContext context,
        IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var spec = config.Population;
        var akka = RunLogging.AkkaConfig(config.FileLogLevel).WithFallback(ShutdownConfig).WithFallback(ModelActor.DispatcherConfig);
        var system = ActorSystem.Create("biglearn", BootstrapSetup.Create().WithConfig(akka));
        try
        {
            var clock = Stopwatch.StartNew();
            var groupNames = spec.Groups.Select(g => g.Name).ToArray();
            var saved = context.Restore?.State;
            var ledger = config.Ledger is { } schedule ? new LedgerFeed(spec, schedule) : null;
            var sink = new CheckpointSink(config, context, clock) { Sections = ledger is null ? [] : [ledger] };
            if (context.Restore is { } restore) RestoreSections(sink.Sections, restore);
            var observer = system.ActorOf(RunObserver.Props(spec.BudgetTasks, groupNames, clock, progress, ledger, sink.Write, ObserverStartOf(saved)), "observer");
            var options = new Actors.Checkpoints.PopulationOptions(true, config.Checkpoint.Every, config.MaxRejectionsInARow, saved?.Population);
            var supervisor = system.ActorOf(PopulationSupervisor.Props(spec, GmmRunFactory.RunnerFactory(config, device),
                GmmRunFactory.Evaluator(config), observer, options), "population");
            // The model exists once the supervisor has started; its first evaluation is the starting point of the curves.
            supervisor.Ask<ActorIdentity>(new Identify(null), AskTimeout, cancellationToken).GetAwaiter().GetResult();
            var model = system.ActorSelection(supervisor.Path / "model");
            var initialPoint = saved?.Initial ?? InitialPoint(model, clock, cancellationToken);
            sink.Initial = initialPoint;
            var latest = saved?.Population.Evaluations is [.., var last] ? Point(last.ToEvaluation(), 0) : initialPoint;
            observer.Tell(new RunObserver.Figures(latest.ModesCovered, latest.ReverseKl));

            RunCompleted result;
            try
            {
                result = RunUntilDoneOrInterrupted(system, supervisor, config.Timeout, cancellationToken);
            }
            catch (AskTimeoutException e)
            {
                throw new TimeoutException(
                    $"the run did not finish within {config.Timeout.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes (raise timeout-minutes)", e);
            }
            var evaluations = result.Evaluations.ToList();
            if (evaluations.Count == 0 || evaluations[^1].TasksRun != result.TotalTasks)
            {
                var final = model.Ask<Evaluation>(Evaluate.Instance, AskTimeout).GetAwaiter().GetResult();
                evaluations.Add(final);
                var finalPoint = Point(final, 0);
                observer.Tell(new RunObserver.Figures(finalPoint.ModesCovered, finalPoint.ReverseKl));
            }
            double wallSeconds = (saved?.WallSeconds ?? 0) + clock.Elapsed.TotalSeconds;
            var record = observer.Ask<RunObserver.ObserverRecord>(RunObserver.AwaitRecord.Instance, AskTimeout).GetAwaiter().GetResult();

            var points = new List<EvaluationPoint> { initialPoint };
            points.AddRange(evaluations.Select(e => Point(e, record.EvaluationSeconds.GetValueOrDefault(e.TasksRun, wallSeconds))));
            var outcome = Outcome(config, result, record.RejectedSteps, points, wallSeconds) with
            {
                Contributions = record.Contributions,
                StoppedAgents = result.StoppedAgents,
            };
            return (outcome, result.Interrupted);
        }
        finally
        {
            ResultsGathered(system);
            system.Terminate().Wait(AskTimeout);
        }
    }

    private static EvaluationPoint Point(Evaluation e, double seconds) => new(e.TasksRun, e.Version,
        e.Values[GmmRunFactory.ReverseKl], e.Values[GmmRunFactory.ForwardKl], e.Values[GmmRunFactory.HighQualityFraction],
        (int)e.Values[GmmRunFactory.ModesCovered], (int)e.Values[GmmRunFactory.ModesTotal], seconds, GmmRunFactory.Theta(e.Values));

    private static ExperimentOutcome Outcome(ExperimentConfig config, RunCompleted result, long rejectedSteps,
        IReadOnlyList<EvaluationPoint> points, double wallSeconds)
    {
        var spec = config.Population;
        var groups = spec.Groups.Select((g, i) => new GroupRow(g.Name, g.Count, config.Masks[i], g.InnerSteps, g.Share, g.Start, g.Stop,
            result.Groups[i].Tasks, result.Groups[i].Steps, result.Groups[i].Rejections)).ToArray();
        var agents = result.Agents.Select(a => new AgentRow(a.AgentId, spec.Groups[a.Group].Name, a.Tasks, a.Steps, a.Rejections,
            a.Restarts, a.FirstOwnLoss, a.LastOwnLoss)).ToArray();
        var geometry = new MixtureGeometry(config.Target.Dim, config.Model.Components, GmmRunFactory.TargetMeans(config.Target), config.Target.Variance);
        return new ExperimentOutcome(config.Experiment, spec.Seed, spec.BudgetTasks, spec.Mode.ToString().ToLowerInvariant(),
            result.TotalTasks, result.Steps, result.Rejections, rejectedSteps, result.Restarts - result.ModelRestarts, result.ModelRestarts,
            groups, agents, points, geometry, Settings(config), wallSeconds);
    }

    private static IReadOnlyList<string> Settings(ExperimentConfig config)
    {
        var (spec, model, target, evaluation) = (config.Population, config.Model, config.Target, config.Evaluation);
        return
        [
            $"config: {config.Source.Origin}",
            Invariant($"seed {spec.Seed}, budget {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()} scheduling, {spec.Credits} credit(s) per agent"),
            Invariant($"model: {model.Components}-component GMM, SGD lr {model.LearningRate}, {model.ObjectiveText}, {model.SamplesPerStep} samples per step, init means {model.InitMean} + {model.InitSpread}·N(0, I)"),
            Invariant($"target: {target.Size}^{target.Dim} grid, spacing {target.Spacing}, variance {target.Variance}"),
            Invariant($"evaluation: every {evaluation.Every} tasks, {evaluation.Samples} samples, seed {evaluation.Seed}"),
            Invariant($"device {config.Device.ToString().ToLowerInvariant()}, {config.Threads} libtorch thread(s)"),
        ];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
