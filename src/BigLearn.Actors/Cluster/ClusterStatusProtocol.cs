using BigLearn.Actors.Messages;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// The messages of <see cref="ClusterStatusActor"/>: a client (a node, or <c>biglearn cluster status</c> over remoting without
/// joining) asks any node for its view of the membership.
/// </summary>
public static class ClusterStatusProtocol
{
    /// <summary>Asks a node's <see cref="ClusterStatusActor"/> for its <see cref="ClusterStatus"/>.</summary>
    public sealed record GetClusterStatus : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static GetClusterStatus Instance { get; } = new(); private GetClusterStatus() { } }

    /// <summary>One node's view of the cluster.</summary>
    /// <param name="Node">The address of the node that answered (<c>akka.tcp://biglearn@127.0.0.1:4053</c>).</param>
    /// <param name="Leader">The address of the leader as that node sees it, or null while there is none.</param>
    /// <param name="Members">The members in address order, with the answering node's view of their reachability.</param>
    /// <param name="Placement">Per member that answered in time: the experiments it hosts and how many agents of each live there.</param>
    public sealed record ClusterStatus(string Node, string? Leader, ClusterMember[] Members, NodePlacement[] Placement) : IBigLearnMessage;

    /// <summary>Asks a node's <see cref="ClusterStatusActor"/> what lives on that node alone (the fan-out of <see cref="GetClusterStatus"/>).</summary>
    public sealed record GetLocalEntities : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static GetLocalEntities Instance { get; } = new(); private GetLocalEntities() { } }

    /// <summary>The answer to <see cref="GetLocalEntities"/>.</summary>
    public sealed record LocalEntities(NodePlacement Placement) : IBigLearnMessage;

    /// <summary>What lives on one node (part of <see cref="ClusterStatus"/>, not a message on its own).</summary>
    /// <param name="Node">The node's address.</param>
    /// <param name="Experiments">The experiments whose model runs there, ordinal order.</param>
    /// <param name="Agents">How many agents of each experiment live there, by experiment.</param>
    public sealed record NodePlacement(string Node, string[] Experiments, ExperimentAgents[] Agents);

    /// <summary>A count of one experiment's agents on a node.</summary>
    public sealed record ExperimentAgents(string Experiment, int Count);

    /// <summary>One member of the cluster (part of <see cref="ClusterStatus"/>, not a message on its own).</summary>
    /// <param name="Address">The member's address.</param>
    /// <param name="Status">Akka's member status: Joining, WeaklyUp, Up, Leaving, Exiting, Down or Removed.</param>
    /// <param name="Roles">The member's roles (<see cref="ClusterRoles"/>), ordinal order.</param>
    /// <param name="Reachable">False when the answering node's failure detector marks the member unreachable.</param>
    public sealed record ClusterMember(string Address, string Status, string[] Roles, bool Reachable)
    {
        /// <summary>True when the member is <c>Up</c> and reachable.</summary>
        public bool IsUp => Status == "Up" && Reachable;
    }
}
