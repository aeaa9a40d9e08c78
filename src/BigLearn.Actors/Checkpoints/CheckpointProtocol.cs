using BigLearn.Actors.Messages;
using BigLearn.Core.Randomness;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Checkpoints;

/// <summary>A proposal waiting in the model at a checkpoint, with its logical age and arrival number (they decide "oldest").</summary>
/// <param name="Proposal">The proposal as the agent sent it.</param>
/// <param name="Age">The model's task count when it arrived (lockstep) or its arrival number (free).</param>
/// <param name="Arrival">Its arrival number.</param>
public sealed record PendingSnapshot(Model.ModelProtocol.Propose Proposal, long Age, long Arrival) : IBigLearnMessage;

/// <summary>The model actor's state at a quiescent point: counters, choice stream, active set, pending proposals and the runner.</summary>
/// <param name="TasksRun">Tasks run.</param>
/// <param name="AppliedTasks">Tasks applied.</param>
/// <param name="Rejections">Rejected tasks.</param>
/// <param name="Refusals">Refused proposals.</param>
/// <param name="Withdrawals">Withdrawn proposals.</param>
/// <param name="Restarts">Model restarts.</param>
/// <param name="RunUntil">The task count the current phase runs to.</param>
/// <param name="Arrivals">Proposals that arrived so far (the next arrival number).</param>
/// <param name="Rng">The model's choice stream.</param>
/// <param name="ActiveAgents">The agents the model considers active, ascending.</param>
/// <param name="Pending">Pending proposals, oldest first within each group.</param>
/// <param name="Runner">θ, the version and the optimiser (null when the runner cannot be restored).</param>
/// <param name="LastRun">Per agent id, the highest proposal id that has run (what keeps a proposal delivered twice from running twice).</param>
public sealed record ModelSnapshot(long TasksRun, long AppliedTasks, long Rejections, long Refusals, long Withdrawals, int Restarts,
    long RunUntil, long Arrivals, RngState Rng, int[] ActiveAgents, PendingSnapshot[] Pending, RunnerState? Runner,
    Dictionary<int, long> LastRun) : IBigLearnMessage
{
    /// <summary>
    /// The folder holding the runner's state files when the runner keeps its state in files (<see cref="Core.Training.IStateFileRunner"/>;
    /// <see cref="Runner"/> is then null): written by the model at the checkpoint, the bundle's own folder once saved. Null otherwise.
    /// </summary>
    public string? RunnerFolder { get; init; }

    /// <summary>The population's adaptation (shares, arm estimates, signal window, stream), or null when it does not adapt.</summary>
    public Core.Adaptation.AdaptationState? Adaptation { get; init; }
}

/// <summary>One agent's whole state (reply to <see cref="CheckpointProtocol.GetAgentSnapshot"/>): its stream after the draws so far, proposals in flight and counters.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Group">Its group.</param>
/// <param name="Rng">Its stream, after drawing every proposal it sent.</param>
/// <param name="Active">Whether it is active.</param>
/// <param name="Stopped">Whether it was stopped for repeated rejections.</param>
/// <param name="Outstanding">Ids of its proposals in flight, ascending.</param>
/// <param name="NextProposalId">Id of its next proposal.</param>
/// <param name="Proposals">Proposals sent.</param>
/// <param name="Tasks">Tasks run for it.</param>
/// <param name="Steps">Steps applied for it.</param>
/// <param name="Rejections">Rejected tasks.</param>
/// <param name="Refusals">Refused proposals.</param>
/// <param name="Withdrawals">Withdrawn proposals.</param>
/// <param name="Restarts">Actor restarts.</param>
/// <param name="MaxInFlight">Most proposals in flight at once.</param>
/// <param name="FirstOwnLoss">First loss of its first applied task.</param>
/// <param name="LastOwnLoss">Last loss of its latest applied task.</param>
/// <param name="RejectionsInARow">Rejections since its last applied task.</param>
public sealed record AgentSnapshot(int AgentId, int Group, RngState Rng, bool Active, bool Stopped, long[] Outstanding, long NextProposalId,
    long Proposals, long Tasks, long Steps, long Rejections, long Refusals, long Withdrawals, int Restarts, int MaxInFlight,
    double? FirstOwnLoss, double? LastOwnLoss, int RejectionsInARow) : IBigLearnMessage
{
    /// <summary>Its shares over its menu as the adaptation last set them (null: the menu's own, or no menu).</summary>
    public double[]? Shares { get; init; }
}

/// <summary>An evaluation as stored in a checkpoint (the figures by name).</summary>
/// <param name="TasksRun">Tasks run when evaluated.</param>
/// <param name="Version">Model version.</param>
/// <param name="Values">The figures.</param>
public sealed record EvaluationSnapshot(long TasksRun, long Version, Dictionary<string, double> Values) : IBigLearnMessage
{
    /// <summary>The snapshot of <paramref name="evaluation"/>.</summary>
    public static EvaluationSnapshot From(Model.ModelProtocol.Evaluation evaluation) =>
        new(evaluation.TasksRun, evaluation.Version, new Dictionary<string, double>(evaluation.Values));

