using Akka.Actor;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// Runs on every cluster node at <see cref="ClusterRoles.StatusActorPath"/> and answers <see cref="GetClusterStatus"/> with the
/// node's current view of the membership (Akka.Cluster's gossip state: members, their status and roles, the leader, and which
/// members this node's failure detector sees as unreachable). It keeps no state of its own.
/// </summary>
public sealed class ClusterStatusActor : ReceiveActor
{
    /// <summary>Answers every <see cref="GetClusterStatus"/> from the cluster extension of this actor's system.</summary>
    public ClusterStatusActor()
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        Receive<GetClusterStatus>(_ => Sender.Tell(Snapshot(cluster)));
    }

    /// <summary>The props of the actor.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterStatusActor());

    /// <summary>The membership as <paramref name="cluster"/> sees it now.</summary>
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
        return new ClusterStatus(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }
}
