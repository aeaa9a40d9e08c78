using Akka.Actor;
using Akka.Event;
using BigLearn.Actors.Checkpoints;

namespace BigLearn.Actors.Agents;

public sealed partial class TaskAgent
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _maxRejectionsInARow;

    // A task whose step was refused applied nothing (or not everything); an agent whose tasks keep being refused is
    // stopped for good, so a broken task distribution cannot hold the run in an endless loop of rejected work.
    private void CountRejectionInARow(string? rejection)
    {
        _state.RejectionsInARow++;
        if (_maxRejectionsInARow == 0 || _state.RejectionsInARow < _maxRejectionsInARow || _state.Stopped) return;
        _state.Stopped = true;
        _state.Active = false;
        _log.Warning("Agent {0} stopped after {1} rejected tasks in a row (last: {2})", _state.AgentId, _state.RejectionsInARow, rejection);
        Context.Parent.Tell(new CheckpointProtocol.AgentStopped(_state.AgentId, _state.Group, _state.RejectionsInARow, rejection));
    }

    private void LogRestart(Exception reason) =>
        _log.Warning("Agent {0} restarted with its state after {1}: {2}", _state.AgentId, reason.GetType().Name, reason.Message);
}