    /// <summary>Back to the protocol record.</summary>
    public Model.ModelProtocol.Evaluation ToEvaluation() => new(TasksRun, Version, new Dictionary<string, double>(Values));
}

/// <summary>
/// A whole population at one quiescent point (lockstep: the model between two tasks with every active agent's proposals
/// pending): everything needed to continue the run exactly as it would have gone on.
/// </summary>
/// <param name="TasksDone">Tasks done.</param>
/// <param name="Phase">Index of the current activation phase.</param>
/// <param name="GroupTasks">Tasks per group.</param>
/// <param name="GroupApplied">Applied tasks per group.</param>
/// <param name="GroupSteps">Steps per group.</param>
/// <param name="GroupRejections">Rejections per group.</param>
/// <param name="Restarts">Child restarts (agents and model).</param>
/// <param name="StoppedAgents">Agents stopped for repeated rejections, ascending.</param>
/// <param name="Evaluations">The model's periodic evaluations so far.</param>
/// <param name="Model">The model actor's state.</param>
/// <param name="Agents">Every agent's state, by id.</param>
/// <param name="Final">True for the checkpoint at the end of the budget.</param>
public sealed record PopulationCheckpoint(long TasksDone, int Phase, long[] GroupTasks, long[] GroupApplied, long[] GroupSteps, long[] GroupRejections,
    int Restarts, int[] StoppedAgents, EvaluationSnapshot[] Evaluations, ModelSnapshot Model, AgentSnapshot[] Agents, bool Final) : IBigLearnMessage;

/// <summary>
/// How a population run is checkpointed and how it treats failing agents (given to <c>PopulationSupervisor.Props</c>).
/// </summary>
/// <param name="Checkpoints">Take checkpoints (sent as <see cref="CheckpointProtocol.CheckpointTaken"/> to the observer).</param>
/// <param name="CheckpointEvery">Take one whenever the task count reaches a multiple of this (0: only at the end and on interrupt).</param>
/// <param name="MaxRejectionsInARow">Stop an agent after this many rejected tasks in a row (0: never).</param>
/// <param name="Restore">Continue from this checkpoint instead of starting afresh.</param>
public sealed record PopulationOptions(bool Checkpoints = false, long CheckpointEvery = 0, int MaxRejectionsInARow = 0, PopulationCheckpoint? Restore = null)
{
    /// <summary>Where the agents live: children of the supervisor (the default), or sharded entities on a cluster's agents-role nodes.</summary>
    public Population.IAgentPlacement Placement { get; init; } = Population.LocalAgents.Instance;

    /// <summary>Where a runner that keeps its state in files writes it at a checkpoint (<see cref="Model.ModelSettings.StateFolder"/>).</summary>
    public string? StateFolder { get; init; }
}

/// <summary>The messages of checkpointing, interrupting and stopping agents.</summary>
public static class CheckpointProtocol
{
    /// <summary>To the model: pause for a checkpoint whenever the task count reaches a multiple of <paramref name="Every"/> (0: never periodically).</summary>
    public sealed record CheckpointPlan(long Every) : IBigLearnMessage;

    /// <summary>To the model: pause for a checkpoint at the next quiescent point; <paramref name="Final"/> at the end of the budget.</summary>
    public sealed record CheckpointNow(bool Final) : IBigLearnMessage;

    /// <summary>From the model: it is paused at a quiescent point; here is its state.</summary>
    public sealed record CheckpointPoint(ModelSnapshot Model) : IBigLearnMessage;

    /// <summary>To the model: the checkpoint is taken; go on.</summary>
    public sealed record ResumeAfterCheckpoint : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static ResumeAfterCheckpoint Instance { get; } = new(); private ResumeAfterCheckpoint() { } }

    /// <summary>To the model, on resume, with the agent as sender: put this saved proposal back into the queue.</summary>
    public sealed record RestorePending(PendingSnapshot Pending) : IBigLearnMessage;

    /// <summary>To an agent: reply with its <see cref="AgentSnapshot"/>.</summary>
    public sealed record GetAgentSnapshot : IBigLearnMessage { /** <summary>The only instance.</summary> */ public static GetAgentSnapshot Instance { get; } = new(); private GetAgentSnapshot() { } }

    /// <summary>From an agent to its supervisor: it stopped after <paramref name="RejectionsInARow"/> rejected tasks in a row.</summary>
    public sealed record AgentStopped(int AgentId, int Group, int RejectionsInARow, string? LastRejection) : IBigLearnMessage;

    /// <summary>From the supervisor to its observer: a checkpoint of the whole population.</summary>
    public sealed record CheckpointTaken(PopulationCheckpoint Checkpoint) : IBigLearnMessage;

    /// <summary>
    /// To the supervisor: stop the run at the next quiescent point with a checkpoint (when checkpoints are on); the run's
    /// asker and this sender get the <c>RunCompleted</c> of the tasks done so far.
    /// </summary>
    public sealed record Interrupt(string Reason) : IBigLearnMessage;
}
