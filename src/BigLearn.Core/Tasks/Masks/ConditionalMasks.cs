using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Conditional tasks, S ≠ ∅. The observed set S is either drawn at random — its size uniform on
/// [min, max], then a uniform subset of that size (<c>conditional(observed=1..3)</c>) — or fixed
/// (<c>conditional(observed-coords=0)</c>). The target T is then all remaining coordinates (the default),
/// a uniform random subset of the remaining ones of a given size (<c>target=2</c>), or, with a fixed S only,
/// fixed coordinates (<c>target-coords=1</c>).
/// </summary>
/// <remarks>
/// Random numbers per draw, in order: the size of S and S itself (random S only), then T (random-size T only).
/// </remarks>
public sealed class ConditionalMasks : MaskDistribution
{
    private readonly int[]? _observed;
    private readonly int[]? _target;

    private ConditionalMasks(int dim, int minObserved, int maxObserved, int[]? observed, int? targetSize, int[]? target) : base(dim)
    {
        MinObserved = minObserved;
        MaxObserved = maxObserved;
        _observed = observed;
        TargetSize = targetSize;
        _target = target;
    }

    /// <summary>
    /// |S| uniform on [<paramref name="minObserved"/>, <paramref name="maxObserved"/>] ⊆ [1, dim − 1], S a uniform
    /// subset of that size; T the rest, or a uniform subset of the rest of size <paramref name="targetSize"/>
    /// (which must fit: targetSize ≤ dim − maxObserved).
    /// </summary>
    public static ConditionalMasks RandomObserved(int dim, int minObserved, int maxObserved, int? targetSize = null)
    {
        CheckDimension(dim);
        if (minObserved < 1 || maxObserved > dim - 1 || minObserved > maxObserved)
            throw new ArgumentException($"observed sizes must be a range within [1, {dim - 1}] for dimension {dim} (smallest first), got {minObserved}..{maxObserved}");
        if (targetSize is int t && (t < 1 || t > dim - maxObserved))
            throw new ArgumentException($"target must be in [1, {dim - maxObserved}]: dimension {dim} minus up to {maxObserved} observed, got {t}");
        return new ConditionalMasks(dim, minObserved, maxObserved, null, targetSize, null);
    }

    /// <summary>S fixed; T the given coordinates, or all the rest when <paramref name="target"/> is null.</summary>
    public static ConditionalMasks Fixed(int dim, IEnumerable<int> observed, IEnumerable<int>? target = null)
    {
        CheckDimension(dim);
        var s = CheckObserved(observed, dim);
        int[]? t = null;
        if (target is not null)
        {
            t = CheckCoordinates("target-coords", target, dim);
            var both = s.Intersect(t).ToArray();
            if (both.Length > 0) throw new ArgumentException($"observed-coords and target-coords must be disjoint; both contain {FormatList(both)}");
        }
        return new ConditionalMasks(dim, s.Length, s.Length, s, null, t);
    }

    /// <summary>S fixed; T a uniform random subset of size <paramref name="targetSize"/> of the other coordinates.</summary>
    public static ConditionalMasks FixedObserved(int dim, IEnumerable<int> observed, int targetSize)
    {
        CheckDimension(dim);
        var s = CheckObserved(observed, dim);
        if (targetSize < 1 || targetSize > dim - s.Length)
            throw new ArgumentException($"target must be in [1, {dim - s.Length}]: dimension {dim} minus {s.Length} observed, got {targetSize}");
        return new ConditionalMasks(dim, s.Length, s.Length, s, targetSize, null);
    }

    /// <summary>Smallest |S|.</summary>
    public int MinObserved { get; }

    /// <summary>Largest |S|.</summary>
    public int MaxObserved { get; }

    /// <summary>The fixed S, or null when S is drawn at random.</summary>
    public IReadOnlyList<int>? ObservedCoordinates => _observed;

    /// <summary>|T| when T is a random subset of the remaining coordinates; null otherwise.</summary>
    public int? TargetSize { get; }

    /// <summary>The fixed T, or null when T is the rest or drawn at random.</summary>
    public IReadOnlyList<int>? TargetCoordinates => _target;

    /// <inheritdoc />
    public override string Description
    {
        get
        {
            string observed = _observed is not null ? $"observed-coords={FormatList(_observed)}"
                : MinObserved == MaxObserved ? $"observed={MinObserved}" : $"observed={MinObserved}..{MaxObserved}";
            string target = _target is not null ? $", target-coords={FormatList(_target)}"
                : TargetSize is int t ? $", target={t}" : "";
            return $"conditional({observed}{target})";
        }
    }

    /// <inheritdoc />
    public override TaskKind? Kind => TaskKind.Conditional;

    /// <inheritdoc />
    internal override bool ContainsTransform => false;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        var observed = _observed ?? rng.Subset(Dim, rng.NextInt(MinObserved, MaxObserved));
        var target = _target;
        if (target is null)
        {
            var rest = Complement(Dim, observed);
            target = TargetSize is int t ? Array.ConvertAll(rng.Subset(rest.Length, t), i => rest[i]) : rest;
        }
        return LearningTask.Conditional(Dim, observed, target);
    }

    private static void CheckDimension(int dim)
    {
        if (dim < 2) throw new ArgumentException($"conditional tasks need dimension at least 2, got {dim}");
    }

    private static int[] CheckObserved(IEnumerable<int> observed, int dim)
    {
        var s = CheckCoordinates("observed-coords", observed, dim);
        if (s.Length > dim - 1) throw new ArgumentException($"observed-coords must leave at least one coordinate to predict in dimension {dim}");
        return s;
    }
}
