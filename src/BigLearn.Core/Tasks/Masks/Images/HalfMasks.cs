using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>Which half of an image a <see cref="HalfMasks"/> observes.</summary>
public enum ImageHalf
{
    /// <summary>Rows [0, ⌊H/2⌋).</summary>
    Top,
    /// <summary>Rows [H − ⌊H/2⌋, H).</summary>
    Bottom,
    /// <summary>Columns [0, ⌊W/2⌋).</summary>
    Left,
    /// <summary>Columns [W − ⌊W/2⌋, W).</summary>
    Right,
    /// <summary>One of the four above, uniformly, on every draw.</summary>
    Any,
}

/// <summary>
/// Half-image masks (<c>half(top)</c>, <c>half(bottom)</c>, <c>half(left)</c>, <c>half(right)</c>, <c>half(any)</c>):
/// the named half is observed (S) and the other half is predicted (T). The observed half has ⌊H/2⌋ rows (or ⌊W/2⌋
/// columns), so with an odd side the middle row or column is predicted.
/// </summary>
/// <remarks>Random numbers per draw: one (the half) for <see cref="ImageHalf.Any"/>, none otherwise.</remarks>
public sealed class HalfMasks : ImageMaskDistribution
{
    private static readonly ImageHalf[] Fixed = [ImageHalf.Top, ImageHalf.Bottom, ImageHalf.Left, ImageHalf.Right];

    /// <summary>Observes <paramref name="half"/> of images of <paramref name="shape"/> (the halved side must be at least 2).</summary>
    public HalfMasks(ImageShape shape, ImageHalf half) : base(shape)
    {
        if (!Enum.IsDefined(half)) throw new ArgumentException($"half must be one of {AllowedNames}, got {half}");
        bool needsRows = half is ImageHalf.Top or ImageHalf.Bottom or ImageHalf.Any;
        bool needsColumns = half is ImageHalf.Left or ImageHalf.Right or ImageHalf.Any;
        if ((needsRows && shape.Height < 2) || (needsColumns && shape.Width < 2))
            throw new ArgumentException($"half({Name(half)}) needs at least 2 pixels along the halved side, image is {shape}");
        Half = half;
    }

    /// <summary>The allowed names, as the grammar spells them.</summary>
    public static string AllowedNames => "top, bottom, left, right, any";

    /// <summary>The observed half.</summary>
    public ImageHalf Half { get; }

    /// <inheritdoc />
    public override string Description => $"half({Name(Half)})";

    /// <inheritdoc />
    public override TaskKind? Kind => TaskKind.Conditional;

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng)
    {
        var half = Half == ImageHalf.Any ? Fixed[rng.NextInt(Fixed.Length)] : Half;
        int h = Shape.Height, w = Shape.Width;
        var observed = new bool[Dim];
        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < w; c++)
            {
                observed[Shape.Index(r, c)] = half switch
                {
                    ImageHalf.Top => r < h / 2,
                    ImageHalf.Bottom => r >= h - h / 2,
                    ImageHalf.Left => c < w / 2,
                    _ => c >= w - w / 2,
                };
            }
        }
        return TaskFrom(observed);
    }

    /// <summary>The grammar's name of <paramref name="half"/>: <c>top</c>, <c>bottom</c>, ...</summary>
    public static string Name(ImageHalf half) => half.ToString().ToLowerInvariant();

    /// <summary>The half named <paramref name="name"/> in the grammar, or null when there is none.</summary>
    public static ImageHalf? FromName(string name) =>
        Enum.GetValues<ImageHalf>().Cast<ImageHalf?>().FirstOrDefault(h => Name(h!.Value) == name);
}
