using Akka.Actor;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Hosting.Running;

public static partial class ExperimentRun
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    // The tap makes its subscriber in the run's system; the observer feeds it from now on (it replays agent locations it already has).
    private static IActorRef? AttachTap(IExperiment experiment, IExperimentSession session, RunContext context, ActorSystem system, string prefix,
        IActorRef supervisor, IActorRef observer, LedgerFeed? ledger)
    {
        var saved = context.Restore?.State;
        var earlier = new List<EvaluationRecord>();
        if (saved is not null)
        {
            earlier.Add(saved.Initial);
            earlier.AddRange(saved.Population.Evaluations.Select(e =>
                new EvaluationRecord(e.TasksRun, e.Version, e.ToEvaluation().Values, saved.EvaluationSeconds.GetValueOrDefault(e.TasksRun, double.NaN))));
        }
        var tapped = new TappedRun(experiment, session, context.Folder, system, prefix, supervisor)
        {
            Earlier = earlier,
            TasksDone = saved?.TasksDone ?? 0,
            Ledger = saved is not null ? ledger?.Ledger.CaptureState() : null,
            ClusterExperiment = context.Cluster?.Experiment,
        };
        var subscriber = context.Tap!.Attach(tapped);
        context.Tapped = tapped;
        if (subscriber is not null) observer.Tell(new RunObserverProtocol.Subscribe(subscriber));
        return subscriber;
    }

    // The end's messages are in the subscriber's mailbox; wait (bounded) until it has handled them, so a system that terminates next
    // does not drop them. A subscriber that does not answer in time only loses its last figures, never the run.
    private static void FlushTap(IActorRef subscriber)
    {
        try
        {
            subscriber.Ask<RunObserverProtocol.Flushed>(RunObserverProtocol.Flush.Instance, FlushTimeout).GetAwaiter().GetResult();
        }
        catch (AskTimeoutException)
        {
            Serilog.Log.Warning("The run's dashboard did not take the end's figures within {Seconds} s", FlushTimeout.TotalSeconds);
        }
    }
}
