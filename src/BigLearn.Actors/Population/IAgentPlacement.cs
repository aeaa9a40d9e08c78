using Akka.Actor;
using BigLearn.Actors.Agents;

namespace BigLearn.Actors.Population;

/// <summary>
/// Where a <see cref="PopulationSupervisor"/> puts its agents. The supervisor makes one child per agent from the Props given here
/// and addresses the agent through that child only, so whether the agent runs inside it (<see cref="LocalAgents"/>) or as a
/// sharded entity on another node (<c>Cluster.ShardedAgents</c>, where the child is a forwarding proxy) is invisible to it.
/// </summary>
public interface IAgentPlacement
{
    /// <summary>Props of the supervisor's child for agent <paramref name="state"/> (restored already when the run continues from a checkpoint).</summary>
    /// <param name="state">The agent's state (a fresh stream, or the checkpoint's).</param>
    /// <param name="group">The agent's group.</param>
    /// <param name="model">The model the agent proposes to.</param>
    /// <param name="supervisor">The population supervisor (where a stopped agent reports).</param>
    /// <param name="credits">Proposals outstanding at most.</param>
    /// <param name="maxRejectionsInARow">Stop the agent after this many rejected tasks in a row (0: never).</param>
    Props AgentProps(AgentState state, GroupSpec group, IActorRef model, IActorRef supervisor, int credits, int maxRejectionsInARow);

    /// <summary>
    /// True when the children announce the agent itself once it runs (<c>ShardedAgentProtocol.AgentReady</c>): the supervisor then
    /// starts the run only when every agent is ready, and tells each agent things directly from then on.
    /// </summary>
    bool AnnouncesAgents { get; }
}

/// <summary>Agents as children of the supervisor, in its process: a single-process run.</summary>
public sealed class LocalAgents : IAgentPlacement
{
    /// <summary>The only instance.</summary>
    public static LocalAgents Instance { get; } = new();

    private LocalAgents()
    {
    }

    /// <inheritdoc />
    public Props AgentProps(AgentState state, GroupSpec group, IActorRef model, IActorRef supervisor, int credits, int maxRejectionsInARow) =>
        TaskAgent.Props(state, group, model, credits, maxRejectionsInARow);

    /// <inheritdoc />
    public bool AnnouncesAgents => false;
}
