using BigLearn.Reporting.Images;
using SkiaSharp;

namespace BigLearn.Reporting.Tests;

public sealed class ImageGridWriterTests : IDisposable
{
    private static readonly Rgb Separator = new(200, 0, 0);
    private static readonly Rgb Hidden = new(30, 110, 230);
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-grid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ImageGridOptions Options(int columns, int scale, int separator) =>
        new() { Columns = columns, Scale = scale, Separator = separator, SeparatorColour = Separator, HiddenColour = Hidden };

    private static Rgb At(SKBitmap bitmap, int x, int y)
    {
        var c = bitmap.GetPixel(x, y);
        Assert.Equal(255, c.Alpha);
        return new Rgb(c.Red, c.Green, c.Blue);
    }

    private static Rgb Grey(byte g) => new(g, g, g);

    [Fact]
    public void A_written_grid_decodes_to_the_expected_size_and_pixel_values()
    {
        // Three 2x3 images, 2 columns, scale 2, 1-pixel separators: 2·6 + 3 = 15 wide, 2·4 + 3 = 11 high.
        var grid = new ImageGrid(2, 3)
            .Add([0f, 0.2f, 1f, 1.7f, -0.3f, float.NaN])
            .Add([0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f], [1, 1, 1, 1, 1, 0])
            .Add([0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f], [0, 1, 1, 1, 1, 1], tint: 0.5f);
        string path = Path.Combine(_folder, "sub", "grid.png");
        var size = ImageGridWriter.WritePng(path, grid, Options(columns: 2, scale: 2, separator: 1));
        Assert.Equal((15, 11), size);

        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((15, 11), (bitmap.Width, bitmap.Height));
        // Image 0 spans x 1..6, y 1..4; pixel (r, c) covers x 1+2c..2+2c, y 1+2r..2+2r.
        Assert.Equal(Grey(0), At(bitmap, 1, 1));
        Assert.Equal(Grey(51), At(bitmap, 3, 1));
        Assert.Equal(Grey(51), At(bitmap, 4, 2));
        Assert.Equal(Grey(255), At(bitmap, 6, 2));
        Assert.Equal(Grey(255), At(bitmap, 1, 3)); // 1.7 clamped to white
        Assert.Equal(Grey(0), At(bitmap, 3, 4)); // -0.3 clamped to black
        Assert.Equal(new Rgb(255, 0, 255), At(bitmap, 5, 4)); // NaN shown in the non-finite colour
        // Image 1 spans x 8..13, y 1..4: its unobserved pixel (1, 2) is painted hidden, the rest stays grey.
        Assert.Equal(Grey(51), At(bitmap, 8, 1));
        Assert.Equal(Hidden, At(bitmap, 12, 3));
        Assert.Equal(Hidden, At(bitmap, 13, 4));
        // Image 2 spans x 1..6, y 6..9: pixel (0, 0) unobserved at tint 0.5: (102 + hidden) / 2 per channel.
        Assert.Equal(new Rgb(66, 106, 166), At(bitmap, 1, 6));
        Assert.Equal(Grey(102), At(bitmap, 3, 6));
        // Separators: the border, the line between columns (x 7), between rows (y 5), and the empty last cell.
        foreach (var (x, y) in new[] { (0, 0), (14, 10), (7, 2), (4, 5), (0, 8), (10, 8) })
            Assert.Equal(Separator, At(bitmap, x, y));
    }

    [Fact]
    public void Writing_replaces_an_existing_figure_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_folder, "grid.png");
        File.WriteAllText(path, "an old figure");
        var size = ImageGridWriter.WritePng(path, [0.5f, 0.5f, 0.5f, 0.5f], 1, 2, Options(columns: 8, scale: 1, separator: 0));
        Assert.Equal((4, 1), size); // two 1x2 images side by side: only as many columns as images
        Assert.Equal(["grid.png"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((4, 1), (bitmap.Width, bitmap.Height));
        Assert.Equal(Grey(128), At(bitmap, 3, 0));
    }

    [Fact]
    public void Bad_grid_inputs_fail_with_one_line_naming_the_value()
    {
        string path = Path.Combine(_folder, "bad.png");
        Assert.Contains("columns must be at least 1, got 0",
            Assert.Throws<ArgumentException>(() => ImageGridWriter.WritePng(path, [0f], 1, 1, new ImageGridOptions { Columns = 0 })).Message);
        Assert.Contains("scale must be in [1, 64], got 0",
            Assert.Throws<ArgumentException>(() => ImageGridWriter.WritePng(path, [0f], 1, 1, new ImageGridOptions { Scale = 0 })).Message);
        Assert.Contains("5 values are not a whole number of 2x2 images",
            Assert.Throws<ArgumentException>(() => new ImageGrid(2, 2).AddRange(new float[5])).Message);
        Assert.Contains("a 2x2 mask has 4 values, got 3",
            Assert.Throws<ArgumentException>(() => new ImageGrid(2, 2).Add(new float[4], new float[3])).Message);
        Assert.Contains("at least one image", Assert.Throws<ArgumentException>(() => ImageGridWriter.WritePng(path, new ImageGrid(2, 2))).Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
