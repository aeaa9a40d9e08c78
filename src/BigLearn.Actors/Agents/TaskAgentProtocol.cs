using BigLearn.Actors.Messages;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Agents;

/// <summary>The messages a <see cref="TaskAgent"/> receives, and its stats reply.</summary>
public static class TaskAgentProtocol
{
    /// <summary>From the supervisor: the agent's group is active; spend every credit on proposals.</summary>
    public sealed record Activate : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static Activate Instance { get; } = new(); private Activate() { } }

    /// <summary>From the supervisor: stop proposing (the model withdraws what is pending and returns the credit).</summary>
    public sealed record Deactivate : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static Deactivate Instance { get; } = new(); private Deactivate() { } }

    /// <summary>From the model: the proposal ran and its steps were applied; returns one credit.</summary>
    public sealed record TaskResult(long ProposalId, TaskOutcome Outcome) : IBigLearnMessage
    {
        /// <summary>The agent's new shares over its menu, set by the population's adaptation (null: they did not change or it has no menu).</summary>
        public double[]? Shares { get; init; }
    }

    /// <summary>From the model: the proposal ran but a step was refused (non-finite; <c>Outcome.Rejection</c> says why), so the task does not count as applied; returns one credit.</summary>
    public sealed record TaskRejected(long ProposalId, TaskOutcome Outcome) : IBigLearnMessage;

    /// <summary>From the model: the proposal was not accepted (credit exceeded, agent inactive, unknown group); returns one credit.</summary>
    public sealed record ProposalRefused(long ProposalId, string Reason) : IBigLearnMessage;

    /// <summary>From the model: a pending proposal was dropped unrun (the agent was deactivated); returns one credit.</summary>
    public sealed record ProposalWithdrawn(long ProposalId, string Reason) : IBigLearnMessage;

    /// <summary>Asks the agent for its <see cref="AgentStats"/>.</summary>
    public sealed record GetStats : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static GetStats Instance { get; } = new(); private GetStats() { } }

    /// <summary>An agent's counters (reply to <see cref="GetStats"/>); losses are null until a task was applied.</summary>
    public sealed record AgentStats(
        int AgentId, int Group, long Proposals, long Tasks, long Steps, long Rejections, long Refusals, long Withdrawals,
        int Restarts, int InFlight, int MaxInFlight, double? FirstOwnLoss, double? LastOwnLoss) : IBigLearnMessage;
}
