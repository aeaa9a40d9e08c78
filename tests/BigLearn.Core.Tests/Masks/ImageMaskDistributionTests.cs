using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Core.Tests.Masks;

public class ImageMaskDistributionTests
{
    private static readonly ImageShape Mnist = new(28, 28);

    private static List<LearningTask> Draw(IMaskDistribution q, int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => q.Sample(rng)).ToList();
    }

    /// <summary>The pixels (r, c) of <paramref name="shape"/> for which <paramref name="pick"/> holds, row-major.</summary>
    private static int[] Pixels(ImageShape shape, Func<int, int, bool> pick) =>
        (from r in Enumerable.Range(0, shape.Height) from c in Enumerable.Range(0, shape.Width) where pick(r, c) select r * shape.Width + c).ToArray();

    /// <summary>Asserts equal sequences; compares cheaply first because xUnit's collection comparison is slow on thousands of draws.</summary>
    internal static void AssertSameSequence(IEnumerable<int> expected, IEnumerable<int> actual)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        if (!e.AsSpan().SequenceEqual(a)) Assert.Equal(e, a);
    }

    private static void AssertPartition(LearningTask task)
    {
        Assert.False(task.IsTransformed);
        Assert.False(task.Observed.Intersect(task.Target).Any(), "S and T overlap");
        AssertSameSequence(Enumerable.Range(0, task.Dim), task.Observed.Concat(task.Target).Order());
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(5, 3)]
    [InlineData(4, 7)]
    public void Half_masks_observe_exactly_the_named_half_and_predict_the_rest(int height, int width)
    {
        var shape = new ImageShape(height, width);
        var expected = new Dictionary<string, int[]>
        {
            ["top"] = Pixels(shape, (r, _) => 2 * (r + 1) <= height),
            ["bottom"] = Pixels(shape, (r, _) => 2 * (height - r) <= height),
            ["left"] = Pixels(shape, (_, c) => 2 * (c + 1) <= width),
            ["right"] = Pixels(shape, (_, c) => 2 * (width - c) <= width),
        };
        foreach (var (name, observed) in expected)
        {
            var task = MaskDistributions.Parse($"half({name})", shape).Sample(new Rng(3));
            Assert.Equal(observed, task.Observed);
            Assert.Equal(Pixels(shape, (r, c) => !observed.Contains(r * width + c)), task.Target);
            Assert.Equal(TaskKind.Conditional, task.Kind);
        }
        // The observed half is ⌊side/2⌋ long: with an odd side the middle line is predicted.
        Assert.Equal(height / 2 * width, expected["top"].Length);
        Assert.Equal(width / 2 * height, expected["right"].Length);
    }

    [Fact]
    public void Half_any_draws_each_of_the_four_halves_uniformly()
    {
        var named = new[] { "top", "bottom", "left", "right" }
            .Select(n => MaskDistributions.Parse($"half({n})", Mnist).Sample(new Rng(0))).ToArray();
        var counts = new int[4];
        foreach (var task in Draw(MaskDistributions.Parse("half(any)", Mnist), 2000, 41))
        {
            int which = Array.FindIndex(named, t => t.Equals(task));
            Assert.True(which >= 0, $"half(any) drew a task that is none of the four halves: {task.Observed.Length} observed");
            counts[which]++;
        }
        StatisticalAssert.Uniform(counts, "half(any) sides");
    }

    [Theory]
    [InlineData("joint")]
    [InlineData("pixels(observed=0..0.99)")]
    [InlineData("patches(size=7, observed=0.1..0.9)")]
    [InlineData("half(any)")]
    [InlineData("centre-box(side=1..28)")]
    [InlineData("random-box(side=1..28)")]
    public void Image_tasks_split_the_pixels_into_disjoint_observed_and_target_sets(string spec)
    {
        foreach (var task in Draw(MaskDistributions.Parse(spec, Mnist), 300, 12))
        {
            Assert.Equal(784, task.Dim);
            AssertPartition(task);
        }
    }

    [Fact]
    public void Pixel_masks_draw_observed_ratios_within_the_range_with_the_midpoint_as_mean()
    {
        const double low = 0.1, high = 0.9;
        const int draws = 4000;
        var ratios = Draw(new PixelMasks(Mnist, low, high), draws, 2024).Select(ImageMasks.ObservedRatio).ToArray();
        // Rounding r·784 to a pixel count moves a ratio by at most half a pixel.
        double slack = 0.5 / 784;
        Assert.All(ratios, r => Assert.InRange(r, low - slack, high + slack));
        // r is uniform on [low, high]: standard deviation (high − low)/√12; the bound is 4 standard errors (±0.0146).
        StatisticalAssert.Mean(ratios.Average(), (low + high) / 2, (high - low) / Math.Sqrt(12), draws, "mean observed ratio");
        // ... and it fills the range: each tenth of it gets its share (400 ± 4σ).
        var deciles = new int[10];
        foreach (double r in ratios) deciles[Math.Clamp((int)((r - low) / (high - low) * 10), 0, 9)]++;
        StatisticalAssert.Uniform(deciles, "observed ratio deciles");
    }

    [Fact]
    public void Pixel_masks_of_a_fixed_ratio_observe_that_many_pixels_each_equally_often()
    {
        var tasks = Draw(new PixelMasks(Mnist, 0.25, 0.25), 2000, 6);
        Assert.All(tasks, t => Assert.Equal(196, t.Observed.Length));
        foreach (int pixel in new[] { 0, 27, 406, 783 })
            StatisticalAssert.Binomial(tasks.Count(t => t.Observed.Contains(pixel)), tasks.Count, 196.0 / 784, $"pixel {pixel} observed");
    }

    [Theory]
    [InlineData(4, 0.25, 0.75)]
    [InlineData(7, 0.0, 0.9)]
    [InlineData(14, 0.5, 0.5)]
    public void Patch_masks_consist_of_whole_patches_in_the_drawn_ratio(int size, double low, double high)
    {
        var q = new PatchMasks(Mnist, size, low, high);
        int perSide = 28 / size, patches = perSide * perSide;
        var patchRatios = new List<double>();
        foreach (var task in Draw(q, 1000, 77))
        {
            var mask = ImageMasks.ToObservedMask(task, 28, 28);
            int observedPatches = 0;
            for (int pr = 0; pr < perSide; pr++)
            {
                for (int pc = 0; pc < perSide; pc++)
                {
                    float first = mask[pr * size * 28 + pc * size];
                    for (int r = pr * size; r < (pr + 1) * size; r++)
                        for (int c = pc * size; c < (pc + 1) * size; c++)
                            if (mask[r * 28 + c] != first) Assert.Fail($"patch ({pr}, {pc}) is split: pixel ({r}, {c}) differs from its corner");
                    if (first == 1f) observedPatches++;
                }
            }
            Assert.Equal(observedPatches * size * size, task.Observed.Length);
            double ratio = (double)observedPatches / patches;
            Assert.InRange(ratio, low - 0.5 / patches, high + 0.5 / patches);
            patchRatios.Add(ratio);
        }
        if (low < high)
        {
            // The ratio is uniform on [low, high] before rounding to whole patches, which moves each draw by at most
            // 1/(2P): 4 standard errors plus that shift bound the mean.
            double tolerance = 4 * (high - low) / Math.Sqrt(12) / Math.Sqrt(patchRatios.Count) + 0.5 / patches;
            Assert.InRange(patchRatios.Average(), (low + high) / 2 - tolerance, (low + high) / 2 + tolerance);
        }
    }

    [Theory]
    [InlineData(8, 14)]
    [InlineData(1, 28)]
    [InlineData(9, 9)]
    public void Centre_box_holes_are_centred_squares_with_sides_drawn_uniformly_from_the_range(int minSide, int maxSide)
    {
        var sides = new int[maxSide - minSide + 1];
        foreach (var task in Draw(new BoxMasks(Mnist, minSide, maxSide, centred: true), 1400, 31))
        {
            var (top, left, side) = HoleOf(task);
            Assert.InRange(side, minSide, maxSide);
            int below = 28 - top - side, right = 28 - left - side;
            // Centred: equal margins, or the bottom/right one pixel wider when 28 − side is odd.
            Assert.Equal((28 - side) % 2, below - top);
            Assert.Equal((28 - side) % 2, right - left);
            sides[side - minSide]++;
        }
        if (sides.Length > 1) StatisticalAssert.Uniform(sides, "hole sides");
    }

    [Fact]
    public void Random_box_holes_are_squares_inside_the_image_at_uniform_positions()
    {
        var tops = new int[28 - 10 + 1];
        var lefts = new int[28 - 10 + 1];
        foreach (var task in Draw(new BoxMasks(Mnist, 10, 10, centred: false), 1900, 19))
        {
            var (top, left, side) = HoleOf(task);
            Assert.Equal(10, side);
            tops[top]++;
            lefts[left]++;
        }
        StatisticalAssert.Uniform(tops, "hole tops");
        StatisticalAssert.Uniform(lefts, "hole lefts");
    }

    [Fact]
    public void Constructors_validate_image_arguments_with_clear_messages()
    {
        Assert.Contains("at least one row and one column, got 0x3", Assert.Throws<ArgumentException>(() => new ImageShape(0, 3)).Message);
        Assert.Contains("within [0, 1)", Assert.Throws<ArgumentException>(() => new PixelMasks(Mnist, 0.2, 1.0)).Message);
        Assert.Contains("allowed: 1, 2, 4, 7, 14, got 3", Assert.Throws<ArgumentException>(() => new PatchMasks(Mnist, 3, 0.1, 0.2)).Message);
        Assert.Contains("within [1, 4] for a 4x6 image", Assert.Throws<ArgumentException>(() => new BoxMasks(new ImageShape(4, 6), 2, 5, true)).Message);
        Assert.Equal(new ImageShape(28, 28), ImageShape.SquareOf(784));
        Assert.Null(ImageShape.SquareOf(783));
    }

    /// <summary>The target of a box task as (top, left, side), checking that it is exactly a filled square.</summary>
    private static (int Top, int Left, int Side) HoleOf(LearningTask task)
    {
        AssertPartition(task);
        var rows = task.Target.Select(i => i / 28).ToArray();
        var columns = task.Target.Select(i => i % 28).ToArray();
        int top = rows.Min(), left = columns.Min();
        int side = rows.Max() - top + 1;
        Assert.Equal(side, columns.Max() - left + 1);
        AssertSameSequence(Pixels(Mnist, (r, c) => r >= top && r < top + side && c >= left && c < left + side), task.Target);
        return (top, left, side);
    }
}
