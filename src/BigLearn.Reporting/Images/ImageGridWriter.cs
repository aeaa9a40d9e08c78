using SkiaSharp;

namespace BigLearn.Reporting.Images;

/// <summary>Draws an <see cref="ImageGrid"/> and writes it as a PNG (SkiaSharp).</summary>
public static class ImageGridWriter
{
    /// <summary>
    /// Writes <paramref name="grid"/> to <paramref name="path"/> as an RGB PNG, atomically: it is encoded into a temporary
    /// file beside the target and renamed over it, so readers never see a half-written figure. Creates the folder.
    /// </summary>
    /// <returns>The size of the written image in pixels.</returns>
    public static (int Width, int Height) WritePng(string path, ImageGrid grid, ImageGridOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (rgba, width, height) = Render(grid, options ?? new ImageGridOptions());
        using var png = Encode(rgba, width, height);

        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new IOException($"{path} has no parent folder");
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.partial-{Guid.NewGuid():N}");
        try
        {
            using (var stream = File.Create(temporary)) png.SaveTo(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return (width, height);
    }

    /// <summary>N images (as in <see cref="WritePng(string, ReadOnlySpan{float}, int, int, ImageGridOptions?, ReadOnlySpan{float})"/>) as the bytes of a PNG grid, for a live display.</summary>
    public static byte[] PngBytes(ReadOnlySpan<float> images, int height, int width, ImageGridOptions? options = null, ReadOnlySpan<float> observedMasks = default)
    {
        var (rgba, w, h) = Render(new ImageGrid(height, width).AddRange(images, observedMasks), options ?? new ImageGridOptions());
        using var png = Encode(rgba, w, h);
        return png.ToArray();
    }

    private static SKData Encode(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba) ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}x{height} image");
        return image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}x{height} PNG");
    }

    /// <summary>
    /// Writes N images (N·<paramref name="height"/>·<paramref name="width"/> values in [0, 1]) as a grid, with optional
    /// observed masks laid out the same way (unobserved pixels painted in the hidden colour).
    /// </summary>
    public static (int Width, int Height) WritePng(string path, ReadOnlySpan<float> images, int height, int width,
        ImageGridOptions? options = null, ReadOnlySpan<float> observedMasks = default) =>
        WritePng(path, new ImageGrid(height, width).AddRange(images, observedMasks), options);

    /// <summary>
    /// The grid as RGBA bytes (row-major, 4 bytes a pixel, alpha 255). Cell (row, column) starts at output pixel
    /// (Separator + column·(Width·Scale + Separator), Separator + row·(Height·Scale + Separator)).
    /// </summary>
    internal static (byte[] Rgba, int Width, int Height) Render(ImageGrid grid, ImageGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(grid);
        options.Validate();
        if (grid.Count == 0) throw new ArgumentException("an image grid needs at least one image");
        int columns = Math.Min(options.Columns, grid.Count);
        int rows = (grid.Count + columns - 1) / columns;
        int scale = options.Scale, separator = options.Separator;
        int cellWidth = grid.Width * scale, cellHeight = grid.Height * scale;
        long outWidth = (long)columns * cellWidth + (columns + 1L) * separator;
        long outHeight = (long)rows * cellHeight + (rows + 1L) * separator;
        if (outWidth * outHeight > 100_000_000)
            throw new ArgumentException($"an image grid of {outWidth}x{outHeight} pixels is too large (at most 100 megapixels); use fewer images or a smaller scale");

        var rgba = new byte[outWidth * outHeight * 4];
        Fill(rgba, options.SeparatorColour);
        for (int n = 0; n < grid.Count; n++)
        {
            var cell = grid.Cells[n];
            int originX = separator + n % columns * (cellWidth + separator);
            int originY = separator + n / columns * (cellHeight + separator);
            for (int r = 0; r < grid.Height; r++)
            {
                for (int c = 0; c < grid.Width; c++)
                {
                    int i = r * grid.Width + c;
                    var colour = ColourOf(cell.Pixels[i], cell.Mask is not null && cell.Mask[i] < 0.5f ? cell.Tint : 0f, options);
                    for (int dy = 0; dy < scale; dy++)
                    {
                        long at = ((originY + r * scale + dy) * outWidth + originX + c * scale) * 4;
                        for (int dx = 0; dx < scale; dx++, at += 4)
                        {
                            rgba[at] = colour.R;
                            rgba[at + 1] = colour.G;
                            rgba[at + 2] = colour.B;
                        }
                    }
                }
            }
        }
        return (rgba, (int)outWidth, (int)outHeight);
    }

    /// <summary>The colour of a grey value, blended towards the hidden colour by <paramref name="tint"/>.</summary>
    internal static Rgb ColourOf(float value, float tint, ImageGridOptions options)
    {
        if (!float.IsFinite(value)) return options.NonFiniteColour;
        double grey = Math.Clamp(value, 0f, 1f) * 255.0;
        var hidden = options.HiddenColour;
        byte Blend(byte channel) => (byte)Math.Round(grey * (1 - tint) + channel * tint);
        return new Rgb(Blend(hidden.R), Blend(hidden.G), Blend(hidden.B));
    }

    private static void Fill(byte[] rgba, Rgb colour)
    {
        for (int at = 0; at < rgba.Length; at += 4)
        {
            rgba[at] = colour.R;
            rgba[at + 1] = colour.G;
            rgba[at + 2] = colour.B;
            rgba[at + 3] = 255;
        }
    }
}
