using BigLearn.Actors.Messages;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// The messages between <c>biglearn run --cluster</c> (the submitter, a cluster member without roles) and the experiment's host,
/// a sharded entity on a model-role node keyed by the experiment's id. The submitter watches the host: when the host's node is
/// lost it submits again with <see cref="SubmitExperiment.Resume"/>, and the shard, now on another model-role node, continues the
/// run from its newest checkpoint on the storage both nodes see.
/// </summary>
public static class ExperimentProtocol
{
    /// <summary>The experiment shard region's type name.</summary>
    public const string TypeName = "experiment";

    /// <summary>Runs (or, with <paramref name="Resume"/>, continues) an experiment; answered by <see cref="ExperimentAccepted"/> or <see cref="ExperimentFailed"/>.</summary>
    /// <param name="Experiment">The experiment's id: the run folder's name.</param>
    /// <param name="ConfigText">The resolved configuration.</param>
    /// <param name="ConfigOrigin">Where it came from (for messages).</param>
    /// <param name="Folder">The run folder, on storage every model-role node sees.</param>
    /// <param name="Resume">Continue the run in <paramref name="Folder"/> from its newest checkpoint (after its model's node was lost).</param>
    /// <param name="Recoveries">The recoveries so far (each a line), carried into the run's <c>cluster.json</c>.</param>
    public sealed record SubmitExperiment(string Experiment, string ConfigText, string ConfigOrigin, string Folder, bool Resume, string[] Recoveries) : IBigLearnMessage;

    /// <summary>From the host: the experiment runs on <paramref name="Node"/> (the sender is the host, which the submitter watches).</summary>
    public sealed record ExperimentAccepted(string Experiment, string Node) : IBigLearnMessage;

    /// <summary>From the host: a stage before or after the training (data, classifier, evaluation, writing, recovering).</summary>
    public sealed record ExperimentStage(string Experiment, string Stage) : IBigLearnMessage;

    /// <summary>From the host: progress of the run, as a local run reports it.</summary>
    /// <param name="Experiment">The experiment's id.</param>
    /// <param name="TasksDone">Tasks done.</param>
    /// <param name="Budget">The budget in tasks.</param>
    /// <param name="Figures">The kind's figures from the latest evaluation.</param>
    /// <param name="TopAgents">The agents with the most credit so far (empty without a ledger).</param>
    /// <param name="CreditsSampled">True when credits are sampled estimates.</param>
    public sealed record ExperimentProgress(string Experiment, long TasksDone, long Budget, ProgressFigure[] Figures, ProgressAgent[] TopAgents,
        bool CreditsSampled) : IBigLearnMessage;

    /// <summary>A figure of <see cref="ExperimentProgress"/> (not a message on its own).</summary>
    public sealed record ProgressFigure(string Label, string Text);

    /// <summary>An agent's credit in <see cref="ExperimentProgress"/> (not a message on its own).</summary>
    public sealed record ProgressAgent(int AgentId, string Group, double Credit);

    /// <summary>From the host: the run wrote its folder; what a local run prints at its end.</summary>
    /// <param name="Experiment">The experiment's id.</param>
    /// <param name="Folder">The run folder.</param>
    /// <param name="Files">Files written (relative).</param>
    /// <param name="Interrupted">True when the run stopped before its budget.</param>
    /// <param name="Tasks">Tasks done.</param>
    /// <param name="Budget">The budget.</param>
    /// <param name="Header">The result table's header.</param>
    /// <param name="Rows">The result table's rows.</param>
    /// <param name="TotalSeconds">The run's wall time.</param>
    /// <param name="Sentences">The outcome's closing sentences.</param>
    /// <param name="Recoveries">Recoveries during the run (each a line).</param>
    public sealed record ExperimentFinished(string Experiment, string Folder, string[] Files, bool Interrupted, long Tasks, long Budget,
        string[] Header, string[][] Rows, double TotalSeconds, string[] Sentences, string[] Recoveries) : IBigLearnMessage;

    /// <summary>From the host: the run could not run or failed for good.</summary>
    /// <param name="Experiment">The experiment's id.</param>
    /// <param name="Error">One line.</param>
    /// <param name="UserError">True for a mistake the user can fix (configuration, data, folder): the CLI exits 2.</param>
    public sealed record ExperimentFailed(string Experiment, string Error, bool UserError) : IBigLearnMessage;
}

/// <summary>
/// Entity and shard ids of the experiment region: a <see cref="ExperimentProtocol.SubmitExperiment"/> names its experiment, which is both
/// its entity and its shard, so every experiment is a shard of its own and the allocation strategy spreads experiments one by one over
/// the model-role nodes (the fewest first).
/// </summary>
public sealed class ExperimentExtractor : Akka.Cluster.Sharding.IMessageExtractor
{
    /// <inheritdoc />
    public string EntityId(object message) => (message as ExperimentProtocol.SubmitExperiment)?.Experiment!;

    /// <inheritdoc />
    public object EntityMessage(object message) => message;

    /// <inheritdoc />
    public string ShardId(object message) => EntityId(message);

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
