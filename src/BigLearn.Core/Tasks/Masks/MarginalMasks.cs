using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Marginal tasks, S = ∅: either T a uniformly random k-subset drawn afresh each time (<c>marginal(k=1)</c>)
/// or T a fixed coordinate set (<c>marginal(coords=0,2)</c>). With |T| = L the task is the joint one and
/// <see cref="Kind"/> says so; it stays allowed because a config sweeping k naturally reaches L.
/// </summary>
public sealed class MarginalMasks : MaskDistribution
{
    private readonly int[]? _coordinates;

    private MarginalMasks(int dim, int size, int[]? coordinates) : base(dim)
    {
        Size = size;
        _coordinates = coordinates;
    }

    /// <summary>T a uniformly random subset of size <paramref name="k"/> ∈ [1, dim] on every draw.</summary>
    public static MarginalMasks OfSize(int dim, int k)
    {
        if (dim < 1) throw new ArgumentException($"dimension must be at least 1, got {dim}");
        if (k < 1 || k > dim) throw new ArgumentException($"k must be in [1, {dim}] for dimension {dim}");
        return new MarginalMasks(dim, k, null);
    }

    /// <summary>T always the given coordinates (non-empty, distinct, within [0, dim)).</summary>
    public static MarginalMasks OnCoordinates(int dim, IEnumerable<int> coordinates)
    {
        if (dim < 1) throw new ArgumentException($"dimension must be at least 1, got {dim}");
        var sorted = CheckCoordinates("coords", coordinates, dim);
        return new MarginalMasks(dim, sorted.Length, sorted);
    }

    /// <summary>|T|.</summary>
    public int Size { get; }

    /// <summary>The fixed target coordinates, or null when T is drawn at random.</summary>
    public IReadOnlyList<int>? Coordinates => _coordinates;

    /// <inheritdoc />
    public override string Description =>
        _coordinates is null ? $"marginal(k={Size})" : $"marginal(coords={FormatList(_coordinates)})";

    /// <inheritdoc />
    public override TaskKind? Kind => Size == Dim ? TaskKind.Joint : TaskKind.Marginal;

    /// <inheritdoc />
    internal override bool ContainsTransform => false;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng) =>
        LearningTask.Marginal(Dim, _coordinates ?? rng.Subset(Dim, Size));
}
