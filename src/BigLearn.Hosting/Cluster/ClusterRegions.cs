using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Sharding;
using BigLearn.Actors.Cluster;
using BigLearn.Actors.Population;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// The two shard regions of every node: <see cref="ExperimentProtocol.TypeName"/> (experiment hosts, on model-role nodes) and
/// <see cref="ShardedAgents.TypeName"/> (agents, on agents-role nodes). A node without the role gets a proxy of the region, so any
/// member (a submitter without roles included) can address both.
/// </summary>
/// <param name="Experiments">The experiment region or its proxy.</param>
/// <param name="Agents">The agent region or its proxy.</param>
public sealed record ClusterRegions(IActorRef Experiments, IActorRef Agents)
{
    /// <summary>
    /// What the regions need beyond Akka's defaults: entities are never passivated for being idle (an agent of a group that waits
    /// for its phase holds its state) and are not remembered (a run's recovery starts them again from a checkpoint).
    /// </summary>
    public const string Hocon = """
        akka.cluster.sharding {
          passivate-idle-entity-after = off
          remember-entities = off
        }
        """;

    /// <summary>Starts both regions (or proxies) for a node with <paramref name="roles"/>.</summary>
    public static ClusterRegions Start(ActorSystem system, IReadOnlyCollection<string> roles)
    {
        var sharding = ClusterSharding.Get(system);
        var agents = roles.Contains(ClusterRoles.Agents) ? ShardedAgents.StartRegion(system, PopulationOf) : ShardedAgents.StartProxy(system);
        var experiments = roles.Contains(ClusterRoles.Model)
            ? sharding.Start(ExperimentProtocol.TypeName, ExperimentHost.Props(agents),
                ClusterShardingSettings.Create(system).WithRole(ClusterRoles.Model), new ExperimentExtractor(),
                new FewestShardsNoRebalance(), PoisonPill.Instance)
            : sharding.StartProxy(ExperimentProtocol.TypeName, ClusterRoles.Model, new ExperimentExtractor());
        return new ClusterRegions(experiments, agents);
    }

    // Every agent of an experiment brings the same configuration: parse it once per node (a few experiments at a time).
    private static readonly ConcurrentDictionary<string, PopulationSpec> Populations = new(StringComparer.Ordinal);

    private static PopulationSpec PopulationOf(string configText, string origin)
    {
        if (Populations.Count > 64) Populations.Clear();
        return Populations.GetOrAdd(configText, text => ModelKinds.Parse(ConfigSource.Parse(text, origin)).Run.Population);
    }
}
