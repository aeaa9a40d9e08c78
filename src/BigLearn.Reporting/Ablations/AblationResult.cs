using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Ablations;

/// <summary>The effect on one figure of removing a group: per seed, the figure without it minus the figure with it.</summary>
/// <param name="Figure">Which figure, by its <c>summary.json</c> name (<see cref="RunFigure.Name"/>).</param>
/// <param name="Mean">The mean difference over seeds.</param>
/// <param name="Low">The 95 % interval's lower end (Student's t over the paired seeds; NaN with one seed).</param>
/// <param name="High">Its upper end.</param>
/// <param name="PerSeed">The differences, in seed order.</param>
public sealed record FigureEffect(string Figure, double Mean, double Low, double High, IReadOnlyList<double> PerSeed);

/// <summary>One studied group: the effect of removing it, or why the population cannot run without it.</summary>
/// <param name="Group">The group.</param>
/// <param name="Folder">The variant's folder (relative to the ablation's), or null when it could not run.</param>
/// <param name="NotRunnable">Why the config without the group is refused, or null.</param>
/// <param name="Effects">The effect on every figure (empty when it could not run).</param>
public sealed record AblationEffect(string Group, string? Folder, string? NotRunnable, IReadOnlyList<FigureEffect>? Effects = null);

/// <summary>A finished ablation.</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Seeds">The seeds every variant ran with.</param>
/// <param name="Groups">The studied groups, in the order of <paramref name="Shapley"/>.</param>
/// <param name="Figure">The figure of the Shapley values and the plot, by name.</param>
/// <param name="Baseline">The whole population's figures per seed (the kind's <see cref="IRunOutcome.Figures"/>).</param>
/// <param name="Effects">One per studied group.</param>
/// <param name="Shapley">The groups' Shapley values on <paramref name="Figure"/>, or null when not asked for.</param>
/// <param name="ShapleySamples">Orders of arrival sampled (null: exact values).</param>
/// <param name="Variants">Variant populations run (sweeps).</param>
public sealed record AblationResult(string Experiment, IReadOnlyList<long> Seeds, IReadOnlyList<string> Groups, string Figure,
    IReadOnlyList<FigureRow> Baseline, IReadOnlyList<AblationEffect> Effects, IReadOnlyList<ShapleyValue>? Shapley, int? ShapleySamples, int Variants)
{
    /// <summary>The committed ablation folder (set once written).</summary>
    public string Folder { get; init; } = "";
}
