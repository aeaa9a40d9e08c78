using BigLearn.Core.Gan;
using BigLearn.Core.Images;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan;

[Collection(TorchCollection.Name)]
public class GanTrainerTests
{
    private const int Side = 8, Pixels = Side * Side;

    /// <summary>Small, fast settings: the architecture of the defaults at a quarter of the width.</summary>
    private static readonly GanSettings Tiny = new() { BatchSize = 8, Channels = 4, NoiseDim = 8, R1Interval = 2 };

    public GanTrainerTests() => TorchRuntime.Configure(threads: 1);

    /// <summary>
    /// 8×8 toy images: a bright 4×4 square in one of the four quadrants (label = quadrant), background 0, the square's
    /// brightness between 0.6 and 1.
    /// </summary>
    private static ImageSet Squares(int count = 64, bool poisoned = false)
    {
        var rng = new Random(5);
        var pixels = new float[count * Pixels];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int quadrant = i % 4;
            labels[i] = (byte)quadrant;
            float level = 0.6f + 0.4f * (float)rng.NextDouble();
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    pixels[i * Pixels + (r + 4 * (quadrant / 2)) * Side + c + 4 * (quadrant % 2)] = level;
        }
        if (poisoned) Array.Fill(pixels, float.NaN);
        return new ImageSet("squares", Side, Side, pixels, labels);
    }

    private static GanTrainer NewTrainer(long seed = 3, ImageSet? images = null, GanSettings? settings = null) =>
        new(images ?? Squares(), settings ?? Tiny, seed, CPU);

    private static LearningTask RandomMask(Random rng, double ratio)
    {
        var observed = Enumerable.Range(0, Pixels).Where(_ => rng.NextDouble() < ratio).ToArray();
        if (observed.Length == Pixels) observed = observed[1..];
        return new LearningTask(Pixels, observed, Enumerable.Range(0, Pixels).Except(observed));
    }

    private static IEnumerable<(LearningTask Task, long Seed)> Schedule(int count, long seed)
    {
        var rng = new Random((int)seed);
        for (int i = 0; i < count; i++)
            yield return (i % 3 == 0 ? LearningTask.Joint(Pixels) : RandomMask(rng, rng.NextDouble()), rng.NextInt64());
    }

    [Fact]
    public void The_generator_returns_images_and_the_discriminator_one_logit_per_image()
    {
        using var trainer = NewTrainer();
        using var scope = NewDisposeScope();
        using var noise = new Generator(1);
        var images = rand(5, 1, Side, Side, generator: noise);
        var masks = zeros(5, 1, Side, Side);
        Assert.Equal(new long[] { 5, 1, Side, Side }, trainer.TrainedGenerator.Forward(images, masks, noise).shape);
        Assert.Equal(new long[] { 5 }, trainer.Discriminator.Forward(images, masks).shape);
        Assert.Equal(new long[] { 5, 1, Side, Side }, trainer.Complete(images, masks, noise).shape);
    }

    [Fact]
    public void Observed_pixels_pass_through_exactly_and_generated_ones_lie_in_the_unit_interval()
    {
        using var trainer = NewTrainer();
        trainer.Run(LearningTask.Joint(Pixels), 3, 9); // weights away from their initial values
        using var scope = NewDisposeScope();
        using var noise = new Generator(2);
        foreach (double ratio in new[] { 0.1, 0.5, 0.9 })
        {
            var images = rand(16, 1, Side, Side, generator: noise);
            var masks = rand(16, 1, Side, Side, generator: noise).lt(ratio).to(ScalarType.Float32);
            float[] x = images.data<float>().ToArray(), m = masks.data<float>().ToArray();
            float[] completed = trainer.Complete(images, masks, noise).data<float>().ToArray();
            float[] trained = trainer.TrainedGenerator.Forward(images, masks, noise).detach().data<float>().ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                if (m[i] == 1)
                {
                    Assert.Equal(x[i], completed[i]);
                    Assert.Equal(x[i], trained[i]);
                }
                else Assert.InRange(completed[i], 0f, 1f);
            }
        }
    }

    [Fact]
    public void Unobserved_inputs_never_reach_the_generator()
    {
        using var trainer = NewTrainer();
        using var scope = NewDisposeScope();
        var masks = zeros(4, 1, Side, Side);
        masks[.., .., 0, ..] = ones(4, 1, Side); // the first row observed
        var clean = rand(4, 1, Side, Side, generator: new Generator(4));
        var dirty = clean.clone();
        dirty[.., .., 1.., ..] = full(4, 1, Side - 1, Side, float.NaN);
        var a = trainer.Complete(clean, masks, new Generator(8)).data<float>().ToArray();
        var b = trainer.Complete(dirty, masks, new Generator(8)).data<float>().ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_few_adversarial_steps_reduce_the_discriminators_loss()
    {
        using var trainer = NewTrainer(settings: Tiny with { DiscriminatorLearningRate = 2e-3, GeneratorLearningRate = 1e-4 });
        var outcome = trainer.Run(LearningTask.Joint(Pixels), 1, 1);
        double first = trainer.LastDiscriminatorLoss;
        trainer.Run(LearningTask.Joint(Pixels), 40, 2);
        double last = trainer.LastDiscriminatorLoss;
        Assert.Null(outcome.Rejection);
        // ln 4 is the loss of a discriminator that cannot tell real from fake (logit 0 everywhere).
        Assert.True(last < Math.Log(4) && last < 0.8 * first, $"discriminator loss went from {first} to {last}");
    }

    [Fact]
    public void A_step_on_non_finite_data_is_refused_and_changes_nothing()
    {
        using var trainer = NewTrainer(images: Squares(poisoned: true));
        var before = trainer.CaptureState();
        var outcome = trainer.Run(LearningTask.Joint(Pixels), 3, 1);
        var after = trainer.CaptureState();
        Assert.True(outcome.Rejected);
        Assert.Contains("discriminator loss is NaN", outcome.Rejection);
        Assert.Equal(0, outcome.AppliedSteps);
        Assert.Equal(0, trainer.Version);
        Assert.Equal(before.Parameters, after.Parameters);
        Assert.Equal(before.Optimizer["discriminator.exp_avg"], after.Optimizer["discriminator.exp_avg"]);
    }

    [Fact]
    public void A_generator_that_returns_NaN_is_caught_before_any_update()
    {
        using var trainer = NewTrainer();
        trainer.Run(LearningTask.Joint(Pixels), 2, 1);
        using (no_grad()) trainer.TrainedGenerator.parameters().First().fill_(float.NaN);
        var before = trainer.CaptureState();
        var outcome = trainer.Run(RandomMask(new Random(1), 0.3), 2, 2);
        Assert.True(outcome.Rejected);
        Assert.Contains("non-finite pixels", outcome.Rejection);
        Assert.Equal(2, trainer.Version);
        Assert.Equal(before.Parameters, trainer.CaptureState().Parameters);
    }

    [Fact]
    public void The_same_seeds_give_bit_identical_training()
    {
        double[] Train(long modelSeed, long scheduleSeed)
        {
            using var trainer = NewTrainer(modelSeed);
            foreach (var (task, seed) in Schedule(6, scheduleSeed)) Assert.Null(trainer.Run(task, 2, seed).Rejection);
            return trainer.CaptureState().Parameters;
        }
        var reference = Train(3, 10);
        Assert.Equal(reference, Train(3, 10));
        Assert.NotEqual(reference, Train(4, 10));
        Assert.NotEqual(reference, Train(3, 11));
    }

    [Fact]
    public void A_restored_trainer_continues_exactly_like_the_original()
    {
        var schedule = Schedule(8, 21).ToArray();
        using var original = NewTrainer(3);
        foreach (var (task, seed) in schedule[..4]) original.Run(task, 2, seed);
        var saved = original.CaptureState();
        using var restored = NewTrainer(77);
        restored.RestoreState(saved);
        Assert.Equal(original.Version, restored.Version);
        foreach (var (task, seed) in schedule[4..])
        {
            var a = original.Run(task, 2, seed);
            var b = restored.Run(task, 2, seed);
            Assert.Equal(a, b);
            Assert.Equal(original.LastDiscriminatorLoss, restored.LastDiscriminatorLoss);
        }
        var x = original.CaptureState();
        var y = restored.CaptureState();
        Assert.Equal(x.Parameters, y.Parameters);
        foreach (var key in x.Optimizer.Keys) Assert.Equal(x.Optimizer[key], y.Optimizer[key]);
        using var scope = NewDisposeScope();
        var images = rand(4, 1, Side, Side, generator: new Generator(1));
        var masks = zeros(4, 1, Side, Side);
        Assert.Equal(original.Complete(images, masks, new Generator(5)).data<float>().ToArray(),
            restored.Complete(images, masks, new Generator(5)).data<float>().ToArray());
    }

    [Fact]
    public void A_state_from_another_optimiser_is_refused()
    {
        using var original = NewTrainer();
        using var other = NewTrainer(settings: Tiny with { GeneratorLearningRate = 1e-3 });
        var error = Assert.Throws<ArgumentException>(() => other.RestoreState(original.CaptureState()));
        Assert.Contains("generator optimiser", error.Message);
        using var wider = NewTrainer(settings: Tiny with { Channels = 5 });
        Assert.Throws<ArgumentException>(() => wider.RestoreState(original.CaptureState()));
    }

    [Fact]
    public void Live_tensors_stay_flat_over_many_steps()
    {
        using var trainer = NewTrainer();
        var schedule = Schedule(30, 5).ToArray();
        trainer.Run(schedule[0].Task, 2, schedule[0].Seed);
        long afterWarmUp = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        foreach (var (task, seed) in schedule[1..]) Assert.Null(trainer.Run(task, 3, seed).Rejection);
        Assert.Equal(afterWarmUp, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(2 + 29 * 3, trainer.Version);
    }

    [Fact]
    public void A_task_of_the_wrong_size_or_bad_settings_are_refused_with_the_value()
    {
        using var trainer = NewTrainer();
        var error = Assert.Throws<ArgumentException>(() => trainer.Run(LearningTask.Joint(Pixels + 1), 1, 1));
        Assert.Contains("65", error.Message);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new GanTrainer(Squares(), Tiny with { BatchSize = 1 }, 1, CPU));
        Assert.Contains("BatchSize", bad.Message);
    }

    [Fact]
    public void The_outcome_reports_generator_losses_and_the_applied_steps()
    {
        using var trainer = NewTrainer();
        var outcome = trainer.Run(LearningTask.Joint(Pixels), 4, 3);
        Assert.Equal(4, outcome.AppliedSteps);
        Assert.Equal(4, outcome.Version);
        // softplus(−logit) is positive and finite; the R1 term never enters the reported losses.
        Assert.True(outcome.FirstLoss > 0 && double.IsFinite(outcome.LastLoss) && outcome.GradientNorm > 0);
        Assert.True(trainer.LastDiscriminatorLoss > 0);
    }
}
