using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using BigLearn.Actors.Cluster;
using BigLearn.Actors.Population;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// One attempt at running an experiment on a cluster node: the node's actor system, the agent shard region the population's agents
/// are placed through, and a fresh incarnation (each recovery makes a new host, so agent entities restart with the new run's state).
/// </summary>
/// <param name="System">The node's actor system (the model and supervisor of the run live here).</param>
/// <param name="AgentRegion">The agent shard region, or its proxy.</param>
/// <param name="Experiment">The experiment's id.</param>
/// <param name="Recoveries">Why the run was recovered before this attempt, oldest first (empty on a first attempt).</param>
public sealed record ClusterRunHost(ActorSystem System, IActorRef AgentRegion, string Experiment, IReadOnlyList<string> Recoveries)
{
    /// <summary>The file a cluster run adds to its folder.</summary>
    public const string FileName = "cluster.json";

    /// <summary>This attempt's incarnation: unique per host.</summary>
    public string Incarnation { get; } = Convert.ToHexStringLower(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    /// <summary>The prefix of the run's top-level actor names (the node may run several experiments).</summary>
    public string ActorPrefix => $"run-{Uri.EscapeDataString(Experiment)}-{Incarnation}-";

    /// <summary>The node's system as a run sees it: shared with the node's other experiments, the run's actors named with <see cref="ActorPrefix"/>.</summary>
    public Running.SharedActorSystem Shared => new(System, ActorPrefix);

    /// <summary>Where the population's agents go: entities of <see cref="AgentRegion"/>.</summary>
    public IAgentPlacement Placement(string configText, string configOrigin) =>
        new ShardedAgents(AgentRegion, Experiment, Incarnation, configText, configOrigin);

    /// <summary>
    /// Writes <see cref="FileName"/> (the node that held the model, the recoveries and why) into <paramref name="folder"/>, and adds
    /// <c>recoveries</c> to its <c>summary.json</c> when there were any (a run without one has the summary of a single-process run).
    /// </summary>
    /// <returns>The file written, relative to the folder.</returns>
    public string Stamp(string folder)
    {
        var node = Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();
        var record = new JsonObject
        {
            ["experiment"] = Experiment,
            ["modelNode"] = node,
            ["recoveries"] = new JsonArray(Recoveries.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
        };
        File.WriteAllText(Path.Combine(folder, FileName), Reporting.IndentedJson.Render(json => record.WriteTo(json)));
        var summaryPath = Path.Combine(folder, "summary.json");
        if (Recoveries.Count > 0 && File.Exists(summaryPath) && JsonNode.Parse(File.ReadAllText(summaryPath)) is JsonObject summary)
        {
            summary["recoveries"] = Recoveries.Count;
            File.WriteAllText(summaryPath, Reporting.IndentedJson.Render(json => summary.WriteTo(json)));
        }
        return FileName;
    }

    /// <summary>A one-line account of a recovery, for <see cref="Recoveries"/>.</summary>
    public static string Describe(long checkpointTasks, string cause) =>
        string.Create(CultureInfo.InvariantCulture, $"from the checkpoint at {checkpointTasks} tasks after: {cause}");
}
