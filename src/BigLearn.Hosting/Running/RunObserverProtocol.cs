using Akka.Actor;

namespace BigLearn.Hosting.Running;

/// <summary>
/// What a run's observer tells its read-only subscribers (a dashboard), and how one subscribes. The observer forwards, as they
/// arrive, every <c>ModelProtocol.TaskCompleted</c>, <c>PopulationProtocol.RunCompleted</c> and <c>PopulationProtocol.AgentLocated</c>
/// it receives, plus the records below; it never waits for a subscriber, so a slow one cannot hold the model. These messages carry
/// actor references or stay in one process, so they are not wire messages.
/// </summary>
public static class RunObserverProtocol
{
    /// <summary>
    /// From the pipeline (before the run starts): forward from now on to <paramref name="Subscriber"/>, which is watched and dropped
    /// when it stops. The agent locations known so far are sent to it at once.
    /// </summary>
    public sealed record Subscribe(IActorRef Subscriber);

    /// <summary>An evaluation of the model after <paramref name="TasksRun"/> tasks, <paramref name="Seconds"/> of wall time into the run (periodic, the start's and the end's).</summary>
    /// <param name="TasksRun">Tasks run when evaluated.</param>
    /// <param name="Values">The kind's figures by name.</param>
    /// <param name="Seconds">Wall time since the run started.</param>
    public sealed record EvaluationSeen(long TasksRun, IReadOnlyDictionary<string, double> Values, double Seconds);

    /// <summary>A checkpoint of the run after <paramref name="TasksDone"/> tasks was handed over to be written.</summary>
    public sealed record CheckpointSeen(long TasksDone);

    /// <summary>From the pipeline at the end, asked with a timeout: a subscriber answers <see cref="Flushed"/> once it has handled everything sent to it before.</summary>
    public sealed record Flush
    {
        /// <summary>The only instance.</summary>
        public static Flush Instance { get; } = new();

        private Flush() { }
    }

    /// <summary>A subscriber's answer to <see cref="Flush"/>.</summary>
    public sealed record Flushed
    {
        /// <summary>The only instance.</summary>
        public static Flushed Instance { get; } = new();

        private Flushed() { }
    }
}
