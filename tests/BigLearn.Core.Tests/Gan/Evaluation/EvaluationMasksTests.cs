using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan.Evaluation;

[Collection(TorchCollection.Name)]
public class EvaluationMasksTests
{
    private static float[,] Pixels(Tensor masks, int image)
    {
        var values = masks[image, 0].data<float>().ToArray();
        int h = (int)masks.shape[2], w = (int)masks.shape[3];
        var grid = new float[h, w];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) grid[r, c] = values[r * w + c];
        return grid;
    }

    [Fact]
    public void The_top_half_mask_observes_exactly_the_upper_rows()
    {
        using var scope = NewDisposeScope();
        var masks = EvaluationMasks.Create(EvaluationMasks.TopHalf, 3, 28, 28, seed: 1);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, masks.shape);
        for (int n = 0; n < 3; n++)
        {
            var grid = Pixels(masks, n);
            for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) Assert.Equal(r < 14 ? 1f : 0f, grid[r, c]);
        }
    }

    [Fact]
    public void The_left_half_mask_observes_exactly_the_left_columns()
    {
        using var scope = NewDisposeScope();
        var masks = EvaluationMasks.Create(EvaluationMasks.LeftHalf, 2, 6, 10, seed: 1);
        for (int n = 0; n < 2; n++)
        {
            var grid = Pixels(masks, n);
            for (int r = 0; r < 6; r++) for (int c = 0; c < 10; c++) Assert.Equal(c < 5 ? 1f : 0f, grid[r, c]);
        }
    }

    [Fact]
    public void The_random_mask_observes_a_quarter_of_each_image_differently_per_image_and_reproducibly()
    {
        using var scope = NewDisposeScope();
        var masks = EvaluationMasks.Create(EvaluationMasks.Random25, 50, 28, 28, seed: 7);
        var perImage = masks.sum([1, 2, 3]).data<float>().ToArray();
        Assert.All(perImage, count => Assert.Equal(196f, count)); // 784 / 4
        Assert.All(masks.data<float>().ToArray(), v => Assert.True(v == 0f || v == 1f));
        Assert.False(masks[0].SameAs(masks[1]));
        // Each pixel is observed in about a quarter of the images (50 images: sd ≈ 0.06).
        var perPixel = masks.mean([0]).data<float>().ToArray();
        Assert.InRange(perPixel.Average(), 0.2499, 0.2501);
        Assert.InRange(perPixel.Max(), 0.25, 0.6);
        Assert.True(masks.SameAs(EvaluationMasks.Create(EvaluationMasks.Random25, 50, 28, 28, seed: 7)));
        Assert.False(masks.SameAs(EvaluationMasks.Create(EvaluationMasks.Random25, 50, 28, 28, seed: 8)));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 32)]
    [InlineData(0.75, 48)]
    [InlineData(1.0, 64)]
    public void Random_pixel_masks_observe_the_rounded_ratio_of_pixels(double ratio, int observed)
    {
        using var scope = NewDisposeScope();
        var masks = EvaluationMasks.RandomPixels(4, 8, 8, ratio, new Rng(3));
        Assert.All(masks.sum([1, 2, 3]).data<float>().ToArray(), count => Assert.Equal(observed, count));
    }

    [Fact]
    public void An_unknown_mask_name_is_refused_with_the_allowed_names()
    {
        var error = Assert.Throws<ArgumentException>(() => EvaluationMasks.Create("bottom_half", 1, 8, 8, 1));
        Assert.Contains("bottom_half", error.Message);
        Assert.Contains("top_half, left_half, random_25", error.Message);
    }
}
