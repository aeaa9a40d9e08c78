using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using BigLearn.Actors.Agents;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Population;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// Agents as entities of the cluster's <see cref="TypeName"/> shard region (on agents-role nodes): the <see cref="IAgentPlacement"/>
/// of a population that runs on a cluster. Entity ids are <c>EXPERIMENT/INCARNATION/AGENT</c>, so the agents of one experiment spread
/// over the shards and the shards over the agents-role nodes.
/// </summary>
/// <param name="Region">The agent shard region (or its proxy on a node without the agents role).</param>
/// <param name="Experiment">The experiment's id.</param>
/// <param name="Incarnation">This supervisor's incarnation (new after each recovery).</param>
/// <param name="ConfigText">The experiment's resolved configuration.</param>
/// <param name="ConfigOrigin">Where it came from.</param>
public sealed record ShardedAgents(IActorRef Region, string Experiment, string Incarnation, string ConfigText, string ConfigOrigin) : IAgentPlacement
{
    /// <summary>The shard region's type name.</summary>
    public const string TypeName = "agent";

    /// <summary>Shards of the agent region: enough that the agents of a population spread evenly over a few nodes.</summary>
    public const int Shards = 64;

    /// <summary>
    /// The entity id of agent <paramref name="agentId"/> of <paramref name="experiment"/> in <paramref name="incarnation"/>: each
    /// incarnation has entities of its own, so the passivation of the previous incarnation's entity (after a recovery) can never stop
    /// the new one.
    /// </summary>
    public static string EntityId(string experiment, string incarnation, int agentId) => $"{experiment}/{incarnation}/{agentId}";

    /// <summary>The experiment an entity id belongs to (an experiment id is a folder name, without '/').</summary>
    public static string ExperimentOf(string entityId) => entityId[..Math.Max(0, entityId.IndexOf('/'))];

    /// <summary>
    /// Starts the agent shard region on a node with the agents role: entities built by <see cref="AgentEntity.Props"/> with
    /// <paramref name="specOf"/>, placed by <see cref="FewestShardsNoRebalance"/>.
    /// </summary>
    public static IActorRef StartRegion(ActorSystem system, Func<string, string, PopulationSpec> specOf) =>
        ClusterSharding.Get(system).Start(TypeName, AgentEntity.Props(specOf), ClusterShardingSettings.Create(system).WithRole(ClusterRoles.Agents),
            new EnvelopeExtractor(Shards), new FewestShardsNoRebalance(), PoisonPill.Instance);

    /// <summary>Starts a proxy of the agent shard region, for a node without the agents role.</summary>
    public static IActorRef StartProxy(ActorSystem system) =>
        ClusterSharding.Get(system).StartProxy(TypeName, ClusterRoles.Agents, new EnvelopeExtractor(Shards));

    /// <inheritdoc />
    public bool AnnouncesAgents => true;

    /// <inheritdoc />
    public Props AgentProps(AgentState state, GroupSpec group, IActorRef model, IActorRef supervisor, int credits, int maxRejectionsInARow)
    {
        var start = new ShardedAgentProtocol.StartAgent(Experiment, Incarnation, ConfigText, ConfigOrigin, state.ToSnapshot(),
            Akka.Serialization.Serialization.SerializedActorPath(model), Akka.Serialization.Serialization.SerializedActorPath(supervisor),
            credits, maxRejectionsInARow);
        return AgentProxy.Props(Region, EntityId(Experiment, Incarnation, state.AgentId), start);
    }
}

/// <summary>
/// Entity and shard ids of every BigLearn shard region: messages travel in Akka's <see cref="ShardingEnvelope"/>, which
/// <see cref="HashCodeMessageExtractor"/> unwraps itself (the shard is the entity id's hash modulo the shard count); anything else
/// sent to a region has no entity and is dropped by it.
/// </summary>
public sealed class EnvelopeExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc />
    public override string EntityId(object message) => null!;
}

/// <summary>
/// Places a new shard on the region with the fewest shards and never moves a shard while its region lives: moving an agent would
/// stop it mid-run (and a running experiment's model), which a run treats as a loss. Shards move only when their node leaves.
/// </summary>
public sealed class FewestShardsNoRebalance : IShardAllocationStrategy
{
    /// <inheritdoc />
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        ArgumentNullException.ThrowIfNull(currentShardAllocations);
        // Ties go to the lowest address, so the choice does not depend on the dictionary's order.
        var region = currentShardAllocations
            .OrderBy(kv => kv.Value.Count)
            .ThenBy(kv => kv.Key.Path.ToString(), StringComparer.Ordinal)
            .Select(kv => kv.Key)
            .FirstOrDefault() ?? requester;
        return Task.FromResult(region);
    }

    /// <inheritdoc />
    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress) => Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
}
