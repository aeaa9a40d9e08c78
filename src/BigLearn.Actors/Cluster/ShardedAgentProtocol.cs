using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Messages;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// The messages between a population supervisor's <see cref="AgentProxy"/> and the <see cref="AgentEntity"/> it stands for on an
/// agents-role node. Everything else an agent receives (activation, answers of the model, stats and snapshot requests) is the
/// usual <c>TaskAgentProtocol</c>/<c>CheckpointProtocol</c>, forwarded unchanged.
/// </summary>
public static class ShardedAgentProtocol
{
    /// <summary>
    /// Starts the agent inside its entity (a repeat is answered again, nothing restarted): its state comes whole in
    /// <paramref name="Snapshot"/>, its group from <paramref name="ConfigText"/> (parsed once per node and experiment). The model and the
    /// supervisor are named by their full actor paths, since references do not ride in our JSON.
    /// </summary>
    /// <param name="Experiment">The experiment's id (the run folder's name).</param>
    /// <param name="Incarnation">The supervisor's incarnation (part of the entity id: a recovery's new incarnation has new entities).</param>
    /// <param name="ConfigText">The experiment's resolved configuration.</param>
    /// <param name="ConfigOrigin">Where the configuration came from (for messages).</param>
    /// <param name="Snapshot">The agent's whole state.</param>
    /// <param name="ModelPath">The model actor's full path (with its node's address).</param>
    /// <param name="SupervisorPath">The supervisor's full path.</param>
    /// <param name="Credits">Proposals outstanding at most.</param>
    /// <param name="MaxRejectionsInARow">Stop after this many rejected tasks in a row (0: never).</param>
    public sealed record StartAgent(string Experiment, string Incarnation, string ConfigText, string ConfigOrigin, AgentSnapshot Snapshot,
        string ModelPath, string SupervisorPath, int Credits, int MaxRejectionsInARow) : IBigLearnMessage;

    /// <summary>From the entity to the proxy that started it; the sender is the agent itself (the entity's child), which the proxy watches.</summary>
    /// <param name="AgentId">The agent's id.</param>
    /// <param name="Incarnation">The incarnation that was started.</param>
    public sealed record AgentStarted(int AgentId, string Incarnation) : IBigLearnMessage;

    /// <summary>From a proxy to its population supervisor: the agent's entity died with its node, so the run must recover.</summary>
    /// <param name="AgentId">The agent's id.</param>
    /// <param name="Node">The address of the node that was lost.</param>
    public sealed record AgentLost(int AgentId, string Node) : IBigLearnMessage;

    /// <summary>
    /// From a proxy to its supervisor, on the supervisor's node only (it carries a reference, so it never crosses a node): the agent
    /// runs, and from now on the supervisor tells it things directly.
    /// </summary>
    /// <param name="AgentId">The agent's id.</param>
    /// <param name="Agent">The agent (the <c>TaskAgent</c> inside its entity).</param>
    public sealed record AgentReady(int AgentId, Akka.Actor.IActorRef Agent);

    /// <summary>To the entity when its run is over (or recovered since): stop the agent and passivate.</summary>
    /// <param name="Incarnation">The incarnation that ends (the entity id holds it too; kept for logs and the wire's shape).</param>
    public sealed record StopAgent(string Incarnation) : IBigLearnMessage;
}
