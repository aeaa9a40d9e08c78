using Akka.Actor;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Hosting.Running;

/// <summary>
/// A read-only listener of runs (the dashboard), handed to <see cref="ExperimentRun"/>: once a run's actors exist and before it
/// starts, <see cref="Attach"/> makes a subscriber actor in the run's system, which the run's observer then feeds
/// (<see cref="RunObserverProtocol"/>); <see cref="Detach"/> says how the run ended. Calls come from the thread that runs the run.
/// </summary>
public interface IRunTap
{
    /// <summary>Makes the run's subscriber (in <see cref="TappedRun.System"/>) and returns it, or null to leave this run alone.</summary>
    IActorRef? Attach(TappedRun run);

    /// <summary>The run ended: <paramref name="output"/> is its written folder, or null when it failed with <paramref name="failure"/>.</summary>
    void Detach(TappedRun run, ExperimentRunOutput? output, string? failure);
}

/// <summary>A run as a tap sees it when it attaches.</summary>
/// <param name="Experiment">The validated experiment (its kind, population, groups and budget).</param>
/// <param name="Session">The run's session (a kind's session may draw live pictures: <see cref="ILivePictures"/>).</param>
/// <param name="Folder">The run folder.</param>
/// <param name="System">The actor system the run's actors live in.</param>
/// <param name="ActorPrefix">The prefix of the run's top-level actor names (empty on a system of its own).</param>
/// <param name="Supervisor">The population supervisor: evaluations and controls (<c>ModelProtocol.PauseRun</c>, <c>ResumeRun</c>,
/// <c>SetGroupShare</c>, <c>CheckpointProtocol.Interrupt</c>) go to it.</param>
public sealed record TappedRun(IExperiment Experiment, IExperimentSession Session, string Folder, ActorSystem System, string ActorPrefix, IActorRef Supervisor)
{
    /// <summary>The evaluations before this process (a resumed run's), oldest first; empty for a fresh run.</summary>
    public IReadOnlyList<EvaluationRecord> Earlier { get; init; } = [];

    /// <summary>Tasks done before this process (a resumed run's).</summary>
    public long TasksDone { get; init; }

    /// <summary>The ledger as the checkpoint left it (a resumed run with a ledger), or null.</summary>
    public LedgerState? Ledger { get; init; }

    /// <summary>The cluster experiment's id when the run's model lives on a cluster node, or null.</summary>
    public string? ClusterExperiment { get; init; }
}

/// <summary>
/// A session that can draw its model as it is now, for live displays: the density of a Gaussian mixture from the parameters an
/// evaluation carries, the newest joint samples and completions of a GAN.
/// </summary>
public interface ILivePictures
{
    /// <summary>Asks the kind to prepare pictures at every evaluation from now on (a kind that draws on the model's thread costs nothing until asked).</summary>
    void Enable();

    /// <summary>PNG pictures of the model at the evaluation <paramref name="values"/> after <paramref name="tasks"/> tasks; called off the model's thread.</summary>
    IReadOnlyList<LivePicture> Draw(long tasks, IReadOnlyDictionary<string, double> values);
}

/// <summary>One picture of the model.</summary>
/// <param name="Name">A short stable name (<c>density</c>, <c>samples</c>).</param>
/// <param name="Title">What it shows.</param>
/// <param name="Tasks">Tasks run when it was drawn.</param>
/// <param name="Png">The PNG bytes.</param>
public sealed record LivePicture(string Name, string Title, long Tasks, byte[] Png);
