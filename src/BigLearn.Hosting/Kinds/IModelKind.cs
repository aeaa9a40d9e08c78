using BigLearn.Actors.Population;
using BigLearn.Core;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting;
using TorchSharp;

namespace BigLearn.Hosting.Kinds;

/// <summary>
/// A universal model the tool can train with a population of agents (the <c>kind</c> of a config file). A kind is one
/// folder under <c>Kinds/</c> and one line in <see cref="ModelKinds"/>: it reads its own config section, builds the runner
/// and evaluation the model actor runs, names the figures a run shows while it learns, and writes its outputs. The run
/// pipeline (<c>run</c>, <c>resume</c>, <c>validate</c>, checkpoints and the ledger) knows kinds only through this contract.
/// </summary>
public interface IModelKind
{
    /// <summary>The value of <c>kind</c> in a config file.</summary>
    string Name { get; }

    /// <summary>What the kind trains, for messages and help ("a Gaussian mixture", "a mask-conditioned GAN").</summary>
    string Title { get; }

    /// <summary>Validates a parsed configuration of this kind.</summary>
    /// <exception cref="ConfigException">A key is unknown, malformed or out of range (one line naming file, key, value and what is allowed).</exception>
    IExperiment Parse(ConfigSource source);
}

/// <summary>A validated experiment of some <see cref="IModelKind"/>.</summary>
public interface IExperiment
{
    /// <summary>The kind that parsed it.</summary>
    IModelKind ModelKind { get; }

    /// <summary>What every population run has, whatever its model.</summary>
    RunSettings Run { get; }

    /// <summary>One line describing the experiment (what <c>biglearn validate</c> prints).</summary>
    string Summary();

    /// <summary>True when the kind's runner can be saved and restored exactly: the run writes checkpoints and can be resumed.</summary>
    bool Checkpoints { get; }

    /// <summary>True when <c>--seeds</c> may run it once per seed into one sweep folder.</summary>
    bool Sweeps { get; }

    /// <summary>The names of its runs' summary figures (<see cref="Reporting.IRunOutcome.Figures"/>), in order: what an ablation compares.</summary>
    IReadOnlyList<string> FigureNames { get; }

    /// <summary>True when its runs evaluate those figures on the untrained model too (<see cref="Reporting.IRunOutcome.InitialFigures"/>).</summary>
    bool EvaluatesUntrainedModel { get; }

    /// <summary>
    /// Prepares what the run needs before its folder exists (a data set, an evaluation classifier), telling
    /// <paramref name="stage"/> the name of each step.
    /// </summary>
    /// <exception cref="Core.Images.ImageDataException">A data set is missing or malformed (one line).</exception>
    IExperimentSession Open(torch.Device device, Action<string>? stage);
}

/// <summary>The keys every population run has, read by each kind with <see cref="RunBasics"/>.</summary>
/// <param name="Experiment">Name (run folder <c>runs/&lt;experiment&gt;/…</c>).</param>
/// <param name="Population">The agents, groups, budget, scheduling and credits.</param>
/// <param name="Device">Where tensors live.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Timeout">How long the whole run may take before it is abandoned.</param>
/// <param name="FileLogLevel">Minimum level of <c>log.jsonl</c>.</param>
/// <param name="Masks">Each group's mask spec as written.</param>
/// <param name="Source">The parsed configuration.</param>
/// <param name="Checkpoint">How often checkpoints are written and how many are kept (ignored by kinds without checkpoints).</param>
/// <param name="MaxRejectionsInARow">Stop an agent after this many rejected tasks in a row (0: never).</param>
/// <param name="Ledger">When the model measures per-agent contributions; null without a ledger.</param>
public sealed record RunSettings(string Experiment, PopulationSpec Population, DeviceChoice Device, int Threads, TimeSpan Timeout,
    LogLevel FileLogLevel, IReadOnlyList<string> Masks, ConfigSource Source, CheckpointSection Checkpoint, int MaxRejectionsInARow,
    ContributionSchedule? Ledger);

/// <summary>One run of an experiment: what the model actor runs, what progress shows, and how the result is assembled.</summary>
public interface IExperimentSession
{
    /// <summary>A fresh runner with its evaluation; called on the model actor's pinned thread (at start and after a restart).</summary>
    ModelRuntime CreateRuntime();

    /// <summary>The evaluation figures a progress line shows, in order.</summary>
    IReadOnlyList<ProgressFigure> ProgressFigures { get; }

    /// <summary>
    /// True when the run ends with an evaluation of its own even if the last periodic one was at the end (a full evaluation
    /// that differs from the periodic checks); the pipeline calls <see cref="BeforeFinalEvaluation"/> first.
    /// </summary>
    bool SeparateFinalEvaluation { get; }

    /// <summary>Called just before the final evaluation is asked for.</summary>
    void BeforeFinalEvaluation();

    /// <summary>The run's outcome from what the pipeline gathered.</summary>
    IRunOutcome Outcome(RunRecord record);
}

/// <summary>A figure a progress line shows: the evaluation value <paramref name="Name"/> as "<paramref name="Label"/> text".</summary>
/// <param name="Name">The value's name in an evaluation.</param>
/// <param name="Label">How the line names it ("modes covered").</param>
/// <param name="Format">Its text.</param>
public sealed record ProgressFigure(string Name, string Label, Func<double, string> Format);

/// <summary>An evaluation of the model with the wall time at which it was taken.</summary>
/// <param name="TasksRun">Tasks run when evaluated.</param>
/// <param name="Version">Model version.</param>
/// <param name="Values">The figures by name.</param>
/// <param name="Seconds">Wall time since the run started (timing only).</param>
public sealed record EvaluationRecord(long TasksRun, long Version, IReadOnlyDictionary<string, double> Values, double Seconds);

/// <summary>What the pipeline gathered from a run, for <see cref="IExperimentSession.Outcome"/>.</summary>
/// <param name="Result">The supervisor's tallies.</param>
/// <param name="RejectedSteps">Inner steps planned but not applied.</param>
/// <param name="Initial">The untrained model's evaluation.</param>
/// <param name="Evaluations">The periodic evaluations, in task order.</param>
/// <param name="Final">The evaluation asked for at the end (null when the last periodic one was at the end and the kind needs no other).</param>
/// <param name="Contributions">The ledger's summary (null without a ledger).</param>
/// <param name="TrainingSeconds">Wall time until the training ended.</param>
/// <param name="WallSeconds">Wall time until the final evaluation ended.</param>
public sealed record RunRecord(Actors.Population.PopulationProtocol.RunCompleted Result, long RejectedSteps, EvaluationRecord Initial,
    IReadOnlyList<EvaluationRecord> Evaluations, EvaluationRecord? Final, ContributionSummary? Contributions, double TrainingSeconds,
    double WallSeconds)
{
    /// <summary>How the population's menu agents shifted their shares (null: no menu group).</summary>
    public Core.Adaptation.AdaptationHistory? Adaptation { get; init; }
}
