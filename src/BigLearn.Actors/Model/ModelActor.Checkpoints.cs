using Akka.Actor;
using Akka.Event;
using BigLearn.Actors.Checkpoints;
using BigLearn.Core.Training;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;

namespace BigLearn.Actors.Model;

/// <remarks>
/// Checkpoints and recovery. The model pauses at a quiescent point (see <see cref="ModelState.CheckpointDue"/>), sends its
/// state (with the runner's θ and optimiser) to the supervisor in <see cref="CheckpointPoint"/> and picks nothing until
/// <see cref="ResumeAfterCheckpoint"/>, so the agents' states the supervisor collects meanwhile belong to the same instant.
/// After every task that returned (every <see cref="IRestorableRunner.KeepStateEvery"/> tasks for a large runner), the runner's
/// state is kept in memory; a runner rebuilt after a crash starts from it, and a resumed run from its checkpoint's state (in
/// files for a runner that keeps it there, <see cref="IStateFileRunner"/>).
/// </remarks>
public sealed partial class ModelActor
{
    private void ReceiveCheckpointMessages()
    {
        Receive<CheckpointPlan>(plan =>
        {
            _state.CheckpointEvery = plan.Every;
            QueuePick();
        });
        Receive<CheckpointNow>(now =>
        {
            if (now.Final) _state.FinalCheckpointRequested = true;
            else _state.CheckpointRequested = true;
            QueuePick();
        });
        Receive<ResumeAfterCheckpoint>(_ =>
        {
            _state.Holding = false;
            QueuePick();
        });
        Receive<RestorePending>(restore =>
        {
            string? refusal = _state.AcceptRestored(restore.Pending, Sender);
            if (refusal is not null)
            {
                _log.Warning("A saved proposal of agent {0} could not be restored: {1}", restore.Pending.Proposal.AgentId, refusal);
                Sender.Tell(new Agents.TaskAgentProtocol.ProposalRefused(restore.Pending.Proposal.ProposalId, refusal));
            }
            QueuePick();
        });
    }

    private bool PauseForCheckpointIfDue()
    {
        if (!_state.CheckpointDue) return false;
        // A runner whose state is large writes it into files of its own folder; only the folder's path travels.
        if (_runner is IStateFileRunner files && _state.Settings.StateFolder is { } root)
        {
            var folder = Path.Combine(root, $"model-{_state.TasksRun:D10}-{Guid.NewGuid():N}");
            files.SaveState(folder);
            _supervisor.Tell(new CheckpointPoint(_state.TakeCheckpoint(null, folder)));
            return true;
        }
        _supervisor.Tell(new CheckpointPoint(_state.TakeCheckpoint(CurrentRunnerState())));
        return true;
    }

    private RunnerState? CurrentRunnerState() => _runner is IRestorableRunner restorable ? restorable.CaptureState() : _state.LastGood;

    private void RememberGoodState()
    {
        if (_runner is not IRestorableRunner restorable) return;
        if (++_state.TasksSinceGood < Math.Max(1, restorable.KeepStateEvery)) return;
        _state.LastGood = restorable.CaptureState();
        _state.TasksSinceGood = 0;
        _state.RestoreFolder = null; // a newer good state than the checkpoint's files
    }

    // The newest good state: the one kept in memory, else the state files of the checkpoint a resumed run started from.
    private void RestoreLastGood()
    {
        if (_state.LastGood is { } good && _runner is IRestorableRunner restorable)
        {
            restorable.RestoreState(good);
            _meter?.Forget(); // θ was replaced: a J cached for this version may belong to other parameters
            return;
        }
        if (_state.RestoreFolder is { } folder && _runner is IStateFileRunner files)
        {
            files.LoadState(folder);
            _meter?.Forget();
            // Kept in memory at once: the bundle may be pruned by later checkpoints before the runner needs it again.
            if (_runner is IRestorableRunner copyable) _state.LastGood = copyable.CaptureState();
            _state.RestoreFolder = null;
        }
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason); // calls PreStart, which rebuilds the runner from the last good state
        _log.Warning("Model restarted from its last good state (version {0}, after {1} tasks)", RunnerVersion(), _state.TasksRun);
    }

    private void LogFailure(Exception reason) => _log.Error(reason, "Model failed{0}: {1}: {2}; restarting it from its last good state",
        _state.Running is [var running, ..] ? $" on task {_state.TasksRun + 1} of agent {running.Proposal.AgentId}" : "", reason.GetType().Name, reason.Message);
}
