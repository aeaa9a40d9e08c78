using Akka.Actor;
using BigLearn.Hosting.Running;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Dashboard.State;

/// <summary>
/// The dashboard's read-only subscriber of one run: the run's observer tells it every task, evaluation, agent location, checkpoint
/// and the end (<see cref="RunObserverProtocol"/>), and it records them in the run's <see cref="LiveRun"/>. It sends nothing to the
/// model: controls go to the supervisor from <see cref="SupervisorControls"/>, and their answers come back to it.
/// </summary>
public sealed class DashboardFeed : ReceiveActor
{
    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public DashboardFeed(LiveRun run)
    {
        Receive<TaskCompleted>(run.Task);
        Receive<RunObserverProtocol.EvaluationSeen>(run.Evaluation);
        Receive<AgentLocated>(run.Located);
        Receive<RunObserverProtocol.CheckpointSeen>(run.Checkpoint);
        Receive<RunCompleted>(run.Completed);
        Receive<RunControlled>(c => run.Controlled(c, c.Paused ? $"started paused after {c.TasksRun} tasks" : $"running after {c.TasksRun} tasks"));
        Receive<ControlRefused>(_ => { }); // a pause asked at the start of a run that ended at once
        Receive<RunObserverProtocol.Flush>(_ => Sender.Tell(RunObserverProtocol.Flushed.Instance));
    }

    /// <summary>Props of the subscriber that records into <paramref name="run"/>.</summary>
    public static Props Props(LiveRun run) => Akka.Actor.Props.Create(() => new DashboardFeed(run));
}
