using System.Collections.Frozen;
using System.Text.Json.Serialization.Metadata;
using BigLearn.Actors.Checkpoints;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;
using static BigLearn.Actors.Cluster.ExperimentProtocol;
using static BigLearn.Actors.Cluster.ShardedAgentProtocol;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Messages;

/// <summary>
/// The one table of the wire: every <see cref="IBigLearnMessage"/> type and its manifest, a short stable name with a version
/// (<c>propose.v1</c>). The versioning rule: a record whose shape changes (a member added, removed, renamed or retyped) gets a new
/// manifest version (<c>propose.v2</c>); a manifest is never reused for another shape, so a node refuses what it does not know
/// instead of misreading it.
/// </summary>
public static class WireManifests
{
    /// <summary>One row of the table: the manifest, the type, and for a singleton its only instance (sent as an empty payload).</summary>
    /// <param name="Manifest">The manifest.</param>
    /// <param name="Type">The record type.</param>
    /// <param name="Singleton">The only instance of a body-less message, or null for a record with a body.</param>
    public sealed record Entry(string Manifest, Type Type, IBigLearnMessage? Singleton);

    /// <summary>Every row, in protocol order.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
        // Messages/
        Body<TaskDescriptor>("task.v1"),
        // Model/ModelProtocol
        Body<Propose>("propose.v1"),
        Body<SetActive>("set-active.v1"),
        One("evaluate.v1", Evaluate.Instance),
        One("get-model-stats.v1", GetModelStats.Instance),
        Body<TaskCompleted>("task-completed.v1"),
        Body<Evaluation>("evaluation.v1"),
        Body<ModelStats>("model-stats.v1"),
        One("pause-run.v1", PauseRun.Instance),
        One("resume-run.v1", ResumeRun.Instance),
        Body<SetGroupShare>("set-group-share.v1"),
        Body<RunControlled>("run-controlled.v1"),
        Body<ControlRefused>("control-refused.v1"),
        // Agents/TaskAgentProtocol
        One("activate.v1", Activate.Instance),
        One("deactivate.v1", Deactivate.Instance),
        Body<TaskResult>("task-result.v1"),
        Body<TaskRejected>("task-rejected.v1"),
        Body<ProposalRefused>("proposal-refused.v1"),
        Body<ProposalWithdrawn>("proposal-withdrawn.v1"),
        One("get-stats.v1", GetStats.Instance),
        Body<AgentStats>("agent-stats.v1"),
        // Population/PopulationProtocol
        One("start-run.v1", StartRun.Instance),
        Body<GroupTally>("group-tally.v1"),
        Body<RunCompleted>("run-completed.v1"),
        Body<AgentLocated>("agent-located.v1"),
        // Checkpoints/
        Body<PendingSnapshot>("pending-snapshot.v1"),
        Body<ModelSnapshot>("model-snapshot.v1"),
        Body<AgentSnapshot>("agent-snapshot.v1"),
        Body<EvaluationSnapshot>("evaluation-snapshot.v1"),
        Body<PopulationCheckpoint>("population-checkpoint.v1"),
        Body<CheckpointPlan>("checkpoint-plan.v1"),
        Body<CheckpointNow>("checkpoint-now.v1"),
        Body<CheckpointPoint>("checkpoint-point.v1"),
        One("resume-after-checkpoint.v1", ResumeAfterCheckpoint.Instance),
        Body<RestorePending>("restore-pending.v1"),
        One("get-agent-snapshot.v1", GetAgentSnapshot.Instance),
        Body<AgentStopped>("agent-stopped.v1"),
        Body<CheckpointTaken>("checkpoint-taken.v1"),
        Body<Interrupt>("interrupt.v1"),
        // Cluster/ClusterStatusProtocol
        One("get-cluster-status.v1", GetClusterStatus.Instance),
        Body<ClusterStatus>("cluster-status.v2"), // v2: with the placement of experiments and agents
        One("get-local-entities.v1", GetLocalEntities.Instance),
        Body<LocalEntities>("local-entities.v1"),
        // Cluster/ShardedAgentProtocol
        Body<StartAgent>("start-agent.v1"),
        Body<AgentStarted>("agent-started.v1"),
        Body<StopAgent>("stop-agent.v1"),
        Body<AgentLost>("agent-lost.v1"),
        // Cluster/ExperimentProtocol
        Body<SubmitExperiment>("submit-experiment.v1"),
        Body<ExperimentAccepted>("experiment-accepted.v1"),
        Body<ExperimentStage>("experiment-stage.v1"),
        Body<ExperimentProgress>("experiment-progress.v1"),
        Body<ExperimentFinished>("experiment-finished.v1"),
        Body<ExperimentFailed>("experiment-failed.v1"),
    ];

    private static readonly FrozenDictionary<Type, Entry> ByType = All.ToFrozenDictionary(e => e.Type);
    private static readonly FrozenDictionary<string, Entry> ByManifest = All.ToFrozenDictionary(e => e.Manifest, StringComparer.Ordinal);

    /// <summary>The row of <paramref name="type"/>, or null when it has none.</summary>
    public static Entry? OfType(Type type) => ByType.GetValueOrDefault(type);

    /// <summary>The row of <paramref name="manifest"/>, or null when no type has it.</summary>
    public static Entry? OfManifest(string manifest) => ByManifest.GetValueOrDefault(manifest);

    /// <summary>The generated JSON metadata of a record with a body (null for a singleton or a type outside the context).</summary>
    internal static JsonTypeInfo? TypeInfo(Entry entry) =>
        entry.Singleton is null ? WireJsonContext.Default.GetTypeInfo(entry.Type) : null;

    private static Entry Body<T>(string manifest) where T : class, IBigLearnMessage => new(manifest, typeof(T), null);

    private static Entry One<T>(string manifest, T instance) where T : class, IBigLearnMessage => new(manifest, typeof(T), instance);
}
