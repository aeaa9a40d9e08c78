using BigLearn.Core.Gan;
using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tests.Gan.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan;

/// <summary>The ledger's J of GAN runs (<see cref="CompletionObjective"/>) and the trainer as its probe.</summary>
[Collection(TorchCollection.Name)]
public class CompletionObjectiveTests
{
    private const int Side = 8, Pixels = Side * Side;
    private static readonly GanSettings Tiny = new() { BatchSize = 8, Channels = 4, NoiseDim = 8, R1Interval = 2 };
    private static readonly ImageSet Train = SyntheticImages.TwoClass("train", 64, Side, 1);
    private static readonly ImageSet HeldOut = SyntheticImages.TwoClass("held-out", 120, Side, 2);

    public CompletionObjectiveTests() => TorchRuntime.Configure(threads: 1);

    // 100 images: more than one chunk of 64, so the chunking and the noise carried across chunks are exercised.
    private static CompletionObjective Objective(int samples = 100, long seed = 7) =>
        new(HeldOut, FeatureClassifier.CreateUntrained(Side, Side, 2, seed: 11), samples, seed);

    private static GanTrainer Trainer(long seed = 3, JudgedGenerator judged = JudgedGenerator.Average)
    {
        var trainer = new GanTrainer(Train, Tiny, seed, CPU);
        trainer.UseContributionObjective(Objective(), judged);
        return trainer;
    }

    [Theory]
    [InlineData(JudgedGenerator.Average)]
    [InlineData(JudgedGenerator.Trained)]
    public void J_is_the_same_bit_for_bit_for_the_same_weights_and_moves_when_a_task_moves_them(JudgedGenerator judged)
    {
        using var trainer = Trainer(judged: judged);
        double first = trainer.EvaluateObjective();
        Assert.True(double.IsFinite(first) && first > 0, $"J = {first}");
        Assert.Equal(first, trainer.EvaluateObjective()); // no state carried between evaluations (the noise is re-seeded)
        using (var twin = Trainer(judged: judged)) Assert.Equal(first, twin.EvaluateObjective()); // another instance drawn from the same seeds

        var saved = trainer.CaptureState();
        Assert.Null(trainer.Run(LearningTask.Joint(Pixels), 2, 5).Rejection);
        double moved = trainer.EvaluateObjective();
        Assert.NotEqual(first, moved);
        trainer.RestoreState(saved);
        Assert.Equal(first, trainer.EvaluateObjective()); // a function of θ, not of the history
    }

    [Theory]
    [InlineData(JudgedGenerator.Average)]
    [InlineData(JudgedGenerator.Trained)]
    public void J_equals_the_classifier_Frechet_distance_recomputed_by_hand_from_the_documented_batch(JudgedGenerator judged)
    {
        using var trainer = Trainer(judged: judged);
        trainer.Run(LearningTask.Joint(Pixels), 3, 9); // weights away from their initial values, the average away from the trained ones
        var generator = judged == JudgedGenerator.Trained ? trainer.TrainedGenerator : trainer.AverageGenerator;
        var objective = trainer.ContributionObjective!;
        float[] images = objective.Images, masks = objective.ObservedMasks;

        // The batch: held-out images, and image i under the (i mod 4)-th setting: nothing, top half, left half, 25 % of the pixels.
        var heldOut = Enumerable.Range(0, HeldOut.Count).Select(i => HeldOut.Pixels.AsSpan(i * Pixels, Pixels).ToArray()).ToArray();
        for (int i = 0; i < objective.Count; i++)
        {
            var image = images.AsSpan(i * Pixels, Pixels).ToArray();
            Assert.Contains(heldOut, h => h.SequenceEqual(image));
            var mask = masks.AsSpan(i * Pixels, Pixels).ToArray();
            Assert.Equal(new[] { 0, Pixels / 2, Pixels / 2, Pixels / 4 }[i % 4], (int)mask.Sum());
            if (i % 4 == 1) Assert.All(Enumerable.Range(0, Pixels / 2), p => Assert.Equal(1f, mask[p]));
            if (i % 4 == 2) Assert.All(Enumerable.Range(0, Pixels), p => Assert.Equal(p % Side < Side / 2 ? 1f : 0f, mask[p]));
        }
        Assert.Equal(objective.Count, Enumerable.Range(0, objective.Count).Select(i => string.Join(",", images.AsSpan(i * Pixels, Pixels).ToArray())).Distinct().Count());

        // J by hand: the judged generator over chunks of 64 with one generator seeded with the noise seed, then the Fréchet
        // distance of the classifier's features of completions and originals, with the evaluation's own FrechetDistance.Between.
        double expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
        using (var noise = new Generator(unchecked((ulong)objective.NoiseSeed), CPU))
        {
            var x = tensor(images, [objective.Count, 1, Side, Side]);
            var m = tensor(masks, [objective.Count, 1, Side, Side]);
            var completed = cat([generator.Forward(x[..64], m[..64], noise), generator.Forward(x[64..], m[64..], noise)], 0);
            using var classifier = FeatureClassifier.CreateUntrained(Side, Side, 2, seed: 11);
            expected = FrechetDistance.Between(classifier.Features(x), classifier.Features(completed));
        }
        Assert.Equal(expected, trainer.EvaluateObjective(), 1e-9 * expected);
    }

