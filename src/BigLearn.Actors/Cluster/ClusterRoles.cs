namespace BigLearn.Actors.Cluster;

/// <summary>The names a cluster node's roles are chosen from, and the names of the cluster's actor system and actors.</summary>
public static class ClusterRoles
{
    /// <summary>A node that can hold the model actor of an experiment.</summary>
    public const string Model = "model";

    /// <summary>A node that can host task agents.</summary>
    public const string Agents = "agents";

    /// <summary>Every role a node may have.</summary>
    public static IReadOnlyList<string> All { get; } = [Model, Agents];

    /// <summary>The name of every node's actor system (the <c>biglearn</c> in <c>akka.tcp://biglearn@127.0.0.1:4053</c>).</summary>
    public const string SystemName = "biglearn";

    /// <summary>The name of the <see cref="ClusterStatusActor"/> under <c>/user</c> on every node.</summary>
    public const string StatusActorName = "cluster-status";

    /// <summary>The path of the <see cref="ClusterStatusActor"/> on every node.</summary>
    public const string StatusActorPath = "/user/" + StatusActorName;
}
