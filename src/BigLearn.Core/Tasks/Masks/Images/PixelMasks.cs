using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Random pixel masks (<c>pixels(observed=0.1..0.9)</c>): on every draw a ratio r uniform on
/// [<see cref="MinRatio"/>, <see cref="MaxRatio"/>], then S a uniformly random set of round(r · L) pixels
/// (at most L − 1), T the rest.
/// </summary>
/// <remarks>Random numbers per draw, in order: r (only when the range is not a single value), then S.</remarks>
public sealed class PixelMasks : ImageMaskDistribution
{
    /// <summary>Observed ratio uniform on [<paramref name="minRatio"/>, <paramref name="maxRatio"/>] ⊆ [0, 1).</summary>
    public PixelMasks(ImageShape shape, double minRatio, double maxRatio) : base(shape)
    {
        CheckRatio("observed", minRatio, maxRatio);
        MinRatio = minRatio;
        MaxRatio = maxRatio;
    }

    /// <summary>Smallest observed ratio.</summary>
    public double MinRatio { get; }

    /// <summary>Largest observed ratio.</summary>
    public double MaxRatio { get; }

    /// <inheritdoc />
    public override string Description => $"pixels(observed={FormatRange(MinRatio, MaxRatio)})";

    /// <inheritdoc />
    public override TaskKind? Kind => MaxRatio * Dim < 0.5 ? TaskKind.Joint : MinRatio * Dim > 0.5 ? TaskKind.Conditional : null;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        int count = DrawCount(rng, MinRatio, MaxRatio, Dim);
        var observed = new bool[Dim];
        foreach (int i in rng.Subset(Dim, count)) observed[i] = true;
        return TaskFrom(observed);
    }
}
