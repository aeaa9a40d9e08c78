using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Core.Tests.Masks;

public class MaskSpecParserTests
{
    private static List<LearningTask> Draw(IMaskDistribution q, int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => q.Sample(rng)).ToList();
    }

    [Theory]
    [InlineData("joint", 3, "joint")]
    [InlineData("marginal(k=1)", 3, "marginal(k=1)")]
    [InlineData("marginal( k = 2 )", 3, "marginal(k=2)")]
    [InlineData("marginal(coords=2, 0)", 3, "marginal(coords=0,2)")]
    [InlineData("conditional(observed=1..3)", 5, "conditional(observed=1..3)")]
    [InlineData("conditional(observed=2..2)", 5, "conditional(observed=2)")]
    [InlineData("conditional(target=2, observed=1..3)", 5, "conditional(observed=1..3, target=2)")]
    [InlineData("conditional(observed-coords=0)", 3, "conditional(observed-coords=0)")]
    [InlineData("conditional(observed-coords=0, target-coords=1)", 3, "conditional(observed-coords=0, target-coords=1)")]
    [InlineData("conditional(observed-coords=3,1, target=1)", 5, "conditional(observed-coords=1,3, target=1)")]
    [InlineData("haar(marginal(k=1))", 3, "haar(marginal(k=1))")]
    [InlineData("rotation(conditional(observed=1))", 3, "rotation(conditional(observed=1))")]
    [InlineData("rotation(marginal(coords=0), angles=0, 15, 30)", 2, "rotation(marginal(coords=0), angles=0,15,30)")]
    [InlineData("rotation(joint, angles=-22.5,1e1)", 2, "rotation(joint, angles=-22.5,10)")]
    [InlineData("mix( 0.9  haar(marginal(k = 1)) ,0.1 joint )", 2, "mix(0.9 haar(marginal(k=1)), 0.1 joint)")]
    [InlineData("mix(1 mix(2 joint, 1 marginal(k=1)), 3 rotation(marginal(k=1), angles=45))", 2, "mix(1 mix(2 joint, 1 marginal(k=1)), 3 rotation(marginal(k=1), angles=45))")]
    [InlineData("haar(mix(0.25 conditional(observed=1), 0.75 marginal(k=2)))", 4, "haar(mix(0.25 conditional(observed=1), 0.75 marginal(k=2)))")]
    [InlineData("noisy( joint , sd = 1.5 )", 2, "noisy(joint, sd=1.5)")]
    [InlineData("noisy(haar(marginal(k=1)), sd=2e-1)", 2, "noisy(haar(marginal(k=1)), sd=0.2)")]
    [InlineData("haar(noisy(marginal(k=1), sd=1))", 3, "haar(noisy(marginal(k=1), sd=1))")]
    [InlineData("mix(0.7 haar(marginal(k=1)), 0.3 noisy(joint, sd=2))", 2, "mix(0.7 haar(marginal(k=1)), 0.3 noisy(joint, sd=2))")]
    public void A_description_is_canonical_and_parses_back_to_the_same_task_sequence(string spec, int dim, string canonical)
    {
        var original = MaskDistributions.Parse(spec, dim);
        Assert.Equal(canonical, original.Description);
        var reparsed = MaskDistributions.Parse(original.Description, dim);
        Assert.Equal(canonical, reparsed.Description);
        Assert.Equal(Draw(original, 200, 17), Draw(reparsed, 200, 17));
    }

    [Fact]
    public void Parsed_specs_build_the_documented_distributions()
    {
        var marginal = Assert.IsType<MarginalMasks>(MaskDistributions.Parse("marginal(k=2)", 4));
        Assert.Equal(2, marginal.Size);
        Assert.Null(marginal.Coordinates);

        var conditional = Assert.IsType<ConditionalMasks>(MaskDistributions.Parse("conditional(observed=1..3, target=1)", 5));
        Assert.Equal((1, 3, 1), (conditional.MinObserved, conditional.MaxObserved, conditional.TargetSize));

        var rotation = Assert.IsType<TransformedMasks>(MaskDistributions.Parse("rotation(joint, angles=0,15,30)", 2));
        Assert.Equal(TransformDraw.FixedAngles, rotation.Draw);
        Assert.Equal(new[] { 0.0, 15, 30 }, rotation.AnglesDegrees);
        Assert.IsType<JointMasks>(rotation.Inner);

        var noisy = Assert.IsType<NoisyMasks>(MaskDistributions.Parse("noisy(haar(marginal(k=1)), sd=1.25)", 2));
        Assert.Equal(1.25, noisy.Noise);
        Assert.Equal(TaskKind.Marginal, noisy.Kind);
        Assert.All(Draw(noisy, 50, 3), task => Assert.Equal(1.25, task.Noise));
        Assert.All(Draw(MaskDistributions.Parse("haar(noisy(marginal(k=1), sd=0.5))", 2), 50, 3), task =>
        {
            Assert.Equal(0.5, task.Noise);
            Assert.True(task.IsTransformed);
        });
        // The wrapper draws no random numbers: the tasks are the inner ones, noise added.
        Assert.Equal(Draw(noisy.Inner, 50, 3).Select(t => t.WithNoise(1.25)), Draw(noisy, 50, 3));

        var mix = Assert.IsType<MixtureMasks>(MaskDistributions.Parse("mix(0.9 haar(marginal(k=1)), 0.1 joint)", 2));
        Assert.Equal(0.9, mix.Weights[0], 15);
        Assert.Equal(TransformDraw.Haar, Assert.IsType<TransformedMasks>(mix.Components[0]).Draw);
    }

    [Theory]
    [InlineData("marginal(k=5)", 2, "marginal(k=5): k must be in [1, 2] for dimension 2")]
    [InlineData("marginal(k=0)", 4, "marginal(k=0): k must be in [1, 4]")]
    [InlineData("", 3, "'': a mask spec is required; allowed: joint")]
    [InlineData("jiont", 3, "jiont: unknown distribution 'jiont'; allowed: joint, marginal")]
    [InlineData("joint()", 3, "joint(: joint takes no arguments")]
    [InlineData("joint extra", 3, "joint extra: at position 6 expected end of text")]
    [InlineData("marginal(k=1", 3, "marginal(k=1: at position 12 expected ',' and another argument, or ')', found end of text")]
    [InlineData("marginal(size=1)", 3, "size: unknown argument 'size' for marginal; allowed: k, coords (in marginal(size=1))")]
    [InlineData("marginal(k=1, coords=0)", 3, "marginal(k=1, coords=0): give exactly one of k=<size> or coords=<list>")]
    [InlineData("marginal(k=1, k=2)", 3, "k: argument 'k' is given twice in marginal")]
    [InlineData("marginal(k=1.5)", 3, "k=1.5: k needs whole numbers, found 1.5")]
    [InlineData("marginal(k=1..2)", 3, "k=1..2: k takes a single whole number")]
    [InlineData("marginal(coords=0,0)", 3, "marginal(coords=0,0): coords lists coordinate 0 twice")]
    [InlineData("marginal(coords=0,7)", 4, "marginal(coords=0,7): coords coordinate 7 must be in [0, 3] for dimension 4")]
    [InlineData("marginal(coords=)", 3, "at position 16 expected a number, found ')'")]
    [InlineData("conditional(observed=3..1)", 5, "conditional(observed=3..1): observed sizes must be a range within [1, 4]")]
    [InlineData("conditional(observed=1..4)", 4, "conditional(observed=1..4): observed sizes must be a range within [1, 3] for dimension 4")]
    [InlineData("conditional(observed=1..3, target=2)", 4, "conditional(observed=1..3, target=2): target must be in [1, 1]")]
    [InlineData("conditional(target=1)", 4, "conditional(target=1): give exactly one of observed=<min>..<max> or observed-coords=<list>")]
    [InlineData("conditional(observed=1, target-coords=0)", 4, "target-coords=0: target-coords needs a fixed S")]
    [InlineData("conditional(observed-coords=0, target-coords=0,1)", 4, "observed-coords and target-coords must be disjoint; both contain 0")]
    [InlineData("conditional(observed-coords=0,1)", 2, "observed-coords must leave at least one coordinate to predict")]
    [InlineData("conditional(observed=1)", 1, "conditional(observed=1): conditional tasks need dimension at least 2, got 1")]
    [InlineData("haar(rotation(joint))", 3, "haar(rotation(joint)): haar(...) needs an inner distribution of data-domain tasks; transforms cannot be nested")]
    [InlineData("haar(mix(1 joint, 1 haar(joint)))", 3, "transforms cannot be nested")]
    [InlineData("haar(joint, angles=0)", 3, "angles: unknown argument 'angles' for haar; haar takes no arguments besides its inner distribution")]
    [InlineData("rotation(joint, angles=)", 3, "expected a number, found ')'")]
    [InlineData("rotation(joint)", 1, "rotation(joint): a rotation needs dimension at least 2, got 1")]
    [InlineData("haar(marginal(k=9))", 3, "marginal(k=9): k must be in [1, 3] for dimension 3 (in haar(marginal(k=9)))")]
    [InlineData("mix(0.9 joint, 0 marginal(k=1))", 3, "0: mix weights must be > 0, got 0")]
    [InlineData("mix(joint)", 3, "expected a weight (a number > 0) before each mix component")]
    [InlineData("mix(0.5 joint; 0.5 joint)", 3, "found '; 0.5 joint)'")]
    [InlineData("mix(1e999 joint)", 3, "1e999: weight must be a finite number, found 1e999")]
    [InlineData("noisy(joint)", 2, "at position 11 expected ', sd=<noise standard deviation>' after the inner distribution of noisy(...)")]
    [InlineData("noisy(joint, scale=1)", 2, "scale: unknown argument 'scale' for noisy; allowed: sd")]
    [InlineData("noisy(joint, sd=0)", 2, "noisy(joint, sd=0): sd must be a finite number > 0, got 0")]
    [InlineData("noisy(joint, sd=-1)", 2, "sd must be a finite number > 0, got -1")]
    [InlineData("noisy(joint, sd=0.5..1)", 2, "sd=0.5..1: sd takes a single number > 0")]
    [InlineData("noisy(conditional(observed=1), sd=1)", 2, "noisy(...) needs joint or marginal tasks; conditional(observed=1) draws conditional ones")]
    [InlineData("noisy(mix(1 joint, 1 marginal(k=1)), sd=1)", 2, "mixes kinds: write mix(w noisy(...), ...) instead")]
    [InlineData("noisy(noisy(joint, sd=1), sd=2)", 2, "noisy(...) cannot be nested")]
    [InlineData("noisy(haar(noisy(joint, sd=1)), sd=2)", 2, "noisy(...) cannot be nested")]
    public void A_bad_spec_fails_with_one_line_naming_the_offending_part(string spec, int dim, string expected)
    {
        var error = Assert.Throws<MaskSpecException>(() => MaskDistributions.Parse(spec, dim));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(error.Fragment + ": ", error.Message);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void A_dimension_below_one_is_refused_as_a_spec_error()
    {
        var error = Assert.Throws<MaskSpecException>(() => MaskDistributions.Parse("joint", 0));
        Assert.Contains("dimension must be at least 1, got 0", error.Message);
    }

    [Fact]
    public void Constructors_validate_their_arguments_with_clear_messages()
    {
        Assert.Contains("k must be in [1, 3]", Assert.Throws<ArgumentException>(() => MarginalMasks.OfSize(3, 4)).Message);
        Assert.Contains("dimension must be at least 1", Assert.Throws<ArgumentException>(() => new JointMasks(0)).Message);
        Assert.Contains("coords must list at least one coordinate", Assert.Throws<ArgumentException>(() => MarginalMasks.OnCoordinates(3, [])).Message);
        Assert.Contains("target must be in [1, 2]", Assert.Throws<ArgumentException>(() => ConditionalMasks.FixedObserved(3, [0], 3)).Message);
        Assert.Contains("angles must list at least one angle", Assert.Throws<ArgumentException>(() => TransformedMasks.Rotation(new JointMasks(2), [])).Message);
        Assert.Contains("angles must be finite", Assert.Throws<ArgumentException>(() => TransformedMasks.Rotation(new JointMasks(2), [double.NaN])).Message);
        Assert.Contains("same dimension, got 2 and 3", Assert.Throws<ArgumentException>(() => new MixtureMasks([(1.0, new JointMasks(2)), (1.0, new JointMasks(3))])).Message);
        Assert.Contains("weights must be finite and > 0", Assert.Throws<ArgumentException>(() => new MixtureMasks([(-1.0, new JointMasks(2))])).Message);
        Assert.Contains("at least one weighted component", Assert.Throws<ArgumentException>(() => new MixtureMasks([])).Message);
    }

    [Fact]
    public void Built_distributions_describe_themselves_in_the_grammar()
    {
        var q = new MixtureMasks([
            (0.9, TransformedMasks.Haar(MarginalMasks.OfSize(2, 1))),
            (0.1, new JointMasks(2)),
        ]);
        Assert.Equal("mix(0.9 haar(marginal(k=1)), 0.1 joint)", q.Description);
        Assert.Equal("conditional(observed=1..2, target=1)", ConditionalMasks.RandomObserved(4, 1, 2, 1).Description);
        Assert.Equal("rotation(marginal(coords=1), angles=0,90)", TransformedMasks.Rotation(MarginalMasks.OnCoordinates(2, [1]), [0, 90]).Description);
    }
}
