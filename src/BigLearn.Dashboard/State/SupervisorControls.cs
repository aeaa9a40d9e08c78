using System.Globalization;
using Akka.Actor;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Dashboard.State;

/// <summary>
/// The controls of a live run, through its population supervisor's protocol: pause, resume and a group's share are forwarded to
/// the model, which answers between two tasks (asked with a timeout, so a request never waits on a busy model for long); stop is
/// the supervisor's <see cref="Interrupt"/>, the same as Ctrl+C.
/// </summary>
internal sealed class SupervisorControls(IActorRef supervisor, Func<LiveRun> run) : IRunControls
{
    /// <summary>The run's subscriber: the supervisor's answer to a stop (the result) goes there rather than to dead letters.</summary>
    public IActorRef Feed { get; set; } = ActorRefs.Nobody;

    /// <summary>How long a control waits for the model: a task in progress must finish first (seconds for a GAN step on a CPU).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public Task<string> PauseAsync(CancellationToken cancellationToken) => Ask(PauseRun.Instance, c => $"paused after {c.TasksRun} tasks", cancellationToken);

    public Task<string> ResumeAsync(CancellationToken cancellationToken) => Ask(ResumeRun.Instance, c => $"resumed after {c.TasksRun} tasks", cancellationToken);

    public Task<string> SetShareAsync(string group, double share, CancellationToken cancellationToken)
    {
        var groups = run().Run.Experiment.Run.Population.Groups;
        int index = groups.ToList().FindIndex(g => g.Name == group);
        if (index < 0) throw new ControlException($"group \"{group}\" is unknown (the groups are {string.Join(", ", groups.Select(g => g.Name))})", conflict: false);
        if (!(share > 0) || double.IsInfinity(share))
            throw new ControlException($"share {share.ToString(CultureInfo.InvariantCulture)} is not allowed (a finite number greater than 0)", conflict: false);
        return Ask(new SetGroupShare(index, share),
            c => string.Create(CultureInfo.InvariantCulture, $"share of {group} set to {share} after {c.TasksRun} tasks"), cancellationToken);
    }

    public Task<string> StopAsync(CancellationToken cancellationToken)
    {
        var live = run();
        var status = live.Describe().Status;
        if (status is "done" or "failed" or "interrupted") throw new ControlException($"the run has ended ({status})", conflict: true);
        supervisor.Tell(new Interrupt("stopped from the dashboard"), Feed);
        live.Stopping();
        return Task.FromResult("stopping at the next quiescent point (final checkpoint where the kind keeps them)");
    }

    private async Task<string> Ask(object control, Func<RunControlled, string> text, CancellationToken cancellationToken)
    {
        var status = run().Describe().Status;
        if (status is "done" or "failed" or "interrupted") throw new ControlException($"the run has ended ({status})", conflict: true);
        object answer;
        try
        {
            answer = await supervisor.Ask<object>(control, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new ControlException($"the model did not answer within {Timeout.TotalSeconds} s (a long task may be running; try again)", conflict: true);
        }
        switch (answer)
        {
            case RunControlled controlled:
                var line = text(controlled);
                run().Controlled(controlled, line);
                return line;
            case ControlRefused refused:
                throw new ControlException(refused.Reason, conflict: true);
            default:
                throw new ControlException($"the run answered {answer.GetType().Name}", conflict: true);
        }
    }
}
