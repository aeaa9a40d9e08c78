using BigLearn.Core.Randomness;

namespace BigLearn.Actors.Agents;

/// <summary>
/// Everything a <see cref="TaskAgent"/> knows: its random stream, whether it is active, its outstanding
/// proposals and its counters. It is created outside the actor and handed in through Props, so an actor
/// instance that crashes and is recreated by its supervisor picks up exactly where the old one stopped
/// (and a checkpoint can save it). Only the agent's own actor mutates it.
/// </summary>
public sealed class AgentState
{
    /// <summary>A fresh state for agent <paramref name="agentId"/> of group <paramref name="group"/>, stream <c>Rng.ForStream(seed, agentId)</c>.</summary>
    public AgentState(long seed, int agentId, int group)
    {
        AgentId = agentId;
        Group = group;
        Rng = Rng.ForStream(seed, agentId);
    }

    /// <summary>The agent's id (0..N−1 across groups).</summary>
    public int AgentId { get; }

    /// <summary>Index of the agent's group.</summary>
    public int Group { get; }

    /// <summary>The agent's own stream: tasks and batch seeds are drawn from it, in that order.</summary>
    public Rng Rng { get; }

    /// <summary>Whether the agent's group is active.</summary>
    public bool Active { get; set; }

    /// <summary>Ids of the proposals sent and not yet answered.</summary>
    public HashSet<long> Outstanding { get; } = [];

    /// <summary>The id of the next proposal.</summary>
    public long NextProposalId { get; set; }

    /// <summary>Proposals sent.</summary>
    public long Proposals { get; set; }

    /// <summary>Tasks run for this agent (rejected included).</summary>
    public long Tasks { get; set; }

    /// <summary>Inner steps applied for this agent.</summary>
    public long Steps { get; set; }

    /// <summary>Tasks whose step was refused as non-finite.</summary>
    public long Rejections { get; set; }

    /// <summary>Proposals the model refused.</summary>
    public long Refusals { get; set; }

    /// <summary>Pending proposals the model withdrew.</summary>
    public long Withdrawals { get; set; }

    /// <summary>Times the actor was restarted after a crash.</summary>
    public int Restarts { get; set; }

    /// <summary>The largest number of proposals ever outstanding at once.</summary>
    public int MaxInFlight { get; set; }

    /// <summary>First loss of the agent's first applied task.</summary>
    public double? FirstOwnLoss { get; set; }

    /// <summary>Last loss of the agent's latest applied task.</summary>
    public double? LastOwnLoss { get; set; }

    /// <summary>Rejected tasks since the agent's last applied one.</summary>
    public int RejectionsInARow { get; set; }

    /// <summary>Whether the agent was stopped for too many rejections in a row (it never becomes active again).</summary>
    public bool Stopped { get; set; }

    /// <summary>
    /// The agent's shares over its group's menu (docs/adaptation.md), as the model's adaptation last set them; null until then
    /// (the menu's own shares apply) and for agents without a menu.
    /// </summary>
    public double[]? Shares { get; set; }

    /// <summary>The counters as a message.</summary>
    public TaskAgentProtocol.AgentStats ToStats() => new(AgentId, Group, Proposals, Tasks, Steps, Rejections, Refusals,
        Withdrawals, Restarts, Outstanding.Count, MaxInFlight, FirstOwnLoss, LastOwnLoss);
}
