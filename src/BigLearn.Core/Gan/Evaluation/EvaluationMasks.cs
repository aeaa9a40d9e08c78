using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The masks of the §4.2 evaluation as [N, 1, H, W] float32 tensors (1 = observed, 0 = to be completed), also for
/// other code (PNG grids) that must show exactly what was evaluated.
/// </summary>
public static class EvaluationMasks
{
    /// <summary>The top ⌊H/2⌋ rows observed.</summary>
    public const string TopHalf = "top_half";

    /// <summary>The left ⌊W/2⌋ columns observed.</summary>
    public const string LeftHalf = "left_half";

    /// <summary>A random 25 % of the pixels observed (round(H·W/4) per image, drawn from the seed).</summary>
    public const string Random25 = "random_25";

    /// <summary>The completion masks, in the order the scores list them.</summary>
    public static readonly IReadOnlyList<string> Names = [TopHalf, LeftHalf, Random25];

    /// <summary>
    /// The mask named <paramref name="name"/> for <paramref name="count"/> images of <paramref name="height"/>×<paramref name="width"/>;
    /// the random mask is drawn from <paramref name="seed"/> (the halves ignore it).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static Tensor Create(string name, int count, int height, int width, long seed) => name switch
    {
        TopHalf => Halves(count, height, width, top: true),
        LeftHalf => Halves(count, height, width, top: false),
        Random25 => RandomPixels(count, height, width, 0.25, Rng.ForStream(seed, streamId: 25)),
        _ => throw new ArgumentException($"evaluation mask '{name}' is not known (allowed: {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>Masks with the top (or, when <paramref name="top"/> is false, the left) half observed.</summary>
    public static Tensor Halves(int count, int height, int width, bool top)
    {
        CheckSize(count, height, width);
        using var scope = NewDisposeScope();
        var mask = zeros([count, 1, height, width], ScalarType.Float32);
        if (top) mask.narrow(2, 0, height / 2).fill_(1);
        else mask.narrow(3, 0, width / 2).fill_(1);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Random pixel masks: in each image exactly round(<paramref name="observedRatio"/>·H·W) pixels observed, a uniform
    /// subset drawn from <paramref name="rng"/> independently per image. Ratio 0 gives all-zero (joint generation) masks.
    /// </summary>
    public static Tensor RandomPixels(int count, int height, int width, double observedRatio, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckSize(count, height, width);
        if (!(observedRatio >= 0 && observedRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(observedRatio), observedRatio, "observed ratio must lie in [0, 1]");
        int pixels = height * width;
        int observed = (int)Math.Round(observedRatio * pixels);
        var values = new float[count * pixels];
        for (int n = 0; n < count; n++)
            foreach (int p in rng.Subset(pixels, observed)) values[n * pixels + p] = 1f;
        return tensor(values, [count, 1, height, width], ScalarType.Float32);
    }

    private static void CheckSize(int count, int height, int width)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "mask count must not be negative");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"image size {height}x{width} must be positive");
    }
}
