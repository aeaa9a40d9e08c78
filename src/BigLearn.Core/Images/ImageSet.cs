namespace BigLearn.Core.Images;

/// <summary>
/// A labelled set of grey-scale images held as plain numbers: <see cref="Count"/> images of
/// <see cref="Height"/>×<see cref="Width"/> pixels, row-major, intensities in [0, 1] (0 is the background).
/// </summary>
public sealed class ImageSet
{
    /// <summary>Wraps <paramref name="pixels"/> (Count·Height·Width values in [0, 1]) and one label per image.</summary>
    public ImageSet(string name, int height, int width, float[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"image size {height}x{width} must be positive");
        if (pixels.Length != labels.Length * height * width)
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {height}x{width}", nameof(pixels));
        Name = name;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>A readable name such as <c>fashion-mnist/train</c>.</summary>
    public string Name { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Pixels per image (Height·Width).</summary>
    public int PixelCount => Height * Width;

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>All pixels, image after image, row-major, in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>One class label per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of distinct classes (largest label + 1).</summary>
    public int ClassCount => Labels.Length == 0 ? 0 : Labels.Max() + 1;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelCount, PixelCount);

    /// <summary>The images at <paramref name="indices"/>, copied into one array (row-major, image after image).</summary>
    public float[] Gather(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var result = new float[indices.Count * PixelCount];
        for (int i = 0; i < indices.Count; i++) Image(indices[i]).CopyTo(result.AsSpan(i * PixelCount, PixelCount));
        return result;
    }

    /// <summary>The first <paramref name="count"/> images (or all, when fewer).</summary>
    public ImageSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new ImageSet(Name, Height, Width, Pixels.AsSpan(0, count * PixelCount).ToArray(), Labels.AsSpan(0, count).ToArray());
    }

    /// <summary>The images at <paramref name="indices"/> as a new set (in that order).</summary>
    public ImageSet Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new ImageSet(Name, Height, Width, Gather(indices), indices.Select(i => Labels[i]).ToArray());
    }

    /// <summary>
    /// <paramref name="count"/> images drawn without replacement by <paramref name="rng"/> (all of them, in their order, when
    /// there are no more than that): a smaller set with the same mixture of classes, for quick runs.
    /// </summary>
    public ImageSet Sample(int count, Randomness.Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (count >= Count) return this;
        var indices = rng.Subset(Count, count);
        Array.Sort(indices);
        return Select(indices);
    }
}

/// <summary>The training and test splits of one data set.</summary>
/// <param name="Name">The data set's name (<c>fashion-mnist</c>, <c>mnist</c>).</param>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
public sealed record ImageDataset(string Name, ImageSet Train, ImageSet Test);

/// <summary>A data file or folder that is missing or malformed (a user mistake: the message is one line).</summary>
public sealed class ImageDataException(string message, Exception? inner = null) : Exception(message, inner);
