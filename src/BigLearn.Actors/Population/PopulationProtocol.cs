using BigLearn.Actors.Messages;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Population;

/// <summary>The messages a <see cref="PopulationSupervisor"/> receives, and its answer.</summary>
public static class PopulationProtocol
{
    /// <summary>Starts the run; the sender (use <c>Ask&lt;RunCompleted&gt;(StartRun.Instance, timeout)</c>) gets <see cref="RunCompleted"/> or a failure.</summary>
    public sealed record StartRun : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static StartRun Instance { get; } = new(); private StartRun() { } }

    /// <summary>Figures of one group over the run: tasks run (rejected included), applied, steps applied, rejections.</summary>
    public sealed record GroupTally(int Group, string Name, long Tasks, long AppliedTasks, long Steps, long Rejections) : IBigLearnMessage;

    /// <summary>To the observer: where agent <paramref name="AgentId"/> runs (the address of its node), once it is known; sent for agents placed on a cluster's nodes.</summary>
    public sealed record AgentLocated(int AgentId, string Node) : IBigLearnMessage;

    /// <summary>The end of a run: totals, per group, per agent (ordered by id), restarts (agents and model) and the model's evaluations.</summary>
    public sealed record RunCompleted(long TotalTasks, long AppliedTasks, long Steps, long Rejections, int Restarts, int ModelRestarts,
        GroupTally[] Groups, AgentStats[] Agents, Evaluation[] Evaluations) : IBigLearnMessage
    {
        /// <summary>Agents stopped for repeated rejections, ascending.</summary>
        public int[] StoppedAgents { get; init; } = [];

        /// <summary>True when the run was interrupted before its budget (its checkpoint lets it continue).</summary>
        public bool Interrupted { get; init; }
    }
}
