using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Reporting.Experiments;

/// <summary>The model's figures at one evaluation point of a Gaussian-mixture run (docs/science.md, "Scoring a mixture").</summary>
/// <param name="Tasks">Tasks done when the model was evaluated.</param>
/// <param name="Steps">Gradient steps applied so far (the model version).</param>
/// <param name="ReverseKl">Monte-Carlo KL[p_θ ‖ q].</param>
/// <param name="ForwardKl">Monte-Carlo KL[q ‖ p_θ].</param>
/// <param name="HighQualityFraction">Share of model samples within 3σ of a target mean.</param>
/// <param name="ModesCovered">Target modes that received at least 20 % of their fair share.</param>
/// <param name="ModesTotal">Target modes.</param>
/// <param name="WallSeconds">Seconds since the run started (timing only: not reproducible).</param>
/// <param name="Parameters">The model's parameter vector (means, Cholesky factors with log diagonal, weight logits).</param>
public sealed record EvaluationPoint(long Tasks, long Steps, double ReverseKl, double ForwardKl, double HighQualityFraction,
    int ModesCovered, int ModesTotal, double WallSeconds, double[] Parameters)
{
    /// <summary>−mean log p_θ of the held-out rows of a samples target (NaN for a target with a density, whose KLs are measured instead).</summary>
    public double HeldOutNll { get; init; } = double.NaN;
}

/// <summary>One agent's figures over a run.</summary>
/// <param name="Id">The agent's id (0..N−1 across groups).</param>
/// <param name="Group">Its group's name.</param>
/// <param name="Tasks">Tasks run for it (rejected included).</param>
/// <param name="Steps">Gradient steps applied for it.</param>
/// <param name="Rejections">Its tasks whose step was refused as non-finite.</param>
/// <param name="Restarts">Times its actor was restarted.</param>
/// <param name="FirstOwnLoss">Loss of its first applied task (before any of its steps), or null.</param>
/// <param name="LastOwnLoss">Last loss of its latest applied task, or null.</param>
public sealed record AgentRow(int Id, string Group, long Tasks, long Steps, long Rejections, int Restarts, double? FirstOwnLoss, double? LastOwnLoss);

/// <summary>One group's settings and what it did.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Agents">Agents in it.</param>
/// <param name="Masks">Its mask distribution in the config grammar.</param>
/// <param name="InnerSteps">Inner steps per task.</param>
/// <param name="Share">Its weight in the model's choice.</param>
/// <param name="Start">Start of its window, as a fraction of the budget.</param>
/// <param name="Stop">End of its window (exclusive).</param>
/// <param name="Tasks">Tasks it ran.</param>
/// <param name="Steps">Steps applied for it.</param>
/// <param name="Rejections">Its rejected tasks.</param>
public sealed record GroupRow(string Name, int Agents, string Masks, int InnerSteps, double Share, double Start, double Stop,
    long Tasks, long Steps, long Rejections);

/// <summary>The target's geometry, for plots: component means and the isotropic variance of the grid.</summary>
/// <param name="Dim">Data dimension (plots are drawn for 2).</param>
/// <param name="Components">Model components K.</param>
/// <param name="TargetMeans">The target's component means.</param>
/// <param name="TargetVariance">The target components' variance (σ²).</param>
public sealed record MixtureGeometry(int Dim, int Components, double[][] TargetMeans, double TargetVariance)
{
    /// <summary>The target's own weights (null: equal), for plots of a target whose components differ.</summary>
    public double[]? TargetWeights { get; init; }

    /// <summary>The target's own covariances (null: <see cref="TargetVariance"/>·I for every component).</summary>
    public double[][,]? TargetCovariances { get; init; }

    /// <summary>
    /// A samples target's data points (training rows, thinned), drawn instead of target components: a data set has no density,
    /// and its clusters' Gaussian summaries (<see cref="TargetMeans"/>) are geometry for coverage only. Null for other targets.
    /// </summary>
    public double[][]? DataPoints { get; init; }

    /// <summary>True when a samples target's rows carry cluster labels (its <see cref="TargetMeans"/> are then the clusters' means).</summary>
    public bool Labelled { get; init; }

    /// <summary>True when every component's covariance is <see cref="TargetVariance"/>·I (one σ describes them all).</summary>
    public bool Isotropic => TargetCovariances is null || TargetCovariances.All(c =>
        Enumerable.Range(0, c.GetLength(0)).All(i => Enumerable.Range(0, c.GetLength(1)).All(j => c[i, j] == (i == j ? TargetVariance : 0))));

    /// <summary>Component <paramref name="k"/>'s covariance in the plotted plane (its first two coordinates).</summary>
    public double[,] PlaneCovariance(int k) => TargetCovariances is { } c
        ? new[,] { { c[k][0, 0], c[k][0, 1] }, { c[k][1, 0], c[k][1, 1] } }
        : new[,] { { TargetVariance, 0 }, { 0, TargetVariance } };
}

/// <summary>Everything a Gaussian-mixture population run produced, as plain numbers (written by <see cref="ExperimentRunWriter"/>).</summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Seed">The experiment seed.</param>
/// <param name="Budget">The task budget.</param>
/// <param name="Scheduling">lockstep or free.</param>
/// <param name="Tasks">Tasks run.</param>
/// <param name="Steps">Gradient steps applied.</param>
/// <param name="RejectedTasks">Tasks with a refused step.</param>
/// <param name="RejectedSteps">Inner steps planned but not applied (Σ inner steps − applied).</param>
/// <param name="AgentRestarts">Agent actor restarts.</param>
/// <param name="ModelRestarts">Model actor restarts.</param>
/// <param name="Groups">Per group.</param>
/// <param name="Agents">Per agent, by id.</param>
/// <param name="Evaluations">Evaluation points in task order (the first at 0 tasks, the last at the budget).</param>
/// <param name="Geometry">The target's geometry.</param>
/// <param name="Settings">Settings lines for the report (name: value).</param>
/// <param name="WallSeconds">Duration of the run (timing only).</param>
public sealed partial record ExperimentOutcome(
    string Experiment, long Seed, long Budget, string Scheduling, long Tasks, long Steps, long RejectedTasks, long RejectedSteps,
    int AgentRestarts, int ModelRestarts, IReadOnlyList<GroupRow> Groups, IReadOnlyList<AgentRow> Agents,
    IReadOnlyList<EvaluationPoint> Evaluations, MixtureGeometry Geometry, IReadOnlyList<string> Settings, double WallSeconds)
{
    /// <summary>The per-agent contribution ledger (null when <c>ledger.every = 0</c>).</summary>
    public ContributionSummary? Contributions { get; init; }

    /// <summary>How the population's menu agents shifted their shares over the run (null: no group has a menu).</summary>
    public Core.Adaptation.AdaptationHistory? Adaptation { get; init; }

    /// <summary>The last evaluation point (the model at the end of the run).</summary>
    public EvaluationPoint Final => Evaluations[^1];

    /// <summary>True for a samples target: held-out NLL (and coverage of labelled clusters) instead of KLs.</summary>
    public bool OnData => Geometry.DataPoints is not null;

    /// <summary>True when modes are counted: every target with a density, and a samples target with labels.</summary>
    public bool CountsModes => !OnData || Geometry.Labelled;

    /// <summary>Agents stopped for repeated rejections (ids, ascending).</summary>
    public IReadOnlyList<int> StoppedAgents { get; init; } = [];
}