    [Fact]
    public void The_average_and_the_trained_generator_have_the_same_J_until_the_first_step_and_then_differ()
    {
        using var average = Trainer();
        using var trained = Trainer(judged: JudgedGenerator.Trained);
        Assert.Equal(trained.EvaluateObjective(), average.EvaluateObjective()); // the average starts as a copy
        foreach (var t in new[] { average, trained }) t.Run(LearningTask.Joint(Pixels), 2, 4);
        Assert.NotEqual(trained.EvaluateObjective(), average.EvaluateObjective());
    }

    [Fact]
    public void Evaluating_J_leaves_no_live_tensor_and_does_not_change_the_training()
    {
        using var measured = Trainer();
        using var plain = new GanTrainer(Train, Tiny, 3, CPU);
        measured.EvaluateObjective();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            measured.EvaluateObjective();
            Assert.Equal(plain.Run(LearningTask.Joint(Pixels), 1, i), measured.Run(LearningTask.Joint(Pixels), 1, i));
        }
        measured.EvaluateObjective();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(plain.CaptureState().Parameters, measured.CaptureState().Parameters);
    }

    [Fact]
    public void A_different_seed_draws_another_batch_and_impossible_requests_are_refused()
    {
        using (var a = Objective(seed: 7))
        using (var b = Objective(seed: 8))
        {
            Assert.NotEqual(a.Images, b.Images);
            Assert.NotEqual(a.NoiseSeed, b.NoiseSeed);
        }
        var tooMany = Assert.Throws<ArgumentException>(() => new CompletionObjective(HeldOut, FeatureClassifier.CreateUntrained(Side, Side, 2, 1), 121, 1));
        Assert.Contains("121 samples", tooMany.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompletionObjective(HeldOut, FeatureClassifier.CreateUntrained(Side, Side, 2, 1), 1, 1));
        Assert.Throws<ArgumentException>(() => new CompletionObjective(HeldOut, FeatureClassifier.CreateUntrained(12, 12, 2, 1), 10, 1));

        using var bare = new GanTrainer(Train, Tiny, 3, CPU);
        Assert.Contains("no ledger objective", Assert.Throws<InvalidOperationException>(() => bare.EvaluateObjective()).Message);
        var larger = SyntheticImages.TwoClass("larger", 20, 12, 3);
        Assert.Throws<ArgumentException>(() => bare.UseContributionObjective(new CompletionObjective(larger, FeatureClassifier.CreateUntrained(12, 12, 2, 1), 10, 1)));
    }
}
