using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>Always the joint task: S = ∅, T = all coordinates (<c>joint</c>). Draws no random numbers.</summary>
public sealed class JointMasks : MaskDistribution
{
    /// <summary>The joint-task distribution in dimension <paramref name="dim"/> (≥ 1).</summary>
    public JointMasks(int dim) : base(dim)
    {
    }

    /// <inheritdoc />
    public override string Description => "joint";

    /// <inheritdoc />
    public override TaskKind? Kind => TaskKind.Joint;

    /// <inheritdoc />
    internal override bool ContainsTransform => false;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng) => LearningTask.Joint(Dim);
}
