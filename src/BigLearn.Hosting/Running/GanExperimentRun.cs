using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Images;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting.Experiments;
using BigLearn.Reporting.Gan;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>A finished adversarial run: its folder, the files written (relative) and the figures.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Files">Files written, relative to the folder.</param>
/// <param name="Outcome">Everything the run produced.</param>
/// <param name="Interrupted">True when the run was stopped before its budget (the outputs describe the model at that point).</param>
public sealed record GanRunOutput(string Folder, IReadOnlyList<string> Files, GanOutcome Outcome, bool Interrupted);

/// <summary>
/// Runs one <c>kind = gan</c> experiment (PAPER.md §4.2) end to end through the actors: the data set and the evaluation
/// classifier are loaded first (a missing data set is a one-line error before anything is written), then a
/// <see cref="PopulationSupervisor"/> whose model actor builds the <c>GanTrainer</c> on its pinned thread trains the one
/// generator and discriminator for every agent's masks, quick FID checks follow the training, and the final evaluation
/// runs on the model's thread. The outputs are published into the run folder file by file.
/// </summary>
/// <remarks>
/// Adversarial runs keep no checkpoints (the model's state is a million numbers and a run takes minutes); an interrupted run
/// writes the evaluation of the model it has and says so.
/// </remarks>
public static class GanExperimentRun
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <paramref name="config"/> into <paramref name="folder"/> (which must not exist or be empty).</summary>
    /// <param name="config">The validated experiment.</param>
    /// <param name="folder">The run folder to create.</param>
    /// <param name="progress">Progress of the training.</param>
    /// <param name="stage">Told the name of each stage as it starts (data, classifier, training, evaluation, writing).</param>
    /// <param name="consoleLog">Where warnings go (stderr when null).</param>
    /// <param name="cancellationToken">Stops the training early; the model trained so far is evaluated and written.</param>
    /// <exception cref="ImageDataException">The data set is missing or malformed (nothing has been written).</exception>
    public static GanRunOutput Run(GanExperimentConfig config, string folder, IProgress<RunProgress>? progress = null,
        Action<string>? stage = null, TextWriter? consoleLog = null, CancellationToken cancellationToken = default)
    {
        var device = GanRunFactory.ConfigureTorch(config);
        stage?.Invoke($"loading {config.Data.Set} from {config.Data.Path}");
        var data = config.Data.Load(config.Population.Seed);
        stage?.Invoke("evaluation classifier (trained once, then cached)");
        GanRunFactory.PrepareClassifier(config, data);

        var run = RunFolder.Create(folder);
        try
        {
            run.PublishText("config.conf", config.Source.ResolvedText);
            var evaluator = new GanEvaluator(config, data, device);
            (GanOutcome Outcome, bool Interrupted) result;
            using (RunLogging.Start(Path.Combine(run.Path, "log.jsonl"), config.FileLogLevel, consoleLog))
                result = Execute(config, data, device, evaluator, progress, stage, cancellationToken);
            stage?.Invoke("writing the run folder");
            var files = run.Publish(scratch => GanRunWriter.Write(result.Outcome, scratch)).ToList();
            Provenance.Stamp(run.Path, Provenance.Current(device.ToString()));
            files.Insert(0, "config.conf");
            files.Add("log.jsonl");
            run.MarkComplete();
            return new GanRunOutput(run.Path, files, result.Outcome, result.Interrupted);
        }
        catch
        {
            run.Delete();
            throw;
        }
    }

    private static (GanOutcome Outcome, bool Interrupted) Execute(GanExperimentConfig config, ImageDataset data, TorchSharp.torch.Device device,
        GanEvaluator evaluator, IProgress<RunProgress>? progress, Action<string>? stage, CancellationToken cancellationToken)
    {
        var spec = config.Population;
        var akka = RunLogging.AkkaConfig(config.FileLogLevel).WithFallback(ExperimentRun.ShutdownConfig).WithFallback(ModelActor.DispatcherConfig);
        var system = ActorSystem.Create("biglearn", BootstrapSetup.Create().WithConfig(akka));
        try
        {
            var clock = Stopwatch.StartNew();
            var groupNames = spec.Groups.Select(g => g.Name).ToArray();
            var observer = system.ActorOf(RunObserver.Props(spec.BudgetTasks, groupNames, clock, progress), "observer");
            var options = new Actors.Checkpoints.PopulationOptions(false, 0, config.MaxRejectionsInARow);
            var supervisor = system.ActorOf(PopulationSupervisor.Props(spec, GanRunFactory.RunnerFactory(config, data.Train, device),
                evaluator.Evaluate, observer, options), "population");
            supervisor.Ask<ActorIdentity>(new Identify(null), AskTimeout, cancellationToken).GetAwaiter().GetResult();
            var model = system.ActorSelection(supervisor.Path / "model");
            stage?.Invoke("training");
            var initial = model.Ask<Evaluation>(Evaluate.Instance, AskTimeout, cancellationToken).GetAwaiter().GetResult();
            RunCompleted result;
            try
            {
                result = ExperimentRun.RunUntilDoneOrInterrupted(system, supervisor, config.Timeout, cancellationToken);
            }
            catch (AskTimeoutException e)
            {
                throw new TimeoutException(
                    $"the run did not finish within {config.Timeout.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes (raise timeout-minutes)", e);
            }
            double trainingSeconds = clock.Elapsed.TotalSeconds;
            var record = observer.Ask<RunObserver.ObserverRecord>(RunObserver.AwaitRecord.Instance, AskTimeout).GetAwaiter().GetResult();

            stage?.Invoke("final evaluation");
            var evaluationClock = Stopwatch.StartNew();
            evaluator.FinalRequested = true;
            model.Ask<Evaluation>(Evaluate.Instance, AskTimeout).GetAwaiter().GetResult();
            var final = evaluator.Final ?? throw new InvalidOperationException("the model actor answered the final evaluation without figures");

            var curve = new List<GanPoint> { Point(initial, 0) };
            curve.AddRange(result.Evaluations.Select(e => Point(e, record.EvaluationSeconds.GetValueOrDefault(e.TasksRun, trainingSeconds))));
            var outcome = Outcome(config, result, record.RejectedSteps, curve, final.Figures, final.Grids, trainingSeconds,
                evaluationClock.Elapsed.TotalSeconds) with { Interrupted = result.Interrupted };
            return (outcome, result.Interrupted);
        }
        finally
        {
            ExperimentRun.ResultsGathered(system);
            system.Terminate().Wait(AskTimeout);
        }
    }

    private static GanPoint Point(Evaluation e, double seconds) => new(e.TasksRun, e.Version,
        e.Values.GetValueOrDefault(GanEvaluator.QuickFid, double.NaN),
        e.Values.GetValueOrDefault(GanEvaluator.DiscriminatorLoss, double.NaN),
        e.Values.GetValueOrDefault(GanEvaluator.GeneratorLoss, double.NaN), seconds);

    private static GanOutcome Outcome(GanExperimentConfig config, RunCompleted result, long nanSteps, IReadOnlyList<GanPoint> curve,
        GanFigures figures, IReadOnlyList<ImageFigure> grids, double trainingSeconds, double evaluationSeconds)
    {
        var spec = config.Population;
        var groups = spec.Groups.Select((g, i) => new GroupRow(g.Name, g.Count, config.Masks[i], g.InnerSteps, g.Share, g.Start, g.Stop,
            result.Groups[i].Tasks, result.Groups[i].Steps, result.Groups[i].Rejections)).ToArray();
        var agents = result.Agents.Select(a => new AgentRow(a.AgentId, spec.Groups[a.Group].Name, a.Tasks, a.Steps, a.Rejections,
            a.Restarts, a.FirstOwnLoss, a.LastOwnLoss)).ToArray();
        return new GanOutcome(config.Experiment, config.Data.Set, spec.Seed, spec.BudgetTasks, spec.Mode.ToString().ToLowerInvariant(),
            result.TotalTasks, result.Steps, nanSteps, result.Rejections, result.Restarts - result.ModelRestarts, result.ModelRestarts,
            groups, agents, curve, figures, grids, Settings(config), trainingSeconds, evaluationSeconds);
    }

    private static IReadOnlyList<string> Settings(GanExperimentConfig config)
    {
        var (spec, gan, evaluation) = (config.Population, config.Gan, config.Evaluation);
        return
        [
            $"config: {config.Source.Origin}",
            Invariant($"data: {config.Data.Set} ({config.Data.Path})"),
            Invariant($"seed {spec.Seed}, budget {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()} scheduling, {spec.Credits} credit(s) per agent"),
            Invariant($"model: mask-conditioned GAN, {gan.Channels} base channels, noise {gan.NoiseDim}, batch {gan.BatchSize}, Adam lr G {gan.GeneratorLearningRate} / D {gan.DiscriminatorLearningRate}, betas ({gan.Beta1}, {gan.Beta2}), R1 γ {gan.R1Gamma} every {gan.R1Interval}, EMA {gan.EmaDecay}"),
            Invariant($"evaluation: {evaluation.Samples} images per figure, {evaluation.DiversityInputs} diversity inputs, quick FID of {evaluation.QuickSamples} samples every {evaluation.Every} tasks, seed {evaluation.Seed}"),
            Invariant($"device {config.Device.ToString().ToLowerInvariant()}, {config.Threads} libtorch thread(s)"),
        ];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
