using BigLearn.Actors.Messages;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Model;

/// <summary>The messages a <see cref="ModelActor"/> receives, and what it reports.</summary>
public static class ModelProtocol
{
    /// <summary>From an agent: run <paramref name="Task"/> for <paramref name="InnerSteps"/> steps with batches drawn from <paramref name="BatchSeed"/>; uses one credit.</summary>
    public sealed record Propose(int AgentId, int Group, long ProposalId, TaskDescriptor Task, int InnerSteps, long BatchSeed) : IBigLearnMessage
    {
        /// <summary>The family of the agent's menu the task was drawn from (an adaptive population, docs/adaptation.md); −1 when the agent has no menu.</summary>
        public int Arm { get; init; } = -1;
    }

    /// <summary>From the supervisor: the active agents (others' pending proposals are withdrawn) and the task count up to which the model may run before it waits for the next phase.</summary>
    public sealed record SetActive(int[] AgentIds, long RunUntil) : IBigLearnMessage;

    /// <summary>Asks for an <see cref="Evaluation"/> of the model now (its runtime's figures; empty without an evaluation). The supervisor forwards it to its model.</summary>
    public sealed record Evaluate : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static Evaluate Instance { get; } = new(); private Evaluate() { } }

    /// <summary>Asks for the model's <see cref="ModelStats"/>.</summary>
    public sealed record GetModelStats : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static GetModelStats Instance { get; } = new(); private GetModelStats() { } }

    /// <summary>
    /// To the supervisor: task number <paramref name="Sequence"/> (1-based) ran for agent <paramref name="AgentId"/>; a rejected
    /// outcome applied nothing. <paramref name="Contribution"/> carries the ledger's numbers when the model measured this task
    /// or audited before it (null otherwise).
    /// </summary>
    public sealed record TaskCompleted(long Sequence, int AgentId, int Group, long ProposalId, TaskDescriptor Task, int InnerSteps, long BatchSeed, TaskOutcome Outcome,
        TaskContribution? Contribution = null) : IBigLearnMessage
    {
        /// <summary>The menu family the task was drawn from (−1: the agent has no menu).</summary>
        public int Arm { get; init; } = -1;

        /// <summary>The agent's shares over its menu after this task (null: it does not adapt).</summary>
        public double[]? Shares { get; init; }

        /// <summary>Pbt's copies made right after this task (null: none).</summary>
        public Core.Adaptation.PbtCopy[]? Copies { get; init; }
    }

    /// <summary>Named figures of the model after <paramref name="TasksRun"/> tasks (model version <paramref name="Version"/>).</summary>
    public sealed record Evaluation(long TasksRun, long Version, IReadOnlyDictionary<string, double> Values) : IBigLearnMessage;

    /// <summary>Pauses the model between two tasks: nothing is picked until <see cref="ResumeRun"/> (proposals still queue). Answered with <see cref="RunControlled"/>. The supervisor forwards it to its model.</summary>
    public sealed record PauseRun : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static PauseRun Instance { get; } = new(); private PauseRun() { } }

    /// <summary>Lets a paused model pick again. Answered with <see cref="RunControlled"/>. The supervisor forwards it to its model.</summary>
    public sealed record ResumeRun : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static ResumeRun Instance { get; } = new(); private ResumeRun() { } }

    /// <summary>Sets group <paramref name="Group"/>'s share (its weight when the model draws a group) from the next pick on; answered with <see cref="RunControlled"/>, or <see cref="ControlRefused"/> for an unknown group or a share that is not a finite number above 0.</summary>
    public sealed record SetGroupShare(int Group, double Share) : IBigLearnMessage;

    /// <summary>The model's answer to a control: whether it is paused, every group's share now, and the tasks run so far.</summary>
    public sealed record RunControlled(bool Paused, double[] GroupShares, long TasksRun) : IBigLearnMessage;

    /// <summary>A control that was not applied, and why (one line); nothing changed.</summary>
    public sealed record ControlRefused(string Reason) : IBigLearnMessage;

    /// <summary>The model's counters: tasks run, applied, rejected, proposals refused and withdrawn, pending now, restarts, version.</summary>
    public sealed record ModelStats(long TasksRun, long AppliedTasks, long Rejections, long Refusals, long Withdrawals, int Pending, int Restarts, long Version) : IBigLearnMessage;
}
