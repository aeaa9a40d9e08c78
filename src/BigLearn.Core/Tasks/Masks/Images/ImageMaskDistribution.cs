using System.Globalization;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// The common base of the image mask distributions (<see cref="PixelMasks"/>, <see cref="PatchMasks"/>,
/// <see cref="HalfMasks"/>, <see cref="BoxMasks"/>): tasks on the pixels of an <see cref="ImageShape"/> in the data
/// domain, with S the observed pixels and T all the others (S may be empty: then the task is the joint one).
/// </summary>
/// <remarks>The description does not name the image shape: it comes from the parse context (see <see cref="MaskDistributions.Parse(string, ImageShape)"/>).</remarks>
public abstract class ImageMaskDistribution : MaskDistribution
{
    /// <summary>Checks and keeps the image shape; the dimension is its pixel count.</summary>
    private protected ImageMaskDistribution(ImageShape shape) : base(CheckShape(shape).PixelCount)
    {
        Shape = shape;
    }

    /// <summary>The images the tasks mask.</summary>
    public ImageShape Shape { get; }

    /// <inheritdoc />
    internal override bool ContainsTransform => false;

    /// <summary>The task observing exactly the pixels flagged in <paramref name="observed"/> and predicting the rest.</summary>
    private protected LearningTask TaskFrom(bool[] observed)
    {
        int count = 0;
        foreach (bool o in observed) if (o) count++;
        var s = new int[count];
        var t = new int[observed.Length - count];
        int si = 0, ti = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            if (observed[i]) s[si++] = i;
            else t[ti++] = i;
        }
        return new LearningTask(Dim, s, t);
    }

    /// <summary>
    /// A ratio drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>] (no random number when they are equal)
    /// turned into a count out of <paramref name="total"/> by rounding, at most total − 1 so that T is never empty.
    /// </summary>
    private protected static int DrawCount(Rng rng, double low, double high, int total)
    {
        double ratio = low == high ? low : low + (high - low) * rng.NextDouble();
        return Math.Clamp((int)Math.Round(ratio * total, MidpointRounding.ToEven), 0, total - 1);
    }

    /// <summary>A ratio range as the grammar writes it: <c>0.5</c> or <c>0.1..0.9</c>, shortest round-trip digits.</summary>
    private protected static string FormatRange(double low, double high) =>
        low == high ? Format(low) : $"{Format(low)}..{Format(high)}";

    /// <summary>An integer range as the grammar writes it: <c>8</c> or <c>8..14</c>.</summary>
    private protected static string FormatRange(int low, int high) => low == high ? $"{low}" : $"{low}..{high}";

    /// <summary>Checks an observed-ratio range: 0 ≤ low ≤ high &lt; 1 (1 would leave nothing to predict).</summary>
    private protected static void CheckRatio(string key, double low, double high)
    {
        if (!(low >= 0 && high < 1 && low <= high))
            throw new ArgumentException($"{key} must be a ratio or range of ratios within [0, 1) (smallest first), got {FormatRange(low, high)}");
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static ImageShape CheckShape(ImageShape shape)
    {
        if (shape.Height < 1 || shape.Width < 1) throw new ArgumentException("an image shape needs at least one row and one column");
        return shape;
    }
}
