using BigLearn.Core.Images;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan.Evaluation;

/// <summary>Turns the plain arrays of an <see cref="ImageSet"/> into the tensors the evaluation works on.</summary>
public static class ImageTensors
{
    /// <summary>All images of <paramref name="set"/> as [N, 1, H, W] float32 on the CPU (in the caller's dispose scope).</summary>
    public static Tensor Images(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return tensor(set.Pixels, [set.Count, 1, set.Height, set.Width], ScalarType.Float32);
    }

    /// <summary>The images of <paramref name="set"/> at <paramref name="indices"/> as [K, 1, H, W] float32.</summary>
    public static Tensor Images(ImageSet set, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(indices);
        return tensor(set.Gather(indices), [indices.Count, 1, set.Height, set.Width], ScalarType.Float32);
    }

    /// <summary>All labels of <paramref name="set"/> as [N] int64.</summary>
    public static Tensor Labels(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return tensor(set.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64);
    }

    /// <summary>The labels of <paramref name="set"/> at <paramref name="indices"/> as [K] int64.</summary>
    public static Tensor Labels(ImageSet set, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(indices);
        return tensor(indices.Select(i => (long)set.Labels[i]).ToArray(), ScalarType.Int64);
    }
}
