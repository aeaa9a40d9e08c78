using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using BigLearn.Actors.Ledger;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Training;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Model;

/// <summary>
/// The single owner of the model (through its <see cref="ITaskRunner"/>), on its own pinned thread. Pull-based:
/// it keeps agents' pending proposals (at most <c>credits</c> per agent, the excess refused), picks one by group
/// share, runs it, answers the proposer (result or rejection, returning the credit) and tells the supervisor.
/// </summary>
/// <remarks>
/// Choice: a group is drawn from the model's own stream (<c>Rng.ForStream(seed, −1)</c>) with weights = shares
/// among the groups that have pending proposals; within it the oldest proposal runs. "Oldest" is logical: the
/// model's task count when the proposal arrived, then agent id, then proposal id (free mode: arrival order).
/// Lockstep picks only when every active agent has all its credits pending here; since a proposal can only
/// arrive between two picks, the pool, the ages and the draw are the same whatever the thread timing, so a
/// lockstep run is reproducible from its seed. Free mode picks whenever anything is pending.
/// <para/>
/// Failure: when the runner throws, the actor fails and its supervisor restarts it: the proposal that was running is
/// answered as a rejected task (reason "model failed: …", so the agent gets its credit back and the budget still
/// ends), the queue and counters survive (they live in a state captured in the Props), and a NEW runner is made
/// by the factory on the actor's thread and, when it is an <c>IRestorableRunner</c>, restored to the state kept after the
/// last task that returned (see ModelActor.Checkpoints.cs).
/// </remarks>
public sealed partial class ModelActor : ReceiveActor
{
    /// <summary>The id of the pinned dispatcher the model runs on.</summary>
    public const string DispatcherId = "biglearn.model-dispatcher";

    /// <summary>HOCON that hosts must include: one dedicated thread for the model (TorchSharp dispose scopes are thread-local).</summary>
    public const string DispatcherHocon = DispatcherId + " {\n  type = PinnedDispatcher\n  throughput = 100\n}\n";

    /// <summary><see cref="DispatcherHocon"/> parsed, to pass to <c>ActorSystem.Create</c> (WithFallback your own config).</summary>
    public static Config DispatcherConfig => ConfigurationFactory.ParseString(DispatcherHocon);

    private readonly ModelState _state;
    private readonly Func<ModelRuntime> _runtimeFactory;
    private readonly IActorRef _supervisor;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ContributionMeter? _meter;
    private ModelRuntime? _runtime;
    private ITaskRunner? _runner;
    private bool _pickQueued;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public ModelActor(ModelState state, Func<ModelRuntime> runtimeFactory, IActorRef supervisor)
    {
        _state = state;
        _runtimeFactory = runtimeFactory;
        _supervisor = supervisor;
        _meter = state.Settings.Contributions is { } contributions ? new ContributionMeter(contributions, state.Settings.GroupShares) : null;

        Receive<Propose>(proposal =>
        {
            string? reason = _state.Accept(proposal, Sender, out bool withdrawn);
            if (reason is not null)
                Sender.Tell(withdrawn ? new ProposalWithdrawn(proposal.ProposalId, reason) : new ProposalRefused(proposal.ProposalId, reason));
            QueuePick();
        });
        Receive<SetActive>(active =>
        {
            foreach (var pending in _state.SetActive(active.AgentIds, active.RunUntil))
                pending.Agent.Tell(new ProposalWithdrawn(pending.Proposal.ProposalId, "the agent was deactivated"));
            QueuePick();
        });
        Receive<PickNext>(_ =>
        {
            _pickQueued = false;
            if (_state.CanPick)
            {
                if (_state.Settings.Batch == 1) RunOne(_state.Pick());
                else RunBatch(_state.PickBatch(_state.Settings.Batch));
            }
            QueuePick();
        });
        Receive<Evaluate>(_ => Sender.Tell(Evaluation()));
        Receive<GetModelStats>(_ => Sender.Tell(new ModelStats(_state.TasksRun, _state.AppliedTasks, _state.Rejections,
            _state.Refusals, _state.Withdrawals, _state.Pending, _state.Restarts, RunnerVersion())));
        ReceiveCheckpointMessages();
        ReceiveControls();
    }

    /// <summary>
    /// Props of a model on the pinned dispatcher <see cref="DispatcherId"/>. <paramref name="runtimeFactory"/> is
    /// called on the model's thread (at start and after every restart) and builds the runner with its evaluation;
    /// <paramref name="supervisor"/> receives a <see cref="TaskCompleted"/> per task and an <see cref="Evaluation"/>
    /// every <c>EvaluateEvery</c> tasks.
    /// </summary>
    public static Props Props(ModelSettings settings, Func<ModelRuntime> runtimeFactory, IActorRef supervisor,
        Checkpoints.ModelSnapshot? restore = null)
    {
        ArgumentNullException.ThrowIfNull(runtimeFactory);
        ArgumentNullException.ThrowIfNull(supervisor);
        // created once, outside any actor instance: restarts keep it
        var state = restore is null ? new ModelState(settings) : new ModelState(settings, restore);
        return Akka.Actor.Props.Create(() => new ModelActor(state, runtimeFactory, supervisor)).WithDispatcher(DispatcherId);
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _runtime = _runtimeFactory();
        _runner = _runtime.Runner;
        RestoreLastGood();
        QueuePick();
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        _state.Restarts++;
        LogFailure(reason);
        var running = _state.Running;
        _state.Running = [];
        foreach (var pending in running)
            Complete(pending, new TaskOutcome(double.NaN, double.NaN, 0, 0, $"model failed: {reason.GetType().Name}: {reason.Message}", RunnerVersion()));
        base.PreRestart(reason, message); // stops children and calls PostStop, which disposes the old runner
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        (_runner as IDisposable)?.Dispose();
        _runner = null;
        _runtime = null;
    }

