using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Random patch masks (<c>patches(size=4, observed=0.25..0.75)</c>): the image is tiled by
/// <see cref="PatchSize"/>×<see cref="PatchSize"/> patches (the size must divide both sides); on every draw a ratio r
/// uniform on [<see cref="MinRatio"/>, <see cref="MaxRatio"/>], then a uniformly random set of round(r · P) of the P
/// patches (at most P − 1) is observed, whole, and the rest is T.
/// </summary>
/// <remarks>Random numbers per draw, in order: r (only when the range is not a single value), then the patches.</remarks>
public sealed class PatchMasks : ImageMaskDistribution
{
    /// <summary>Patches of side <paramref name="patchSize"/> (dividing height and width, at least two patches); observed ratio in [min, max] ⊆ [0, 1).</summary>
    public PatchMasks(ImageShape shape, int patchSize, double minRatio, double maxRatio) : base(shape)
    {
        if (patchSize < 1 || shape.Height % patchSize != 0 || shape.Width % patchSize != 0)
            throw new ArgumentException($"size must divide both image sides ({shape}); allowed: {string.Join(", ", CommonDivisors(shape))}, got {patchSize}");
        if (shape.Height / patchSize * (shape.Width / patchSize) < 2)
            throw new ArgumentException($"size {patchSize} leaves a single patch on a {shape} image; use a smaller size");
        CheckRatio("observed", minRatio, maxRatio);
        PatchSize = patchSize;
        MinRatio = minRatio;
        MaxRatio = maxRatio;
    }

    /// <summary>Side of the square patches in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Patch rows.</summary>
    public int PatchRows => Shape.Height / PatchSize;

    /// <summary>Patch columns.</summary>
    public int PatchColumns => Shape.Width / PatchSize;

    /// <summary>Smallest observed ratio of patches.</summary>
    public double MinRatio { get; }

    /// <summary>Largest observed ratio of patches.</summary>
    public double MaxRatio { get; }

    /// <inheritdoc />
    public override string Description => $"patches(size={PatchSize}, observed={FormatRange(MinRatio, MaxRatio)})";

    /// <inheritdoc />
    public override TaskKind? Kind
    {
        get
        {
            int patches = PatchRows * PatchColumns;
            return MaxRatio * patches < 0.5 ? TaskKind.Joint : MinRatio * patches > 0.5 ? TaskKind.Conditional : null;
        }
    }

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        int patches = PatchRows * PatchColumns;
        int count = DrawCount(rng, MinRatio, MaxRatio, patches);
        var observed = new bool[Dim];
        foreach (int p in rng.Subset(patches, count))
        {
            int top = p / PatchColumns * PatchSize, left = p % PatchColumns * PatchSize;
            for (int r = top; r < top + PatchSize; r++)
                for (int c = left; c < left + PatchSize; c++) observed[Shape.Index(r, c)] = true;
        }
        return TaskFrom(observed);
    }

    private static IEnumerable<int> CommonDivisors(ImageShape shape) =>
        Enumerable.Range(1, Math.Min(shape.Height, shape.Width)).Where(d => shape.Height % d == 0 && shape.Width % d == 0 && shape.Height / d * (shape.Width / d) >= 2);
}
