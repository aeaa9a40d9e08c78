using System.Globalization;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>How a <see cref="TransformedMasks"/> draws the orthogonal matrix A of each task.</summary>
public enum TransformDraw
{
    /// <summary>A fresh Haar-random orthogonal matrix (<see cref="OrthogonalTransform.Haar"/>).</summary>
    Haar,
    /// <summary>A uniform angle in [0, 2π) in a uniformly random coordinate plane (<see cref="OrthogonalTransform.RandomRotation"/>).</summary>
    RandomRotation,
    /// <summary>One of a fixed list of angles, uniformly, in the plane of coordinates (0, 1).</summary>
    FixedAngles,
}

/// <summary>
/// Tasks in a transformed domain y = A·x: the inner distribution's S and T index coordinates of y, and A is
/// drawn afresh for every task (<c>haar(inner)</c>, <c>rotation(inner)</c>, <c>rotation(inner, angles=0,15,30)</c>).
/// Transforms are not nested: the inner distribution must draw data-domain tasks only.
/// </summary>
/// <remarks>Random numbers per draw, in order: the inner task, then A.</remarks>
public sealed class TransformedMasks : MaskDistribution
{
    private readonly double[] _anglesDegrees;
    private readonly OrthogonalTransform[] _fixedRotations;

    private TransformedMasks(MaskDistribution inner, TransformDraw draw, double[] anglesDegrees) : base(inner.Dim)
    {
        Inner = inner;
        Draw = draw;
        _anglesDegrees = anglesDegrees;
        // Built once: the matrices are immutable, so every task can share them.
        _fixedRotations = Array.ConvertAll(anglesDegrees, a => OrthogonalTransform.Rotation(inner.Dim, a * Math.PI / 180));
    }

    /// <summary>A fresh Haar-random orthogonal A per task.</summary>
    public static TransformedMasks Haar(MaskDistribution inner) => new(CheckInner(inner, "haar"), TransformDraw.Haar, []);

    /// <summary>A rotation by a uniform angle in a uniformly random coordinate plane per task (dimension ≥ 2).</summary>
    public static TransformedMasks RandomRotation(MaskDistribution inner)
    {
        CheckInner(inner, "rotation");
        CheckRotationDimension(inner.Dim);
        return new TransformedMasks(inner, TransformDraw.RandomRotation, []);
    }

    /// <summary>
    /// A rotation in the plane (0, 1) by one of <paramref name="anglesDegrees"/> (degrees, finite, at least one),
    /// chosen uniformly per task. The listed order is kept: it fixes which random number picks which angle.
    /// </summary>
    public static TransformedMasks Rotation(MaskDistribution inner, IEnumerable<double> anglesDegrees)
    {
        CheckInner(inner, "rotation");
        CheckRotationDimension(inner.Dim);
        ArgumentNullException.ThrowIfNull(anglesDegrees);
        var angles = anglesDegrees.ToArray();
        if (angles.Length == 0) throw new ArgumentException("angles must list at least one angle (degrees)");
        foreach (var a in angles)
            if (!double.IsFinite(a)) throw new ArgumentException($"angles must be finite numbers of degrees, got {a.ToString(CultureInfo.InvariantCulture)}");
        return new TransformedMasks(inner, TransformDraw.FixedAngles, angles);
    }

    /// <summary>The distribution of (S, T) in the transformed domain.</summary>
    public MaskDistribution Inner { get; }

    /// <summary>How A is drawn.</summary>
    public TransformDraw Draw { get; }

    /// <summary>The angles (degrees) for <see cref="TransformDraw.FixedAngles"/>; empty otherwise.</summary>
    public IReadOnlyList<double> AnglesDegrees => _anglesDegrees;

    /// <inheritdoc />
    public override string Description => Draw switch
    {
        TransformDraw.Haar => $"haar({Inner.Description})",
        TransformDraw.RandomRotation => $"rotation({Inner.Description})",
        // "R" keeps every bit, so the description parses back to exactly the same matrices.
        _ => $"rotation({Inner.Description}, angles={string.Join(",", _anglesDegrees.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))})",
    };

    /// <inheritdoc />
    public override TaskKind? Kind => Inner.Kind;

    /// <inheritdoc />
    internal override bool ContainsTransform => true;

    /// <inheritdoc />
    public override bool ContainsNoise => Inner.ContainsNoise;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        var task = Inner.Sample(rng);
        var transform = Draw switch
        {
            TransformDraw.Haar => OrthogonalTransform.Haar(Dim, rng),
            TransformDraw.RandomRotation => OrthogonalTransform.RandomRotation(Dim, rng),
            _ => _fixedRotations[rng.NextInt(_fixedRotations.Length)],
        };
        return new LearningTask(Dim, task.Observed, task.Target, transform, task.Noise);
    }

    private static MaskDistribution CheckInner(MaskDistribution inner, string name)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.ContainsTransform)
            throw new ArgumentException($"{name}(...) needs an inner distribution of data-domain tasks; transforms cannot be nested, got {inner.Description}");
        return inner;
    }

    private static void CheckRotationDimension(int dim)
    {
        if (dim < 2) throw new ArgumentException($"a rotation needs dimension at least 2, got {dim}");
    }
}
