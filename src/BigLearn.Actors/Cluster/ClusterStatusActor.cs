using Akka.Actor;
using Akka.Cluster.Sharding;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// Runs on every cluster node at <see cref="ClusterRoles.StatusActorPath"/> and answers <see cref="GetClusterStatus"/> with the
/// node's current view of the membership (Akka.Cluster's gossip state: members, their status and roles, the leader, and which
/// members this node's failure detector sees as unreachable) and with what lives where: it asks the status actor of every Up
/// member for that member's experiments and agents (<see cref="GetLocalEntities"/>, read from its shard regions), waiting at most
/// <see cref="PlacementTimeout"/>; a member that does not answer in time is left out of the placement. It keeps no state of its own.
/// </summary>
public sealed class ClusterStatusActor : ReceiveActor
{
    /// <summary>The longest wait for a member's placement (and for a node's own shard regions).</summary>
    public static readonly TimeSpan PlacementTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Answers every <see cref="GetClusterStatus"/> from the cluster extension of this actor's system.</summary>
    public ClusterStatusActor()
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        ReceiveAsync<GetClusterStatus>(async _ =>
        {
            var sender = Sender;
            var members = Snapshot(cluster);
            var asks = members.Members.Where(m => m.Status == "Up").Select(async m =>
            {
                // This actor is busy with this very question, so its own node is read here rather than asked.
                if (m.Address == members.Node) return await Local(cluster);
                try
                {
                    var answer = await Context.System.ActorSelection(m.Address + ClusterRoles.StatusActorPath)
                        .Ask<LocalEntities>(GetLocalEntities.Instance, PlacementTimeout);
                    return answer.Placement;
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    return null;
                }
            });
            var placement = (await Task.WhenAll(asks)).OfType<NodePlacement>().ToArray();
            sender.Tell(members with { Placement = placement });
        });
        ReceiveAsync<GetLocalEntities>(async _ =>
        {
            var sender = Sender;
            sender.Tell(new LocalEntities(await Local(cluster)));
        });
    }

    private async Task<NodePlacement> Local(Akka.Cluster.Cluster cluster)
    {
        var experiments = await EntityIds(ExperimentProtocol.TypeName, ClusterRoles.Model, cluster);
        var agents = await EntityIds(ShardedAgents.TypeName, ClusterRoles.Agents, cluster);
        return new NodePlacement(cluster.SelfAddress.ToString(), [.. experiments.Order(StringComparer.Ordinal)],
            [.. agents.GroupBy(ShardedAgents.ExperimentOf).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ExperimentAgents(g.Key, g.Count()))]);
    }

    /// <summary>The props of the actor.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterStatusActor());

    /// <summary>The membership as <paramref name="cluster"/> sees it now (no placement).</summary>
    public static ClusterStatus Snapshot(Akka.Cluster.Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ClusterMember(m.Address.ToString(), m.Status.ToString(),
                [.. m.Roles.Order(StringComparer.Ordinal)], !unreachable.Contains(m.UniqueAddress)))
            .ToArray();
        return new ClusterStatus(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members, []);
    }

    // The entity ids this node's region of a type holds (none where the type is not started, or only as a proxy: without the role).
    private async Task<IReadOnlyList<string>> EntityIds(string typeName, string role, Akka.Cluster.Cluster cluster)
    {
        var sharding = ClusterSharding.Get(Context.System);
        if (!cluster.SelfRoles.Contains(role) || !sharding.ShardTypeNames.Contains(typeName)) return [];
        try
        {
            var state = await sharding.ShardRegion(typeName).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, PlacementTimeout);
            return [.. state.Shards.SelectMany(s => s.EntityIds)];
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return [];
        }
    }
}
