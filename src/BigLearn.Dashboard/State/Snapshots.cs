namespace BigLearn.Dashboard.State;

/// <summary>A run in the list of runs the dashboard serves.</summary>
/// <param name="Id">Its id in URLs.</param>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Kind">The model kind (<c>population</c>, <c>gan</c>).</param>
/// <param name="Status">waiting, running, paused, stopping, done, interrupted, failed or finished (a folder served from its files).</param>
/// <param name="Live">True for a run of this process, false for one read from its files.</param>
public sealed record RunListItem(string Id, string Experiment, string Kind, string Status, bool Live);

/// <summary>One group of the population.</summary>
/// <param name="Index">Its index (as <c>SetGroupShare</c> takes it).</param>
/// <param name="Name">Its name.</param>
/// <param name="Masks">Its mask distribution as written in the config.</param>
/// <param name="Agents">Its agents.</param>
/// <param name="Share">Its share now (the config's until changed).</param>
/// <param name="Tasks">Tasks run for it.</param>
/// <param name="Credit">Its credit (null without a ledger).</param>
/// <param name="Active">Whether its window includes the current task.</param>
/// <param name="Window">Its activation window as fractions of the budget.</param>
public sealed record GroupRow(int Index, string Name, string Masks, int Agents, double Share, long Tasks, double? Credit, bool Active, string Window);

/// <summary>One agent's line. New columns are added here and in the page's column list (wwwroot/app.js, <c>AGENT_COLUMNS</c>); a column whose values are all null is hidden.</summary>
/// <param name="Id">The agent.</param>
/// <param name="Group">Its group.</param>
/// <param name="Tasks">Tasks run for it.</param>
/// <param name="Credit">Its credit (ΔJ summed; null without a ledger).</param>
/// <param name="Share">Its share of the total credit.</param>
/// <param name="Corrected">Its corrected credit, where the ledger or contributions.json has one (null otherwise).</param>
/// <param name="Alignment">Mean cosine of its audits (null without audits).</param>
/// <param name="Rejections">Its rejected tasks.</param>
/// <param name="Restarts">Its restarts (null while the run goes on: agents report them at the end).</param>
/// <param name="Node">Where it lives: a cluster node's address, or <c>this process</c>.</param>
public sealed record AgentRow(int Id, string Group, long Tasks, double? Credit, double? Share, double? Corrected, double? Alignment, long Rejections,
    int? Restarts, string Node);

/// <summary>An evaluation of the model.</summary>
/// <param name="Tasks">Tasks run.</param>
/// <param name="Seconds">Wall time into the run (null when not known).</param>
/// <param name="Values">The kind's figures (the parameter vector left out).</param>
public sealed record EvaluationPoint(long Tasks, double? Seconds, IReadOnlyDictionary<string, double?> Values);

/// <summary>Each group's cumulative credit after <paramref name="Tasks"/> tasks.</summary>
public sealed record GroupCreditPoint(long Tasks, double[] Groups);

/// <summary>A figure the page plots: an evaluation value's name, its label and the chart it goes in.</summary>
/// <param name="Name">The value's name.</param>
/// <param name="Label">How it is called.</param>
/// <param name="Chart">The chart (figures of one chart share it): <c>kl</c>, <c>modes</c>, <c>quality</c>, <c>fid</c>, <c>losses</c>.</param>
public sealed record CurveSpec(string Name, string Label, string Chart);

/// <summary>A picture of the model (its URL carries the tasks, so a newer one is fetched anew).</summary>
public sealed record PictureRef(string Name, string Title, long Tasks, string Url);

/// <summary>Something that happened in the run (phase switch, checkpoint, control), with the task count.</summary>
public sealed record RunEvent(long Tasks, string Text);

/// <summary>
/// A run as the page shows it. Series are sent from an index on (<see cref="EvaluationsFrom"/>, <see cref="CreditFrom"/>), so an
/// event stream sends only the points its client lacks; everything else is whole.
/// </summary>
public sealed record RunSnapshot
{
    /// <summary>The run's id.</summary>
    public required string Id { get; init; }

