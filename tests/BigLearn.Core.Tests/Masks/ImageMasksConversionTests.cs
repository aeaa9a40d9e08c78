using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Core.Tests.Masks;

public class ImageMasksConversionTests
{
    [Fact]
    public void The_observed_mask_is_one_exactly_on_the_observed_pixels_row_major()
    {
        // A 3x4 image observing pixel (1, 2) and (2, 0): coordinates 1·4 + 2 = 6 and 8.
        var task = LearningTask.Conditional(12, [6, 8], [0, 1, 2, 3, 4, 5, 7, 9, 10, 11]);
        var mask = ImageMasks.ToObservedMask(task, 3, 4);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0 }, mask);
    }

    [Fact]
    public void A_mask_converts_back_to_the_task_it_came_from()
    {
        var q = MaskDistributions.Parse("mix(1 joint, 1 pixels(observed=0.1..0.9), 1 half(any), 1 centre-box(side=4..20))", 784);
        var rng = new Rng(4);
        for (int i = 0; i < 100; i++)
        {
            var task = q.Sample(rng);
            Assert.Equal(task, ImageMasks.FromObservedMask(ImageMasks.ToObservedMask(task, 28, 28), 28, 28));
        }
    }

    [Fact]
    public void Batched_masks_lie_one_image_after_another()
    {
        var top = MaskDistributions.Parse("half(top)", 16).Sample(new Rng(1));
        var joint = LearningTask.Joint(16);
        var right = MaskDistributions.Parse("half(right)", 16).Sample(new Rng(1));
        var masks = ImageMasks.ToObservedMasks([top, joint, right], 4, 4);
        Assert.Equal(48, masks.Length);
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, masks[..16]);
        Assert.All(masks[16..32], v => Assert.Equal(0f, v));
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1 }, masks[32..]);
    }

    [Fact]
    public void Conversions_refuse_tasks_and_masks_that_are_not_pixel_masks_of_the_image()
    {
        var rotated = LearningTask.Marginal(4, [0], OrthogonalTransform.Rotation(4, 0.3));
        Assert.Contains("transformed domain", Assert.Throws<ArgumentException>(() => ImageMasks.ToObservedMask(rotated, 2, 2)).Message);
        Assert.Contains("dimension 4, a 3x3 image has 9 pixels", Assert.Throws<ArgumentException>(() => ImageMasks.ToObservedMask(LearningTask.Joint(4), 3, 3)).Message);
        Assert.Contains("a 2x2 mask has 4 values, got 3", Assert.Throws<ArgumentException>(() => ImageMasks.FromObservedMask(new float[3], 2, 2)).Message);
        Assert.Contains("observes every pixel", Assert.Throws<ArgumentException>(() => ImageMasks.FromObservedMask(new float[] { 1, 1, 1, 1 }, 2, 2)).Message);
    }
}
