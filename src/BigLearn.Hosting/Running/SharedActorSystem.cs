using Akka.Actor;

namespace BigLearn.Hosting.Running;

/// <summary>
/// An actor system a run does not own, on which other runs may be going on at the same time: a cluster node's
/// (<see cref="Cluster.ClusterRunHost.Shared"/>) or a replica sweep's (<see cref="ExperimentSweep"/> with several replicas).
/// </summary>
/// <remarks>
/// A run on it names its top-level actors with <see cref="ActorPrefix"/>, waits for its own end instead of the system's
/// shutdown, stops its actors when done and leaves the system running; its <c>log.jsonl</c> takes the events of its own
/// actors through <see cref="RunLogFiles"/>, because Serilog's static logger belongs to the process, not to one run.
/// </remarks>
/// <param name="System">The system the run's actors are created on; its owner terminates it.</param>
/// <param name="ActorPrefix">
/// The prefix of the run's top-level actor names, unique among the runs on <paramref name="System"/>; it ends with a
/// separator (<c>-</c>) so that no run's prefix is the start of another's (<c>seed-888-</c>, <c>seed-8888-</c>).
/// </param>
public sealed record SharedActorSystem(ActorSystem System, string ActorPrefix);
