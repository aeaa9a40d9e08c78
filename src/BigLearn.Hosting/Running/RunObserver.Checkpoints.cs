using Akka.Event;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>Where a resumed run's observer starts: the counts of the checkpoint and the wall time already spent.</summary>
/// <param name="Tasks">Tasks done.</param>
/// <param name="RejectedSteps">Inner steps not applied so far.</param>
/// <param name="EvaluationSeconds">Wall time of each evaluation so far, by task count.</param>
/// <param name="SecondsOffset">Wall time of the run before this process (added to the clock).</param>
internal sealed record ObserverStart(long Tasks, long RejectedSteps, IReadOnlyDictionary<long, double> EvaluationSeconds, double SecondsOffset);

internal sealed partial class RunObserver
{
    private readonly double _secondsOffset;

    private void ContinueFrom(ObserverStart start)
    {
        _tasks = start.Tasks;
        _rejectedSteps = start.RejectedSteps;
        foreach (var (tasks, seconds) in start.EvaluationSeconds) _evaluationSeconds[tasks] = seconds;
    }

    // The checkpoint arrives after every TaskCompleted and Evaluation it covers (same sender), so the record matches it.
    private void ReceiveCheckpoints(Action<CheckpointTaken, ObserverRecord>? onCheckpoint) => Receive<CheckpointTaken>(taken =>
    {
        try
        {
            onCheckpoint?.Invoke(taken, Record(withLedger: false));
            Publish(new RunObserverProtocol.CheckpointSeen(taken.Checkpoint.TasksDone));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            // A checkpoint that cannot be written must not end the run: the previous one stays, and the run goes on.
            _log.Error(e, "The checkpoint at {Step} tasks could not be written: {Reason}", [taken.Checkpoint.TasksDone, e.Message]);
        }
    });
}
