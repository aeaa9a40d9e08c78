using Akka.Actor;
using Akka.Event;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Model;

/// <remarks>
/// Pause, resume and group shares, asked by the supervisor on behalf of whoever controls the run; each is answered to the asker
/// with <see cref="RunControlled"/> (or <see cref="ControlRefused"/>). They act between two tasks, as every message does here.
/// </remarks>
public sealed partial class ModelActor
{
    private void ReceiveControls()
    {
        Receive<PauseRun>(_ =>
        {
            if (!_state.Paused) _log.Warning("Paused after {0} tasks", _state.TasksRun);
            _state.Paused = true;
            Sender.Tell(Controlled());
        });
        Receive<ResumeRun>(_ =>
        {
            if (_state.Paused) _log.Warning("Resumed after {0} tasks", _state.TasksRun);
            _state.Paused = false;
            Sender.Tell(Controlled());
            QueuePick();
        });
        Receive<SetGroupShare>(set =>
        {
            double before = set.Group >= 0 && set.Group < _state.Settings.GroupShares.Length ? _state.Shares[set.Group] : double.NaN;
            if (_state.SetShare(set.Group, set.Share) is { } refusal)
            {
                Sender.Tell(new ControlRefused(refusal));
                return;
            }
            _log.Warning("Share of group {0} changed from {1} to {2} after {3} tasks", set.Group, before, set.Share, _state.TasksRun);
            Sender.Tell(Controlled());
            QueuePick();
        });
    }

    private RunControlled Controlled() => new(_state.Paused, _state.Shares, _state.TasksRun);
}
