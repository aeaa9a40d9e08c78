namespace BigLearn.Reporting.Images;

/// <summary>
/// The completions figure of §4.2: one row per input image, with columns original | observed | completion 1..k.
/// The observed column paints the unobserved pixels in the hidden colour; completions are drawn as generated,
/// optionally with their generated pixels lightly tinted.
/// </summary>
public static class CompletionFigure
{
    /// <summary>
    /// Lays out the figure. <paramref name="originals"/> and <paramref name="observedMasks"/> hold N images of
    /// <paramref name="height"/>×<paramref name="width"/> (1 = observed); <paramref name="completions"/> holds
    /// N·<paramref name="completionsPerInput"/> images, input-major (input n's completions j at index n·k + j).
    /// Draw the result with <see cref="ImageGridWriter.WritePng(string, ImageGrid, ImageGridOptions?)"/> and
    /// <see cref="ColumnsFor"/> columns.
    /// </summary>
    public static ImageGrid Build(int height, int width, ReadOnlySpan<float> originals, ReadOnlySpan<float> observedMasks,
        ReadOnlySpan<float> completions, int completionsPerInput, float completionTint = 0f)
    {
        int size = height * width;
        if (completionsPerInput < 0) throw new ArgumentException($"completions per input must be at least 0, got {completionsPerInput}");
        if (size < 1 || originals.Length % size != 0 || originals.IsEmpty)
            throw new ArgumentException($"{originals.Length} original values are not a whole, non-zero number of {height}x{width} images");
        int inputs = originals.Length / size;
        if (observedMasks.Length != originals.Length)
            throw new ArgumentException($"masks have {observedMasks.Length} values, the {inputs} originals {originals.Length}");
        if (completions.Length != inputs * completionsPerInput * size)
            throw new ArgumentException($"{inputs} inputs with {completionsPerInput} completions each need {inputs * completionsPerInput * size} completion values, got {completions.Length}");

        var grid = new ImageGrid(height, width);
        for (int n = 0; n < inputs; n++)
        {
            var original = originals.Slice(n * size, size);
            var mask = observedMasks.Slice(n * size, size);
            grid.Add(original);
            grid.Add(original, mask, tint: 1f);
            for (int j = 0; j < completionsPerInput; j++)
                grid.Add(completions.Slice((n * completionsPerInput + j) * size, size), mask, completionTint);
        }
        return grid;
    }

    /// <summary>Columns of the figure: original, observed and the k completions.</summary>
    public static int ColumnsFor(int completionsPerInput) => 2 + completionsPerInput;

    /// <summary>Lays out and writes the figure (see <see cref="Build"/>) with 2 + k columns; other options as given.</summary>
    public static (int Width, int Height) WritePng(string path, int height, int width, ReadOnlySpan<float> originals,
        ReadOnlySpan<float> observedMasks, ReadOnlySpan<float> completions, int completionsPerInput,
        ImageGridOptions? options = null, float completionTint = 0f)
    {
        var grid = Build(height, width, originals, observedMasks, completions, completionsPerInput, completionTint);
        var layout = (options ?? new ImageGridOptions()) with { Columns = ColumnsFor(completionsPerInput) };
        return ImageGridWriter.WritePng(path, grid, layout);
    }
}
