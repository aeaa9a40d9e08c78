using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Gan.Evaluation;

namespace BigLearn.Core.Gan;

/// <summary>Which of the trainer's two generators the ledger's J judges.</summary>
public enum JudgedGenerator
{
    /// <summary>
    /// The exponential moving average (<see cref="GanTrainer.Complete"/>'s generator): what the run delivers and the evaluation
    /// scores. Its J moves smoothly, so a sampled ledger estimates the whole run's ΔJ well; a task moves it by (1 − decay) of the
    /// way to the trained generator, which carries the last ~1/(1 − decay) steps' work, so its credit is smoothed and lagged.
    /// </summary>
    Average,

    /// <summary>
    /// The generator being trained: each task's direct effect. Adversarial steps move it by tens of J units up and down (the jitter
    /// the average is there to remove), so its credits are dominated by that oscillation.
    /// </summary>
    Trained,
}

/// <summary>
/// The trainer as an <see cref="IObjectiveProbe"/>: the ledger's J of a GAN run, <see cref="CompletionObjective"/> of the generator
/// <see cref="JudgedGenerator"/> names (docs/contributions.md, "GAN runs"). No ∇J (see <see cref="IContributionProbe"/>): GAN runs
/// have no audits.
/// </summary>
public sealed partial class GanTrainer : IObjectiveProbe
{
    private CompletionObjective? _contributionObjective;

    /// <summary>The ledger's objective (null until <see cref="UseContributionObjective"/>).</summary>
    public CompletionObjective? ContributionObjective => _contributionObjective;

    /// <summary>The generator J judges (the moving average unless <see cref="UseContributionObjective"/> said otherwise).</summary>
    public JudgedGenerator JudgedGenerator { get; private set; }

    /// <summary>
    /// Chooses the ledger's objective and the generator it judges; the trainer owns the objective from now on (disposed with it,
    /// or when replaced).
    /// </summary>
    /// <exception cref="ArgumentException">The objective's images are not this trainer's size.</exception>
    public void UseContributionObjective(CompletionObjective objective, JudgedGenerator judged = JudgedGenerator.Average)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (objective.Height != Height || objective.Width != Width)
            throw new ArgumentException($"the objective's images are {objective.Height}x{objective.Width}, the trainer's {Height}x{Width}", nameof(objective));
        if (!ReferenceEquals(objective, _contributionObjective)) _contributionObjective?.Dispose();
        _contributionObjective = objective;
        JudgedGenerator = judged;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No objective was chosen.</exception>
    public double EvaluateObjective() =>
        (_contributionObjective ?? throw new InvalidOperationException("the GAN trainer has no ledger objective (call UseContributionObjective)"))
        .Value(JudgedGenerator == JudgedGenerator.Trained ? _generator : _average, Device);
}
