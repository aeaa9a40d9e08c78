using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Gan.Evaluation;

namespace BigLearn.Core.Gan;

/// <summary>
/// The trainer as an <see cref="IObjectiveProbe"/>: the ledger's J of a GAN run, <see cref="CompletionObjective"/> of the TRAINED
/// generator (docs/contributions.md, "GAN runs"). Not the moving average that <see cref="Complete"/> uses: a task changes the
/// trained weights directly, while its effect on the average is spread over the next ~1/(1 − decay) steps, so the average's ΔJ
/// during a task would mostly be earlier tasks' work. No ∇J (see <see cref="IContributionProbe"/>): GAN runs have no audits.
/// </summary>
public sealed partial class GanTrainer : IObjectiveProbe
{
    private CompletionObjective? _contributionObjective;

    /// <summary>The ledger's objective (null until <see cref="UseContributionObjective"/>).</summary>
    public CompletionObjective? ContributionObjective => _contributionObjective;

    /// <summary>Chooses the ledger's objective; the trainer owns it from now on (disposed with it, or when replaced).</summary>
    /// <exception cref="ArgumentException">The objective's images are not this trainer's size.</exception>
    public void UseContributionObjective(CompletionObjective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (objective.Height != Height || objective.Width != Width)
            throw new ArgumentException($"the objective's images are {objective.Height}x{objective.Width}, the trainer's {Height}x{Width}", nameof(objective));
        if (!ReferenceEquals(objective, _contributionObjective)) _contributionObjective?.Dispose();
        _contributionObjective = objective;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No objective was chosen.</exception>
    public double EvaluateObjective() =>
        (_contributionObjective ?? throw new InvalidOperationException("the GAN trainer has no ledger objective (call UseContributionObjective)"))
        .Value(_generator, Device);
}