    private void RunOne(PendingProposal pending)
    {
        _state.Running = [pending];
        var proposal = pending.Proposal;
        var measurement = _meter?.Before(_runner!, _state.TasksRun + 1, pending, _state.PendingProposals());
        var outcome = _runner!.Run(pending.Task, proposal.InnerSteps, proposal.BatchSeed);
        _state.Running = [];
        RememberGoodState();
        Complete(pending, outcome, measurement is null ? null : _meter!.After(_runner, measurement));
    }

    // A cooperative batch: one summed step per inner step over the batch's tasks, then each is answered and reported in the
    // order picked, with its share of the measured ΔJ. A runner that cannot batch runs them one after the other.
    private void RunBatch(IReadOnlyList<PendingProposal> batch)
    {
        if (batch.Count == 1 || _runner is not IBatchTaskRunner batchRunner)
        {
            foreach (var pending in batch) RunOne(pending);
            return;
        }
        _state.Running = batch;
        var measurement = _meter?.Before(_runner, _state.TasksRun + 1, batch, _state.PendingProposals());
        var result = batchRunner.RunBatch(batch.Select(p => new BatchedTask(p.Task, p.Proposal.InnerSteps, p.Proposal.BatchSeed)).ToArray());
        _state.Running = [];
        RememberGoodState();
        var contributions = measurement is null ? null : _meter!.After(_runner, measurement, result);
        for (int i = 0; i < batch.Count; i++) Complete(batch[i], result.Outcomes[i], contributions?[i]);
    }

    private void Complete(PendingProposal pending, TaskOutcome outcome, TaskContribution? contribution = null)
    {
        var proposal = pending.Proposal;
        long sequence = ++_state.TasksRun;
        var adapted = Adapt(sequence, proposal, outcome, contribution);
        if (outcome.Rejected)
        {
            _state.Rejections++;
            _log.Warning("Task {0} of agent {1} rejected: {2}", sequence, proposal.AgentId, outcome.Rejection);
            pending.Agent.Tell(new TaskRejected(proposal.ProposalId, outcome));
        }
        else
        {
            _state.AppliedTasks++;
            pending.Agent.Tell(new TaskResult(proposal.ProposalId, outcome) { Shares = adapted.Shares });
        }
        // The agent is told first, so its counters already include this task when the supervisor reacts to it.
        _supervisor.Tell(new TaskCompleted(sequence, proposal.AgentId, proposal.Group, proposal.ProposalId, proposal.Task,
            proposal.InnerSteps, proposal.BatchSeed, outcome, contribution)
        {
            Arm = proposal.Arm,
            Shares = adapted.Shares,
            Copies = adapted.Copies,
        });
        if (_state.Settings.EvaluateEvery > 0 && sequence % _state.Settings.EvaluateEvery == 0 && _runner is not null)
            _supervisor.Tell(Evaluation());
    }

    // The adaptation books the task's ΔJ (its advantage when the ledger ran baseline probes) and, in pbt mode, takes its step at
    // the multiples of pbt-every; a rejected or unmeasured task books nothing. Agents hear of their new shares with their next
    // result, so in lockstep every draw sees the same shares whatever the timing.
    private (double[]? Shares, Core.Adaptation.PbtCopy[]? Copies) Adapt(long sequence, ModelProtocol.Propose proposal, TaskOutcome outcome, TaskContribution? contribution)
    {
        if (_state.Adaptation is not { } adaptation) return (null, null);
        double value = outcome.Rejected || contribution is not { Measured: true } c ? double.NaN
            : double.IsFinite(c.Baseline) ? c.Advantage : c.Credit;
        adaptation.Observe(proposal.AgentId, proposal.Arm, value);
        var copies = adaptation.AfterTask(sequence);
        return (adaptation.SharesOf(proposal.AgentId), copies.Count == 0 ? null : [.. copies]);
    }

    private Evaluation Evaluation()
    {
        var values = _runtime is null ? new Dictionary<string, double>() : new Dictionary<string, double>(_runtime.Evaluate());
        return new Evaluation(_state.TasksRun, RunnerVersion(), values);
    }

    private long RunnerVersion() => _runner?.Version ?? -1;

    // One task per mailbox turn, so SetActive, Evaluate and proposals are never starved by a long queue.
    private void QueuePick()
    {
        if (PauseForCheckpointIfDue()) return;
        if (_pickQueued || !_state.CanPick) return;
        _pickQueued = true;
        Self.Tell(PickNext.Instance);
    }

    private sealed class PickNext
    {
        public static PickNext Instance { get; } = new();
    }
}
