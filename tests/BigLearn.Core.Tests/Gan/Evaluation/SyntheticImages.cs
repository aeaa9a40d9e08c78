using BigLearn.Core.Images;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Gan.Evaluation;

/// <summary>Tiny labelled image sets for the evaluation tests (no data files needed).</summary>
internal static class SyntheticImages
{
    /// <summary>
    /// Two classes of <paramref name="side"/>×<paramref name="side"/> images: class 0 bright on the left half, class 1
    /// bright on the bottom half, both with uniform noise in [0, 0.3) on top — separable, but not by one pixel.
    /// </summary>
    public static ImageSet TwoClass(string name, int count, int side, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * side * side];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = (byte)(n % 2);
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    bool bright = labels[n] == 0 ? c < side / 2 : r >= side / 2;
                    pixels[(n * side + r) * side + c] = (float)((bright ? 0.7 : 0.0) + 0.3 * rng.NextDouble());
                }
        }
        return new ImageSet(name, side, side, pixels, labels);
    }

    /// <summary>A data set of <see cref="TwoClass"/> images with separate training and test draws.</summary>
    public static ImageDataset TwoClassDataset(int train = 400, int test = 60, int side = 8) =>
        new("synthetic", TwoClass("synthetic/train", train, side, 11), TwoClass("synthetic/test", test, side, 12));

    /// <summary>Uniform random images (every pixel independent), label 0.</summary>
    public static ImageSet Uniform(string name, int count, int height, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * height * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextDouble();
        return new ImageSet(name, height, width, pixels, new byte[count]);
    }
}

/// <summary>Whole-tensor equality for assertions.</summary>
internal static class TensorAssertions
{
    /// <summary>True when both tensors have the same shape and every element is equal.</summary>
    public static bool SameAs(this TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
