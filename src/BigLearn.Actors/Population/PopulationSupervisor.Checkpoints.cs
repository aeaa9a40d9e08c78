using Akka.Actor;
using Akka.Event;
using BigLearn.Actors.Agents;
using BigLearn.Actors.Checkpoints;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Population;

/// <remarks>
/// Checkpoints: the model pauses at a quiescent point and sends its state (<see cref="CheckpointPoint"/>); the supervisor then
/// asks every agent for its state. Every message that could change an agent was put in its mailbox before the model paused
/// (answers from the model, phase switches from here), so each agent answers with its state at that same instant. The whole
/// goes to the observer as <see cref="CheckpointTaken"/> (after every <see cref="TaskCompleted"/> and evaluation it covers),
/// then the model goes on, or the run finishes (at the end of the budget, or after an <see cref="Interrupt"/>).
/// Resume: agents and the model are rebuilt from the checkpoint; on <see cref="PopulationProtocol.StartRun"/> the saved
/// proposals go back into the model's queue with their ages and the saved active agents are activated again.
/// Stopped agents (<see cref="AgentStopped"/>) leave the active set for good; when no agent of the active groups is left,
/// the run ends early with what it has.
/// </remarks>
public sealed partial class PopulationSupervisor
{
    private readonly PopulationOptions _options;
    private readonly HashSet<int> _stopped = [];
    private readonly SortedDictionary<int, AgentSnapshot> _snapshots = [];
    private readonly HashSet<int> _restoredActive = [];
    private ModelSnapshot? _collecting;
    private bool _finalCheckpointRequested;
    private bool _interrupting;
    private IActorRef? _interruptAsker;

    private void PlanCheckpoints()
    {
        if (_options.Checkpoints) _model.Tell(new CheckpointPlan(_options.CheckpointEvery));
    }

    private void RestoreAgent(AgentState state)
    {
        if (_options.Restore is not { } restore) return;
        var snapshot = restore.Agents.SingleOrDefault(a => a.AgentId == state.AgentId)
            ?? throw new ArgumentException($"the checkpoint has no state for agent {state.AgentId}");
        var pending = restore.Model.Pending.Where(p => p.Proposal.AgentId == state.AgentId).Select(p => p.Proposal.ProposalId).ToHashSet();
        // In lockstep every outstanding proposal is pending in the model; in free mode one can be in flight and is dropped.
        state.Restore(snapshot, pending.Contains);
        if (snapshot.Active) _restoredActive.Add(state.AgentId);
    }

    private void RestoreTallies()
    {
        if (_options.Restore is not { } restore) return;
        if (restore.GroupTasks.Length != _tasks.Length || restore.Agents.Length != _agents.Count)
            throw new ArgumentException($"the checkpoint has {restore.GroupTasks.Length} groups and {restore.Agents.Length} agents; this population {_tasks.Length} and {_agents.Count}");
        restore.GroupTasks.CopyTo(_tasks, 0);
        restore.GroupApplied.CopyTo(_applied, 0);
        restore.GroupSteps.CopyTo(_steps, 0);
        restore.GroupRejections.CopyTo(_rejections, 0);
        _tasksDone = restore.TasksDone;
        _phase = restore.Phase;
        _restarts = restore.Restarts;
        _stopped.UnionWith(restore.StoppedAgents);
        _evaluations.AddRange(restore.Evaluations.Select(e => e.ToEvaluation()));
    }

    private bool ContinueFromCheckpoint()
    {
        if (_options.Restore is not { } restore) return false;
        foreach (var pending in restore.Model.Pending) _model.Tell(new RestorePending(pending), _targets[pending.Proposal.AgentId]);
        foreach (int id in _restoredActive.Order()) _targets[id].Tell(TaskAgentProtocol.Activate.Instance);
        _log.Info("Continuing from the checkpoint at {0} tasks", restore.TasksDone);
        if (_tasksDone >= _spec.BudgetTasks) Finish();
        return true;
    }