    /// <summary>The experiment's name.</summary>
    public required string Experiment { get; init; }

    /// <summary>The kind (<c>population</c>, <c>gan</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>What the kind trains.</summary>
    public required string Title { get; init; }

    /// <summary>The run folder.</summary>
    public required string Folder { get; init; }

    /// <summary>A run of this process (controls possible) or one read from its files.</summary>
    public required bool Live { get; init; }

    /// <summary>waiting, running, paused, stopping, done, interrupted, failed, finished.</summary>
    public required string Status { get; init; }

    /// <summary>One line about the status (a failure's reason, the folder written).</summary>
    public string? Message { get; init; }

    /// <summary>Tasks in the run.</summary>
    public required long Budget { get; init; }

    /// <summary>Tasks done.</summary>
    public required long TasksDone { get; init; }

    /// <summary>The current activation phase, as text.</summary>
    public required string Phase { get; init; }

    /// <summary>Wall time into the run.</summary>
    public double? Seconds { get; init; }

    /// <summary>Whether controls can act (a live run that has not ended).</summary>
    public required bool Controllable { get; init; }

    /// <summary>Whether the credit comes from a ledger (false: no credit columns).</summary>
    public required bool HasLedger { get; init; }

    /// <summary>The groups.</summary>
    public required IReadOnlyList<GroupRow> Groups { get; init; }

    /// <summary>The agents, by id.</summary>
    public required IReadOnlyList<AgentRow> Agents { get; init; }

    /// <summary>What the curves plot.</summary>
    public required IReadOnlyList<CurveSpec> Curves { get; init; }

    /// <summary>Index of the first evaluation in <see cref="Evaluations"/>.</summary>
    public required int EvaluationsFrom { get; init; }

    /// <summary>Evaluations from <see cref="EvaluationsFrom"/> on.</summary>
    public required IReadOnlyList<EvaluationPoint> Evaluations { get; init; }

    /// <summary>Index of the first point in <see cref="Credit"/>.</summary>
    public required int CreditFrom { get; init; }

    /// <summary>The groups' credit over time from <see cref="CreditFrom"/> on (sampled: at most about a thousand points a run).</summary>
    public required IReadOnlyList<GroupCreditPoint> Credit { get; init; }

    /// <summary>The newest figures that are not curves (a GAN's final completion accuracies, the final summary's numbers).</summary>
    public required IReadOnlyDictionary<string, double?> Figures { get; init; }

    /// <summary>The newest pictures of the model.</summary>
    public required IReadOnlyList<PictureRef> Pictures { get; init; }

    /// <summary>The newest events, oldest first.</summary>
    public required IReadOnlyList<RunEvent> Events { get; init; }
}

/// <summary>One agent's history, for its page.</summary>
public sealed record AgentDetail
{
    /// <summary>The agent's line in the table.</summary>
    public required AgentRow Row { get; init; }

    /// <summary>Its group's mask distribution as written.</summary>
    public required string Masks { get; init; }

    /// <summary>Its credit and own task count over the run's tasks (sampled), or empty where the run's files do not have them.</summary>
    public required IReadOnlyList<AgentHistoryPoint> History { get; init; }

    /// <summary>How many of its tasks observed |S| = i (index i = 0..L), or null where not recorded.</summary>
    public required long[]? ObservedSizes { get; init; }

    /// <summary>Its tasks by transform (<c>data domain</c>, <c>haar</c>, … with the noise they saw through), or null where not recorded.</summary>
    public required IReadOnlyDictionary<string, long>? Transforms { get; init; }

    /// <summary>Why a part is missing (a finished run's files keep no masks), or null.</summary>
    public string? Note { get; init; }
}

/// <summary>An agent after <paramref name="Tasks"/> tasks of the run: its cumulative credit and how many of those tasks were its own.</summary>
public sealed record AgentHistoryPoint(long Tasks, double? Credit, long OwnTasks);
