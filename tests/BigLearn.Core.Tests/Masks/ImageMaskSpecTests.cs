using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Core.Tests.Masks;

public class ImageMaskSpecTests
{
    private const int Mnist = 28 * 28;

    private static List<LearningTask> Draw(IMaskDistribution q, int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => q.Sample(rng)).ToList();
    }

    [Theory]
    [InlineData("joint", "joint")]
    [InlineData("pixels(observed=0.1..0.9)", "pixels(observed=0.1..0.9)")]
    [InlineData("pixels( observed = 0.5 )", "pixels(observed=0.5)")]
    [InlineData("pixels(observed=0.3..0.3)", "pixels(observed=0.3)")]
    [InlineData("pixels(observed=0..0.95)", "pixels(observed=0..0.95)")]
    [InlineData("patches(observed=0.25..0.75, size=4)", "patches(size=4, observed=0.25..0.75)")]
    [InlineData("patches(size=7, observed=0.5)", "patches(size=7, observed=0.5)")]
    [InlineData("half(top)", "half(top)")]
    [InlineData("half( any )", "half(any)")]
    [InlineData("centre-box(side=8..14)", "centre-box(side=8..14)")]
    [InlineData("centre-box(side=10..10)", "centre-box(side=10)")]
    [InlineData("random-box(side=5..20)", "random-box(side=5..20)")]
    [InlineData("mix(0.2 joint, 0.4 pixels(observed=0..0.9), 0.2 half(any), 0.2 centre-box(side=8..16))",
        "mix(0.2 joint, 0.4 pixels(observed=0..0.9), 0.2 half(any), 0.2 centre-box(side=8..16))")]
    [InlineData("mix(1 patches(size=4,observed=0.1..0.9), 1 random-box(side=6), 1 half(left), 1 half(right), 1 half(bottom))",
        "mix(1 patches(size=4, observed=0.1..0.9), 1 random-box(side=6), 1 half(left), 1 half(right), 1 half(bottom))")]
    public void An_image_description_is_canonical_and_parses_back_to_the_same_task_sequence(string spec, string canonical)
    {
        var original = MaskDistributions.Parse(spec, Mnist);
        Assert.Equal(canonical, original.Description);
        var reparsed = MaskDistributions.Parse(original.Description, Mnist);
        Assert.Equal(canonical, reparsed.Description);
        Assert.Equal(Draw(original, 100, 23), Draw(reparsed, 100, 23));
    }

    [Fact]
    public void A_non_square_image_takes_its_shape_from_the_parse_context_and_round_trips_with_it()
    {
        var shape = new ImageShape(4, 6);
        var q = MaskDistributions.Parse("mix(1 half(left), 1 patches(size=2, observed=0.5), 1 centre-box(side=2..4))", shape);
        Assert.Equal(24, q.Dim);
        var reparsed = MaskDistributions.Parse(q.Description, shape);
        Assert.Equal(Draw(q, 100, 5), Draw(reparsed, 100, 5));
        var patches = Assert.IsType<PatchMasks>(Assert.IsType<MixtureMasks>(q).Components[1]);
        Assert.Equal((2, 3), (patches.PatchRows, patches.PatchColumns));
    }

    [Fact]
    public void Parsed_image_specs_build_the_documented_distributions()
    {
        var pixels = Assert.IsType<PixelMasks>(MaskDistributions.Parse("pixels(observed=0.1..0.9)", Mnist));
        Assert.Equal((0.1, 0.9, new ImageShape(28, 28)), (pixels.MinRatio, pixels.MaxRatio, pixels.Shape));
        var patches = Assert.IsType<PatchMasks>(MaskDistributions.Parse("patches(size=4, observed=0.2)", Mnist));
        Assert.Equal((4, 7, 7, 0.2, 0.2), (patches.PatchSize, patches.PatchRows, patches.PatchColumns, patches.MinRatio, patches.MaxRatio));
        Assert.Equal(ImageHalf.Any, Assert.IsType<HalfMasks>(MaskDistributions.Parse("half(any)", Mnist)).Half);
        var box = Assert.IsType<BoxMasks>(MaskDistributions.Parse("random-box(side=3..9)", Mnist));
        Assert.Equal((3, 9, false), (box.MinSide, box.MaxSide, box.Centred));
        Assert.True(Assert.IsType<BoxMasks>(MaskDistributions.Parse("centre-box(side=3)", Mnist)).Centred);
    }

    [Fact]
    public void The_joint_form_on_784_pixels_draws_pure_generation_tasks()
    {
        var task = MaskDistributions.Parse("joint", Mnist).Sample(new Rng(1));
        Assert.Equal(TaskKind.Joint, task.Kind);
        Assert.Empty(task.Observed);
        Assert.Equal(Enumerable.Range(0, Mnist), task.Target);
        Assert.All(ImageMasks.ToObservedMask(task, 28, 28), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("pixels(observed=1.2)", Mnist, "pixels(observed=1.2): observed must be a ratio or range of ratios within [0, 1) (smallest first), got 1.2")]
    [InlineData("pixels(observed=0.9..0.1)", Mnist, "observed must be a ratio or range of ratios within [0, 1) (smallest first), got 0.9..0.1")]
    [InlineData("pixels(observed=-0.1..0.5)", Mnist, "within [0, 1)")]
    [InlineData("pixels(observed=0.1,0.2)", Mnist, "observed=0.1,0.2: observed takes a ratio or a range of ratios like 0.1..0.9, not a list")]
    [InlineData("pixels(ratio=0.5)", Mnist, "ratio: unknown argument 'ratio' for pixels; allowed: observed (in pixels(ratio=0.5))")]
    [InlineData("pixels(observed=0.5)", 10, "pixels(observed=0.5): pixels is an image mask and needs the image size: dimension 10 is not a square")]
    [InlineData("patches(observed=0.5)", Mnist, "patches(observed=0.5): patches needs size=<patch side>")]
    [InlineData("patches(size=5, observed=0.5)", Mnist, "patches(size=5, observed=0.5): size must divide both image sides (28x28); allowed: 1, 2, 4, 7, 14, got 5")]
    [InlineData("patches(size=28, observed=0.5)", Mnist, "size 28 leaves a single patch on a 28x28 image")]
    [InlineData("patches(size=2.5, observed=0.5)", Mnist, "size=2.5: size needs whole numbers, found 2.5")]
    [InlineData("half(middle)", Mnist, "middle: unknown half 'middle'; allowed: top, bottom, left, right, any (in half(middle))")]
    [InlineData("half()", Mnist, "expected the observed half (top, bottom, left, right, any), as in half(top), found ')'")]
    [InlineData("half(top", Mnist, "expected ')', found end of text")]
    [InlineData("half(top)", 1, "half(top): half(top) needs at least 2 pixels along the halved side, image is 1x1")]
    [InlineData("centre-box(side=0..30)", Mnist, "centre-box(side=0..30): side must be a size or range of sizes within [1, 28] for a 28x28 image (smallest first), got 0..30")]
    [InlineData("random-box(side=9..3)", Mnist, "within [1, 28]")]
    [InlineData("random-box()", Mnist, "expected an argument key=value for random-box (allowed: side)")]
    [InlineData("centre-box(size=4)", Mnist, "unknown argument 'size' for centre-box; allowed: side")]
    [InlineData("mix(0.5 joint, 0.5 half(diagonal))", Mnist, "diagonal: unknown half 'diagonal'; allowed: top, bottom, left, right, any (in mix(0.5 joint, 0.5 half(diagonal)))")]
    [InlineData("box(side=4)", Mnist, "unknown distribution 'box'; allowed: joint, marginal(...), conditional(...), haar(...), rotation(...), noisy(...), mix(...), pixels(...), patches(...), half(...), centre-box(...), random-box(...)")]
    public void A_bad_image_spec_fails_with_one_line_naming_the_offending_part(string spec, int dim, string expected)
    {
        var error = Assert.Throws<MaskSpecException>(() => MaskDistributions.Parse(spec, dim));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(error.Fragment + ": ", error.Message);
    }

    [Fact]
    public void Image_masks_with_the_same_seed_draw_the_same_tasks_and_other_seeds_differ()
    {
        var q = MaskDistributions.Parse("mix(1 pixels(observed=0.1..0.9), 1 patches(size=4, observed=0.1..0.9), 1 half(any), 1 random-box(side=4..20))", Mnist);
        var first = Draw(q, 200, 99);
        Assert.Equal(first, Draw(q, 200, 99));
        Assert.NotEqual(first, Draw(q, 200, 100));
    }

    [Fact]
    public void A_mixture_of_joint_and_half_masks_picks_components_with_their_weights()
    {
        var q = MaskDistributions.Parse("mix(1 joint, 3 half(top))", Mnist);
        var tasks = Draw(q, 4000, 8);
        int joint = tasks.Count(t => t.Kind == TaskKind.Joint);
        StatisticalAssert.Binomial(joint, tasks.Count, 0.25, "joint draws");
        var top = Enumerable.Range(0, 14 * 28).ToArray();
        Assert.All(tasks.Where(t => t.Kind != TaskKind.Joint), t => Assert.True(top.AsSpan().SequenceEqual(t.Observed), "a half(top) draw is not the top half"));
    }
}
