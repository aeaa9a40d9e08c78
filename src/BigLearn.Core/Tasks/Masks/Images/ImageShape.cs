namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// The size of the images whose pixels are a task's coordinates: pixel (row, column) is coordinate
/// <c>row · Width + column</c> (row-major), so the data dimension is <see cref="PixelCount"/> = Height · Width.
/// </summary>
public readonly record struct ImageShape
{
    /// <summary>An image of <paramref name="height"/> rows and <paramref name="width"/> columns (both ≥ 1).</summary>
    public ImageShape(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"an image needs at least one row and one column, got {height}x{width}");
        Height = height;
        Width = width;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Height · Width: the data dimension of tasks on these images.</summary>
    public int PixelCount => Height * Width;

    /// <summary>
    /// The square image with <paramref name="dim"/> pixels (28×28 for 784), or null when <paramref name="dim"/> is not a
    /// perfect square. This is how a spec parsed with a bare dimension finds the image size of its image masks.
    /// </summary>
    public static ImageShape? SquareOf(int dim)
    {
        if (dim < 1) return null;
        int side = (int)Math.Round(Math.Sqrt(dim));
        return side * side == dim ? new ImageShape(side, side) : null;
    }

    /// <summary>Coordinate of pixel (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public int Index(int row, int column) => row * Width + column;

    /// <inheritdoc />
    public override string ToString() => $"{Height}x{Width}";
}
