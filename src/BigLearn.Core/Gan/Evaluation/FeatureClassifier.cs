using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;
using F = TorchSharp.torch.nn.functional;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The small CNN the GAN evaluation measures with (no downloaded weights: the project trains it on the training split):
/// conv 3×3 (1→16) · ReLU · max-pool 2 → conv 3×3 (16→32) · ReLU · max-pool 2 → linear → <see cref="FeatureCount"/>
/// ReLU features (the "penultimate" layer the classifier FID reads) → linear → class logits. Float32, CPU.
/// Training is deterministic given the seed (weights drawn from a seeded generator, batches from a seeded permutation).
/// </summary>
public sealed partial class FeatureClassifier : IDisposable
{
    /// <summary>Bumped whenever the architecture or the training recipe changes, so stale cache files are not reused.</summary>
    public const int ArchitectureVersion = 1;

    /// <summary>Width of the penultimate feature layer.</summary>
    public const int FeatureCount = 128;

    private const int Channels1 = 16;
    private const int Channels2 = 32;

    private readonly Parameter[] _parameters;

    private FeatureClassifier(int height, int width, int classCount, Parameter[] parameters)
    {
        Height = height;
        Width = width;
        ClassCount = classCount;
        _parameters = parameters;
    }

    /// <summary>Rows of the images it classifies.</summary>
    public int Height { get; }

    /// <summary>Columns of the images it classifies.</summary>
    public int Width { get; }

    /// <summary>Number of classes (logits).</summary>
    public int ClassCount { get; }

    /// <summary>True when <see cref="LoadOrTrain"/> found the weights in its cache instead of training them.</summary>
    public bool LoadedFromCache { get; private set; }

    /// <summary>Size of the flattened conv output for an image of <paramref name="height"/>×<paramref name="width"/>.</summary>
    private static int FlatCount(int height, int width) => Channels2 * (height / 2 / 2) * (width / 2 / 2);

    /// <summary>A classifier with fresh weights drawn from <paramref name="seed"/> (bounds 1/√fan-in, as torch's default).</summary>
    public static FeatureClassifier CreateUntrained(int height, int width, int classCount, long seed)
    {
        if (height < 4 || width < 4) throw new ArgumentOutOfRangeException(nameof(height), $"image size {height}x{width} must be at least 4x4");
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "at least 2 classes");
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        var shapes = ParameterShapes(height, width, classCount);
        var parameters = new Parameter[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            var shape = shapes[i].Shape;
            double bound = 1.0 / Math.Sqrt(shapes[i].FanIn);
            var values = rand(shape, ScalarType.Float32, CPU, generator: generator).mul_(2 * bound).sub_(bound);
            parameters[i] = new Parameter(values, requires_grad: true);
            parameters[i].DetachFromDisposeScope();
        }
        return new FeatureClassifier(height, width, classCount, parameters);
    }

    private static (long[] Shape, int FanIn)[] ParameterShapes(int height, int width, int classCount) =>
    [
        ([Channels1, 1, 3, 3], 9), ([Channels1], 9),
        ([Channels2, Channels1, 3, 3], 9 * Channels1), ([Channels2], 9 * Channels1),
        ([FeatureCount, FlatCount(height, width)], FlatCount(height, width)), ([FeatureCount], FlatCount(height, width)),
        ([classCount, FeatureCount], FeatureCount), ([classCount], FeatureCount),
    ];

    /// <summary>Penultimate ReLU features of a batch [B, 1, H, W] (gradients as the caller's mode says).</summary>
    private Tensor FeatureForward(Tensor images)
    {
        var p = _parameters;
        var x = F.max_pool2d(F.relu(F.conv2d(images, p[0], p[1], padding: [1, 1])), 2);
        x = F.max_pool2d(F.relu(F.conv2d(x, p[2], p[3], padding: [1, 1])), 2);
        return F.relu(F.linear(x.flatten(1), p[4], p[5]));
    }

    private Tensor LogitsFromFeatures(Tensor features) => F.linear(features, _parameters[6], _parameters[7]);

    /// <summary>
    /// Penultimate features of <paramref name="images"/> ([N, 1, H, W], values in [0, 1]), computed in batches of
    /// <paramref name="batchSize"/>: [N, <see cref="FeatureCount"/>] float32 on the CPU, in the caller's dispose scope.
    /// </summary>
    public Tensor Features(Tensor images, int batchSize = 1000) => Apply(images, batchSize, FeatureForward);

    /// <summary>Class logits of <paramref name="images"/> ([N, 1, H, W]): [N, classes] float32 on the CPU.</summary>
    public Tensor Logits(Tensor images, int batchSize = 1000) => Apply(images, batchSize, x => LogitsFromFeatures(FeatureForward(x)));

    /// <summary>Predicted class of each image ([N, 1, H, W]): [N] int64 on the CPU.</summary>
    public Tensor Classify(Tensor images, int batchSize = 1000)
    {
        using var scope = NewDisposeScope();
        return Logits(images, batchSize).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Fraction of <paramref name="images"/> classified as <paramref name="labels"/> ([N] integer labels).</summary>
    public double Accuracy(Tensor images, Tensor labels, int batchSize = 1000)
    {
        using var scope = NewDisposeScope();
        var predicted = Classify(images, batchSize);
        return predicted.eq(labels.to(ScalarType.Int64).cpu()).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Fraction of <paramref name="set"/> classified correctly.</summary>
    public double Accuracy(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var scope = NewDisposeScope();
        return Accuracy(ImageTensors.Images(set), ImageTensors.Labels(set));
    }

    private Tensor Apply(Tensor images, int batchSize, Func<Tensor, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckShape(images);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = images.to(ScalarType.Float32).cpu();
        long n = input.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
            parts.Add(forward(input.narrow(0, start, Math.Min(batchSize, n - start))));
        var result = parts.Count == 1 ? parts[0] : cat(parts, 0);
        return result.MoveToOuterDisposeScope();
    }

    private void CheckShape(Tensor images)
    {
        var s = images.shape;
        if (s.Length != 4 || s[1] != 1 || s[2] != Height || s[3] != Width)
            throw new ArgumentException($"images must have shape [N, 1, {Height}, {Width}], got [{string.Join(", ", s)}]", nameof(images));
    }

    /// <summary>Frees the weights.</summary>
    public void Dispose()
    {
        foreach (var p in _parameters) p.Dispose();
    }
}
