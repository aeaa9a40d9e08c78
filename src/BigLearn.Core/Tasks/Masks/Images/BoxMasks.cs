using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Square-hole masks, the classic inpainting task: a square of side s uniform on
/// [<see cref="MinSide"/>, <see cref="MaxSide"/>] is predicted (T) and the rest of the image is observed (S).
/// <c>centre-box(side=8..14)</c> centres the hole (top = ⌊(H − s)/2⌋, left = ⌊(W − s)/2⌋, so with odd slack it sits
/// half a pixel up and left); <c>random-box(side=8..14)</c> places it uniformly among all positions inside the image.
/// </summary>
/// <remarks>Random numbers per draw, in order: s (only when the range is not a single value), then top and left (random-box only).</remarks>
public sealed class BoxMasks : ImageMaskDistribution
{
    /// <summary>A hole of side in [<paramref name="minSide"/>, <paramref name="maxSide"/>] ⊆ [1, min(H, W)], centred or at a random position.</summary>
    public BoxMasks(ImageShape shape, int minSide, int maxSide, bool centred) : base(shape)
    {
        int limit = Math.Min(shape.Height, shape.Width);
        if (minSide < 1 || maxSide > limit || minSide > maxSide)
            throw new ArgumentException($"side must be a size or range of sizes within [1, {limit}] for a {shape} image (smallest first), got {(minSide == maxSide ? $"{minSide}" : $"{minSide}..{maxSide}")}");
        MinSide = minSide;
        MaxSide = maxSide;
        Centred = centred;
    }

    /// <summary>Smallest hole side.</summary>
    public int MinSide { get; }

    /// <summary>Largest hole side.</summary>
    public int MaxSide { get; }

    /// <summary>True: the hole is centred; false: at a uniformly random position.</summary>
    public bool Centred { get; }

    /// <inheritdoc />
    public override string Description => $"{(Centred ? "centre-box" : "random-box")}(side={FormatRange(MinSide, MaxSide)})";

    /// <inheritdoc />
    public override TaskKind? Kind => CoversImage(MinSide) ? TaskKind.Joint : CoversImage(MaxSide) ? null : TaskKind.Conditional;

    private bool CoversImage(int side) => side == Shape.Height && side == Shape.Width;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        int side = MinSide == MaxSide ? MinSide : rng.NextInt(MinSide, MaxSide);
        int top = Centred ? (Shape.Height - side) / 2 : rng.NextInt(0, Shape.Height - side);
        int left = Centred ? (Shape.Width - side) / 2 : rng.NextInt(0, Shape.Width - side);
        var observed = new bool[Dim];
        Array.Fill(observed, true);
        for (int r = top; r < top + side; r++)
            for (int c = left; c < left + side; c++) observed[Shape.Index(r, c)] = false;
        return TaskFrom(observed);
    }
}
