using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>
/// The two peers every completion figure is shown beside: leaving the unobserved pixels at the background (0) and
/// copying them from the training image whose observed part is nearest in L2.
/// </summary>
public static class CompletionBaselines
{
    /// <summary>The observed pixels kept, the others at the background value 0: images · masks.</summary>
    public static Tensor NoCompletion(Tensor images, Tensor masks)
    {
        CheckPair(images, masks);
        using var scope = NewDisposeScope();
        return (images.to(ScalarType.Float32) * masks.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Nearest-neighbour completion: for each image the training image t minimising Σ_p m_p (x_p − t_p)² over the
    /// observed pixels, whose unobserved pixels are copied in (the observed ones are the input's). Vectorised: the
    /// distance up to a per-image constant is −2 (m⊙x)·t + m·(t⊙t), two <c>mm</c> per chunk of
    /// <paramref name="chunkSize"/> training images; ties go to the lower training index.
    /// </summary>
    /// <param name="images">[N, 1, H, W] images to complete.</param>
    /// <param name="masks">[N, 1, H, W], 1 = observed.</param>
    /// <param name="training">[T, 1, H, W] training images searched.</param>
    /// <param name="chunkSize">Training images per distance block (bounds memory at N·chunkSize floats).</param>
    public static Tensor NearestNeighbour(Tensor images, Tensor masks, Tensor training, int chunkSize = 8192)
    {
        CheckPair(images, masks);
        ArgumentNullException.ThrowIfNull(training);
        if (training.dim() != 4 || !training.shape.Skip(1).SequenceEqual(images.shape.Skip(1)) || training.shape[0] < 1)
            throw new ArgumentException($"training images must be [T, {string.Join(", ", images.shape.Skip(1))}] with T ≥ 1, got [{string.Join(", ", training.shape)}]", nameof(training));
        if (chunkSize < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "must be at least 1");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = images.shape[0];
        var x = images.to(ScalarType.Float32).cpu().reshape(n, -1);
        var m = masks.to(ScalarType.Float32).cpu().reshape(n, -1);
        var pool = training.to(ScalarType.Float32).cpu().reshape(training.shape[0], -1);
        var observedImage = x * m;
        var bestDistance = full(n, double.PositiveInfinity, ScalarType.Float32);
        var bestIndex = zeros(n, ScalarType.Int64);
        for (long start = 0; start < pool.shape[0]; start += chunkSize)
        {
            using var chunkScope = NewDisposeScope();
            var chunk = pool.narrow(0, start, Math.Min(chunkSize, pool.shape[0] - start));
            var distance = m.mm(chunk.square().t()) - 2 * observedImage.mm(chunk.t());
            var (value, index) = distance.min(1);
            // Strictly smaller only, so an earlier chunk keeps its tie.
            var better = value.lt(bestDistance);
            bestDistance.copy_(where(better, value, bestDistance));
            bestIndex.copy_(where(better, index + start, bestIndex));
        }
        var neighbours = pool.index_select(0, bestIndex);
        var completed = observedImage + (1 - m) * neighbours;
        return completed.reshape(images.shape).MoveToOuterDisposeScope();
    }

    private static void CheckPair(Tensor images, Tensor masks)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        if (images.dim() != 4 || images.shape[1] != 1 || !images.shape.SequenceEqual(masks.shape))
            throw new ArgumentException($"images and masks must both be [N, 1, H, W], got [{string.Join(", ", images.shape)}] and [{string.Join(", ", masks.shape)}]");
    }
}
