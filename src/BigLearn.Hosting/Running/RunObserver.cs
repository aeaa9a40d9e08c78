using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Hosting.Kinds;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>Where a run stands, for progress displays: tasks done and the latest evaluation's figures (empty before the first).</summary>
/// <param name="TasksDone">Tasks run so far.</param>
/// <param name="Budget">Tasks in the run.</param>
public sealed record RunProgress(long TasksDone, long Budget)
{
    /// <summary>The figures the run's kind shows, as (label, text), from the latest evaluation; empty before the first.</summary>
    public IReadOnlyList<(string Label, string Text)> Figures { get; init; } = [];

    /// <summary>The agents with the most credit so far, highest first (empty without a ledger).</summary>
    public IReadOnlyList<AgentCredit> TopAgents { get; init; } = [];

    /// <summary>True when the credits are sampled estimates (every k-th task measured, scaled by k).</summary>
    public bool CreditsSampled { get; init; }
}

/// <summary>
/// The supervisor's observer in an experiment run: counts tasks and not-applied steps, timestamps evaluations, reports
/// progress and logs with <c>AgentId</c>, <c>Group</c> and <c>Step</c> as structured properties (every task at debug,
/// rejections and evaluations at information).
/// </summary>
internal sealed partial class RunObserver : ReceiveActor
{
    /// <summary>Asks for the <see cref="ObserverRecord"/>; answered once the run's <see cref="RunCompleted"/> has arrived.</summary>
    public sealed class AwaitRecord
    {
        public static AwaitRecord Instance { get; } = new();
    }

    /// <summary>
    /// Figures of an evaluation the run asked the model for itself (the start, the end): shown as the latest, and passed to
    /// subscribers as an evaluation when <paramref name="TasksRun"/> is given (not for figures repeated from a checkpoint).
    /// </summary>
    public sealed record Figures(IReadOnlyDictionary<string, double> Values, long? TasksRun = null);

    /// <summary>What the observer saw: steps not applied, the wall time (seconds since start) of each evaluation by tasks run, and the ledger.</summary>
    public sealed record ObserverRecord(long RejectedSteps, IReadOnlyDictionary<long, double> EvaluationSeconds, ContributionSummary? Contributions = null)
    {
        /// <summary>How the menu agents' shares shifted (null: no menu group).</summary>
        public Core.Adaptation.AdaptationHistory? Adaptation { get; init; }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, double> _evaluationSeconds = [];
    private readonly List<IActorRef> _waiting = [];
    private long _tasks;
    private long _rejectedSteps;
    private bool _completed;

    private readonly LedgerFeed? _ledger;
    private readonly AdaptationFeed? _adaptation;

