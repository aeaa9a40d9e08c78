using System.Text.Json.Serialization;
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
/// The source-generated System.Text.Json metadata of every protocol record with a body (the singletons carry none; see
/// <see cref="WireManifests"/>). The options are the wire's rules: doubles round-trip exactly (shortest round-trip text, NaN and
/// ±Infinity as named literals), computed get-only properties are not written, and on reading an unknown member, a missing
/// constructor parameter, a null where the record says non-null or nesting deeper than <see cref="BigLearnSerializer.MaxDepth"/>
/// is an error.
/// </summary>
[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    IgnoreReadOnlyProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    MaxDepth = BigLearnSerializer.MaxDepth)]
// Messages/
[JsonSerializable(typeof(TaskDescriptor))]
// Model/ModelProtocol
[JsonSerializable(typeof(Propose))]
[JsonSerializable(typeof(SetActive))]
[JsonSerializable(typeof(TaskCompleted))]
[JsonSerializable(typeof(Evaluation))]
[JsonSerializable(typeof(ModelStats))]
[JsonSerializable(typeof(SetGroupShare))]
[JsonSerializable(typeof(RunControlled))]
[JsonSerializable(typeof(ControlRefused))]
// Agents/TaskAgentProtocol
[JsonSerializable(typeof(TaskResult))]
[JsonSerializable(typeof(TaskRejected))]
[JsonSerializable(typeof(ProposalRefused))]
[JsonSerializable(typeof(ProposalWithdrawn))]
[JsonSerializable(typeof(AgentStats))]
// Population/PopulationProtocol
[JsonSerializable(typeof(GroupTally))]
[JsonSerializable(typeof(RunCompleted))]
[JsonSerializable(typeof(AgentLocated))]
// Checkpoints/
[JsonSerializable(typeof(PendingSnapshot))]
[JsonSerializable(typeof(ModelSnapshot))]
[JsonSerializable(typeof(AgentSnapshot))]
[JsonSerializable(typeof(EvaluationSnapshot))]
[JsonSerializable(typeof(PopulationCheckpoint))]
[JsonSerializable(typeof(CheckpointPlan))]
[JsonSerializable(typeof(CheckpointNow))]
[JsonSerializable(typeof(CheckpointPoint))]
[JsonSerializable(typeof(RestorePending))]
[JsonSerializable(typeof(AgentStopped))]
[JsonSerializable(typeof(CheckpointTaken))]
[JsonSerializable(typeof(Interrupt))]
// Cluster/ClusterStatusProtocol
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(LocalEntities))]
[JsonSerializable(typeof(StartAgent))]
[JsonSerializable(typeof(AgentStarted))]
[JsonSerializable(typeof(StopAgent))]
[JsonSerializable(typeof(AgentLost))]
[JsonSerializable(typeof(SubmitExperiment))]
[JsonSerializable(typeof(ExperimentAccepted))]
[JsonSerializable(typeof(ExperimentStage))]
[JsonSerializable(typeof(ExperimentProgress))]
[JsonSerializable(typeof(ExperimentFinished))]
[JsonSerializable(typeof(ExperimentFailed))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
