namespace BigLearn.Reporting.Images;

/// <summary>An opaque 8-bit colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>How an <see cref="ImageGrid"/> is drawn.</summary>
public sealed record ImageGridOptions
{
    /// <summary>Cells per row (a grid with fewer cells uses only as many columns as it has cells).</summary>
    public int Columns { get; init; } = 8;

    /// <summary>Integer upscaling: each image pixel becomes Scale×Scale output pixels.</summary>
    public int Scale { get; init; } = 3;

    /// <summary>Width in output pixels of the lines between cells and around the grid (0: none).</summary>
    public int Separator { get; init; } = 1;

    /// <summary>Colour of the separator lines and of empty cells in an incomplete last row.</summary>
    public Rgb SeparatorColour { get; init; } = new(150, 150, 150);

    /// <summary>The tint of pixels a cell's mask marks as unobserved (a blue no grey image contains).</summary>
    public Rgb HiddenColour { get; init; } = new(30, 110, 230);

    /// <summary>Colour of NaN or infinite pixel values, so a diverged model is visible rather than black.</summary>
    public Rgb NonFiniteColour { get; init; } = new(255, 0, 255);

    /// <summary>Checks the options; a one-line <see cref="ArgumentException"/> names a bad value and what is allowed.</summary>
    public void Validate()
    {
        if (Columns < 1) throw new ArgumentException($"image grid columns must be at least 1, got {Columns}");
        if (Scale is < 1 or > 64) throw new ArgumentException($"image grid scale must be in [1, 64], got {Scale}");
        if (Separator is < 0 or > 64) throw new ArgumentException($"image grid separator must be in [0, 64] pixels, got {Separator}");
    }
}

/// <summary>
/// Grey images of one size to be drawn as a grid, row by row, each with an optional observed mask whose unobserved
/// pixels are tinted with <see cref="ImageGridOptions.HiddenColour"/>. Values are in [0, 1] (0 black, 1 white;
/// values outside are clamped), row-major, as in <see cref="BigLearn.Core.Images.ImageSet"/>.
/// </summary>
public sealed class ImageGrid
{
    private readonly List<Cell> _cells = [];

    /// <summary>An empty grid of <paramref name="height"/>×<paramref name="width"/> images.</summary>
    public ImageGrid(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"grid images need at least one row and one column, got {height}x{width}");
        Height = height;
        Width = width;
    }

    /// <summary>One image: its pixels, its observed mask (null: no overlay) and how strongly unobserved pixels are tinted.</summary>
    internal sealed record Cell(float[] Pixels, float[]? Mask, float Tint);

    /// <summary>Rows of each image.</summary>
    public int Height { get; }

    /// <summary>Columns of each image.</summary>
    public int Width { get; }

    /// <summary>Images added so far.</summary>
    public int Count => _cells.Count;

    internal IReadOnlyList<Cell> Cells => _cells;

    /// <summary>
    /// Adds one image (Height·Width values). With <paramref name="observedMask"/> (same length, 1 = observed), each
    /// pixel whose mask is below 0.5 is drawn as (1 − <paramref name="tint"/>)·grey + tint·hidden colour: tint 1 paints
    /// it in the hidden colour, tint 0 leaves it grey.
    /// </summary>
    public ImageGrid Add(ReadOnlySpan<float> pixels, ReadOnlySpan<float> observedMask = default, float tint = 1f)
    {
        int size = Height * Width;
        if (pixels.Length != size) throw new ArgumentException($"a {Height}x{Width} image has {size} values, got {pixels.Length}");
        if (!observedMask.IsEmpty && observedMask.Length != size)
            throw new ArgumentException($"a {Height}x{Width} mask has {size} values, got {observedMask.Length}");
        if (!(tint >= 0 && tint <= 1)) throw new ArgumentException($"mask tint must be in [0, 1], got {tint}");
        _cells.Add(new Cell(pixels.ToArray(), observedMask.IsEmpty ? null : observedMask.ToArray(), tint));
        return this;
    }

    /// <summary>
    /// Adds N images laid one after another (N·Height·Width values, the layout of an [N, 1, H, W] tensor), with masks laid
    /// out the same way when given.
    /// </summary>
    public ImageGrid AddRange(ReadOnlySpan<float> images, ReadOnlySpan<float> observedMasks = default, float tint = 1f)
    {
        int size = Height * Width;
        if (images.Length % size != 0) throw new ArgumentException($"{images.Length} values are not a whole number of {Height}x{Width} images");
        if (!observedMasks.IsEmpty && observedMasks.Length != images.Length)
            throw new ArgumentException($"masks have {observedMasks.Length} values, the images {images.Length}");
        for (int offset = 0; offset < images.Length; offset += size)
            Add(images.Slice(offset, size), observedMasks.IsEmpty ? default : observedMasks.Slice(offset, size), tint);
        return this;
    }
}
