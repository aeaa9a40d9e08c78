using System.Globalization;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// The tasks of an inner distribution seen through Gaussian noise (<c>noisy(joint, sd=1.5)</c>,
/// <c>noisy(haar(marginal(k=1)), sd=1)</c>): every task matches p_θ ∗ N(0, σ²I) to q ∗ N(0, σ²I) on its target
/// coordinates. Convolution with a Gaussian is one-to-one, so these views share their global optimum with the
/// noiseless ones, while modes closer than ~2σ merge into one basin: a coarse view of the data.
/// Only joint and marginal tasks can be noisy (a conditional task observes y_S exactly).
/// </summary>
/// <remarks>Draws no random numbers of its own: the inner task's, in the inner order (the noise itself is drawn by the trainer).</remarks>
public sealed class NoisyMasks : MaskDistribution
{
    /// <summary>The inner distribution's tasks with noise of standard deviation <paramref name="noise"/> (finite, &gt; 0).</summary>
    public NoisyMasks(MaskDistribution inner, double noise) : base(CheckInner(inner).Dim)
    {
        if (!(noise > 0) || !double.IsFinite(noise))
            throw new ArgumentException($"sd must be a finite number > 0, got {noise.ToString("R", CultureInfo.InvariantCulture)}");
        Inner = inner;
        Noise = noise;
    }

    /// <summary>The distribution of the noiseless tasks.</summary>
    public MaskDistribution Inner { get; }

    /// <summary>σ, the noise's standard deviation.</summary>
    public double Noise { get; }

    /// <inheritdoc />
    public override string Description => $"noisy({Inner.Description}, sd={Noise.ToString("R", CultureInfo.InvariantCulture)})";

    /// <inheritdoc />
    public override TaskKind? Kind => Inner.Kind;

    /// <inheritdoc />
    internal override bool ContainsTransform => Inner.ContainsTransform;

    /// <inheritdoc />
    public override bool ContainsNoise => true;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng) => Inner.Sample(rng).WithNoise(Noise);

    private static MaskDistribution CheckInner(MaskDistribution inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.ContainsNoise) throw new ArgumentException($"noisy(...) cannot be nested, got {inner.Description} inside");
        if (inner.Kind is not (TaskKind.Joint or TaskKind.Marginal))
            throw new ArgumentException(inner.Kind == TaskKind.Conditional
                ? $"noisy(...) needs joint or marginal tasks; {inner.Description} draws conditional ones, which observe y_S exactly"
                : $"noisy(...) needs joint or marginal tasks of one kind; {inner.Description} mixes kinds: write mix(w noisy(...), ...) instead");
        return inner;
    }
}
