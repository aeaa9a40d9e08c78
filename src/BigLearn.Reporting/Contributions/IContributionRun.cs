using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Contributions;

/// <summary>
/// What the ledger's outputs (<see cref="ContributionOutputs"/>: <c>contributions.json</c>, <c>groups.csv</c>, the <c>agents.csv</c>
/// columns, the plots, TensorBoard) need of a finished run, whatever its model kind: a Gaussian mixture's
/// <see cref="ExperimentOutcome"/> or a GAN's <see cref="Gan.GanOutcome"/>.
/// </summary>
public interface IContributionRun
{
    /// <summary>The experiment's name.</summary>
    string Experiment { get; }

    /// <summary>The experiment seed.</summary>
    long Seed { get; }

    /// <summary>The task budget.</summary>
    long Budget { get; }

    /// <summary>Tasks run.</summary>
    long Tasks { get; }

    /// <summary>Per group, in config order.</summary>
    IReadOnlyList<GroupRow> Groups { get; }

    /// <summary>Per agent, by id.</summary>
    IReadOnlyList<AgentRow> Agents { get; }

    /// <summary>The ledger (null when the run kept none).</summary>
    ContributionSummary? Contributions { get; }

    /// <summary>Tasks done at each evaluation point, in order: where the credit windows are cut.</summary>
    IReadOnlyList<long> EvaluationTasks { get; }

    /// <summary>The kind's evaluation figures as TensorBoard scalars, in the order they are written.</summary>
    IReadOnlyList<EvaluationScalar> EvaluationScalars { get; }
}

/// <summary>One evaluation figure at one evaluation point, for TensorBoard.</summary>
/// <param name="Tag">Its tag (<c>evaluation/…</c>).</param>
/// <param name="Tasks">Tasks done (TensorBoard's step).</param>
/// <param name="Value">The figure (skipped when not finite).</param>
public sealed record EvaluationScalar(string Tag, long Tasks, double Value);