    private void ReceiveCheckpointMessages()
    {
        Receive<CheckpointPoint>(point =>
        {
            _collecting = point.Model;
            _snapshots.Clear();
            foreach (var agent in _targets) agent.Tell(GetAgentSnapshot.Instance);
            Timers.StartSingleTimer("snapshots", SnapshotsTimedOut.Instance, StatsTimeout);
            if (_agents.Count == 0) EmitCheckpoint();
        });
        Receive<AgentSnapshot>(snapshot =>
        {
            if (_collecting is null) return;
            _snapshots[snapshot.AgentId] = snapshot;
            if (_snapshots.Count == _agents.Count) EmitCheckpoint();
        });
        Receive<SnapshotsTimedOut>(_ => Fail($"only {_snapshots.Count} of {_agents.Count} agents reported their state for the checkpoint within {StatsTimeout.TotalSeconds} s"));
        Receive<AgentStopped>(stopped =>
        {
            _stopped.Add(stopped.AgentId);
            _log.Warning("Agent {0} ({1}) stopped after {2} rejected tasks in a row; the run goes on without it",
                stopped.AgentId, _spec.Groups[stopped.Group].Name, stopped.RejectionsInARow);
            var phase = _spec.Phases[_phase];
            var active = phase.ActiveGroups.ToHashSet();
            var activeIds = Enumerable.Range(0, _agents.Count).Where(id => active.Contains(_groupOfAgent[id]) && !_stopped.Contains(id)).ToArray();
            if (activeIds.Length == 0) EndBecauseNoAgentIsLeft();
            else _model.Tell(new SetActive(activeIds, phase.UntilTask));
        });
        Receive<Interrupt>(interrupt =>
        {
            _interruptAsker = Sender;
            if (_interrupting) return;
            _interrupting = true;
            _log.Warning("Interrupted ({0}) after {1} tasks; stopping at the next checkpoint", interrupt.Reason, _tasksDone);
            if (!_options.Checkpoints) Finish();
            else if (_collecting is null && !_finalCheckpointRequested) _model.Tell(new CheckpointNow(Final: false));
        });
    }

    private void ReceiveWhileFinishing()
    {
        Receive<Interrupt>(_ => _interruptAsker = Sender); // answered with the result when it is complete
        Receive<AgentStopped>(_ => { });
        Receive<AgentSnapshot>(_ => { });
        Receive<CheckpointPoint>(_ => { });
    }

    private void FinishAfterFinalCheckpoint()
    {
        if (!_options.Checkpoints)
        {
            Finish();
            return;
        }
        _finalCheckpointRequested = true;
        _model.Tell(new CheckpointNow(Final: true));
    }

    private void EmitCheckpoint()
    {
        Timers.Cancel("snapshots");
        var model = _collecting!;
        _collecting = null;
        bool final = _finalCheckpointRequested;
        var checkpoint = new PopulationCheckpoint(_tasksDone, _phase, (long[])_tasks.Clone(), (long[])_applied.Clone(), (long[])_steps.Clone(),
            (long[])_rejections.Clone(), _restarts, _stopped.Order().ToArray(), _evaluations.Select(EvaluationSnapshot.From).ToArray(), model,
            _snapshots.Values.ToArray(), final);
        _observer?.Tell(new CheckpointTaken(checkpoint));
        if (final || _interrupting) Finish();
        else _model.Tell(ResumeAfterCheckpoint.Instance);
    }

    private void EndBecauseNoAgentIsLeft()
    {
        _log.Error("Every agent of the active groups was stopped after repeated rejections; the run ends after {0} of {1} tasks", _tasksDone, _spec.BudgetTasks);
        Finish();
    }

    private sealed class SnapshotsTimedOut
    {
        public static SnapshotsTimedOut Instance { get; } = new();
    }
}
