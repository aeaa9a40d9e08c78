using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The ledger's J for GAN runs (<c>completion-fid</c>, docs/contributions.md): the Fréchet distance, in the evaluation
/// classifier's feature space, between a generator's completions of a fixed held-out batch and the batch itself. Everything
/// random is drawn once, here, from the seed: which held-out images, their masks, and the generator's noise (a generator
/// re-seeded at every evaluation), so J is a deterministic function of the generator's weights. Lower is better; 0 when
/// the completions' features have the originals' mean and covariance.
/// </summary>
/// <remarks>
/// Image i of the batch is completed under the (i mod 4)-th of the four settings the final evaluation scores: nothing observed
/// (joint generation), the top half, the left half, a random 25 % of the pixels (drawn once per image). The originals are the
/// reference: at the truth the completions of x_S are distributed as the data, whatever S, so J measures generation and
/// completion together. The images are completed in chunks of <see cref="Chunk"/> (memory bounded by the chunk, not the batch)
/// with ONE noise generator, drawn in chunk order. The object keeps plain arrays only (the reference's mean and covariance in
/// float64); each <see cref="Value"/> builds its tensors inside its own dispose scope. Not thread-safe; owns the classifier.
/// </remarks>
public sealed class CompletionObjective : IDisposable
{
    /// <summary>Images completed per forward pass.</summary>
    public const int Chunk = 64;

    /// <summary>
    /// Images in the batch unless the config says otherwise (<c>ledger.samples</c>): 256, twice the classifier's 128 features,
    /// so both covariances have full rank, at a cost of about one adversarial step per evaluation (docs/contributions.md).
    /// </summary>
    public const int DefaultSamples = 256;

    /// <summary>The four completion settings, in the order images take them (image i gets <c>Settings[i % 4]</c>).</summary>
    public static readonly IReadOnlyList<string> Settings = ["joint", EvaluationMasks.TopHalf, EvaluationMasks.LeftHalf, EvaluationMasks.Random25];

    // Stream ids of the seed's independent random streams.
    private const long ImageStream = 0x1ED6E, MaskStream = 0x1ED6F, NoiseStream = 0x1ED70;

    private readonly FeatureClassifier _classifier;
    private readonly float[] _images, _masks;
    private readonly double[] _referenceMean, _referenceCovariance;

    /// <summary>
    /// Draws <paramref name="samples"/> images of <paramref name="heldOut"/> (not used for training), their masks and the noise
    /// seed from <paramref name="seed"/>, and the reference statistics of those images' features under <paramref name="classifier"/>,
    /// which this object owns from now on.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 samples, more samples than held-out images, or a classifier for another image size.</exception>
    public CompletionObjective(ImageSet heldOut, FeatureClassifier classifier, int samples, long seed)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(classifier);
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, "a covariance needs at least 2 samples");
        if (samples > heldOut.Count) throw new ArgumentException($"{samples} samples asked of {heldOut.Name}, which holds {heldOut.Count} images", nameof(samples));
        if (classifier.Height != heldOut.Height || classifier.Width != heldOut.Width)
            throw new ArgumentException($"the classifier works on {classifier.Height}x{classifier.Width} images, {heldOut.Name} has {heldOut.Height}x{heldOut.Width}", nameof(classifier));
        _classifier = classifier;
        (Count, Height, Width, Seed) = (samples, heldOut.Height, heldOut.Width, seed);
        _images = heldOut.Gather(Rng.ForStream(seed, ImageStream).Subset(heldOut.Count, samples));
        _masks = Masks(samples, Height, Width, Rng.ForStream(seed, MaskStream));
        NoiseSeed = Rng.ForStream(seed, NoiseStream).NextSeed();
        using var scope = NewDisposeScope();
        var (mean, covariance) = FrechetDistance.Fit(classifier.Features(Tensor(_images)));
        _referenceMean = mean.data<double>().ToArray();
        _referenceCovariance = covariance.data<double>().ToArray();
    }

    /// <summary>Images in the batch.</summary>
    public int Count { get; }

    /// <summary>Rows of the images.</summary>
    public int Height { get; }

    /// <summary>Columns of the images.</summary>
    public int Width { get; }

    /// <summary>The seed everything was drawn from.</summary>
    public long Seed { get; }

    /// <summary>The seed of the noise generator every evaluation starts from.</summary>
    public long NoiseSeed { get; }

    /// <summary>The batch's images, [Count, 1, Height, Width] row-major (a copy).</summary>
    public float[] Images => (float[])_images.Clone();

    /// <summary>Their masks (1 = observed), same layout (a copy).</summary>
    public float[] ObservedMasks => (float[])_masks.Clone();

    /// <summary>
    /// J for <paramref name="generator"/>: its completions of the batch (no gradients recorded), drawn with the fixed noise on
    /// <paramref name="device"/>, against the originals. One dispose scope; nothing outlives the call but the number.
    /// </summary>
    public double Value(GanGenerator generator, Device device)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(device);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var noise = new Generator(unchecked((ulong)NoiseSeed), device);
        var images = Tensor(_images).to(device);
        var masks = Tensor(_masks).to(device);
        var parts = new List<Tensor>();
        for (int start = 0; start < Count; start += Chunk)
        {
            using var chunkScope = NewDisposeScope(); // the chunk's activations go when it is done
            int size = Math.Min(Chunk, Count - start);
            var completed = generator.Forward(images.narrow(0, start, size), masks.narrow(0, start, size), noise);
            // As Complete does: a non-finite pixel becomes background rather than making J NaN.
            completed = where(completed.isfinite(), completed, zeros_like(completed));
            parts.Add(completed.cpu().MoveToOuterDisposeScope());
        }
        var (mean, covariance) = FrechetDistance.Fit(_classifier.Features(parts.Count == 1 ? parts[0] : cat(parts, 0)));
        long d = _referenceMean.Length;
        return FrechetDistance.OfGaussians(tensor(_referenceMean, [d]), tensor(_referenceCovariance, [d, d]), mean, covariance);
    }

    /// <summary>Frees the classifier's weights.</summary>
    public void Dispose() => _classifier.Dispose();

    private Tensor Tensor(float[] values) => tensor(values, [values.Length / (Height * Width), 1, Height, Width], ScalarType.Float32);

    // Image i gets Settings[i % 4]: nothing, the top ⌊H/2⌋ rows, the left ⌊W/2⌋ columns, or round(H·W/4) random pixels observed.
    private static float[] Masks(int count, int height, int width, Rng rng)
    {
        int pixels = height * width;
        var masks = new float[count * pixels];
        for (int i = 0; i < count; i++)
        {
            var mask = masks.AsSpan(i * pixels, pixels);
            switch (i % Settings.Count)
            {
                case 1: mask[..(height / 2 * width)].Fill(1f); break;
                case 2:
                    for (int r = 0; r < height; r++) mask.Slice(r * width, width / 2).Fill(1f);
                    break;
                case 3:
                    foreach (int p in rng.Subset(pixels, (int)Math.Round(0.25 * pixels))) mask[p] = 1f;
                    break;
            }
        }
        return masks;
    }
}