    public RunObserver(long budget, string[] groupNames, Stopwatch clock, IProgress<RunProgress>? progress, IReadOnlyList<ProgressFigure> figures,
        LedgerFeed? ledger = null, Action<Actors.Checkpoints.CheckpointProtocol.CheckpointTaken, ObserverRecord>? onCheckpoint = null,
        ObserverStart? start = null, AdaptationFeed? adaptation = null)
    {
        _secondsOffset = start?.SecondsOffset ?? 0;
        if (start is not null) ContinueFrom(start);
        IReadOnlyList<(string Label, string Text)> latest = [];
        _ledger = ledger;
        _adaptation = adaptation;
        RunProgress Progress() => new(_tasks, budget) { Figures = latest };
        Receive<TaskCompleted>(t =>
        {
            _tasks++;
            _ledger?.Record(t);
            _adaptation?.Record(t);
            Publish(t);
            _rejectedSteps += t.InnerSteps - t.Outcome.AppliedSteps;
            var group = groupNames[t.Group];
            if (t.Outcome.Rejected)
                // Information, not warning: the model actor already warns on the console; this line adds the properties.
                _log.Info("Task {Step} of agent {AgentId} ({Group}) rejected: {Rejection}", [t.Sequence, t.AgentId, group, t.Outcome.Rejection]);
            else if (_log.IsDebugEnabled)
                _log.Debug("Task {Step} of agent {AgentId} ({Group}): {Task}, loss {FirstLoss} -> {LastLoss}, version {Version}",
                    [t.Sequence, t.AgentId, group, t.Task.Description, t.Outcome.FirstLoss, t.Outcome.LastLoss, t.Outcome.Version]);
            progress?.Report(_ledger?.Decorate(Progress()) ?? Progress());
        });
        Receive<Evaluation>(e =>
        {
            _evaluationSeconds[e.TasksRun] = _secondsOffset + clock.Elapsed.TotalSeconds;
            Publish(new RunObserverProtocol.EvaluationSeen(e.TasksRun, e.Values, _evaluationSeconds[e.TasksRun]));
            latest = Shown(figures, e.Values, latest);
            _log.Info("Evaluation at {Step} tasks: {Figures}", [e.TasksRun,
                string.Join(", ", e.Values.Where(v => !v.Key.Contains('.')).Select(v => $"{v.Key} {v.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}"))]);
            progress?.Report(_ledger?.Decorate(Progress()) ?? Progress());
        });
        Receive<Figures>(f =>
        {
            latest = Shown(figures, f.Values, latest);
            if (f.TasksRun is { } tasksRun) Publish(new RunObserverProtocol.EvaluationSeen(tasksRun, f.Values, _secondsOffset + clock.Elapsed.TotalSeconds));
            progress?.Report(_tasks > 0 && _ledger is not null ? _ledger.Decorate(Progress()) : Progress()); // no credit to rank before the first task
        });
        Receive<RunCompleted>(r =>
        {
            _completed = true;
            Publish(r);
            _log.Info("Run completed: {Tasks} tasks, {Steps} steps, {Rejections} rejected tasks, {Restarts} restarts",
                [r.TotalTasks, r.Steps, r.Rejections, r.Restarts]);
            foreach (var waiting in _waiting) waiting.Tell(Record());
            _waiting.Clear();
        });
        ReceiveCheckpoints(onCheckpoint);
        ReceiveSubscribers();
        Receive<AwaitRecord>(_ =>
        {
            if (_completed) Sender.Tell(Record());
            else _waiting.Add(Sender);
        });
    }

    // The kind's figures that an evaluation carries; an evaluation without them (a GAN's final one) keeps the last shown.
    private static IReadOnlyList<(string Label, string Text)> Shown(IReadOnlyList<ProgressFigure> figures, IReadOnlyDictionary<string, double> values,
        IReadOnlyList<(string Label, string Text)> previous)
    {
        if (!figures.Any(f => values.ContainsKey(f.Name))) return previous;
        return figures.Where(f => values.ContainsKey(f.Name)).Select(f => (f.Label, f.Format(values[f.Name]))).ToArray();
    }

    public static Props Props(long budget, string[] groupNames, Stopwatch clock, IProgress<RunProgress>? progress, IReadOnlyList<ProgressFigure> figures,
        LedgerFeed? ledger = null, Action<Actors.Checkpoints.CheckpointProtocol.CheckpointTaken, ObserverRecord>? onCheckpoint = null,
        ObserverStart? start = null, AdaptationFeed? adaptation = null) =>
        Akka.Actor.Props.Create(() => new RunObserver(budget, groupNames, clock, progress, figures, ledger, onCheckpoint, start, adaptation));

    // The ledger's summary (its permutation tests included) is for the run's end; a checkpoint saves the ledger's own state instead.
    private ObserverRecord Record(bool withLedger = true) =>
        new(_rejectedSteps, new Dictionary<long, double>(_evaluationSeconds), withLedger ? _ledger?.Ledger.Snapshot() : null)
        {
            Adaptation = withLedger ? _adaptation?.History() : null,
        };
}
