using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan;

/// <summary>Small building blocks shared by <see cref="GanGenerator"/> and <see cref="GanDiscriminator"/>.</summary>
internal static class GanLayers
{
    /// <summary>Slope of the leaky ReLU everywhere: 0.2, so that no unit dies and gradients reach the inputs.</summary>
    public const double Slope = 0.2;

    /// <summary>A 3×3 convolution that keeps the size.</summary>
    public static Conv2d Same(long input, long output) => nn.Conv2d(input, output, 3, stride: 1, padding: 1);

    /// <summary>A 4×4 stride-2 convolution that halves the size (learned down-sampling, no checkerboard).</summary>
    public static Conv2d Down(long input, long output) => nn.Conv2d(input, output, 4, stride: 2, padding: 1);

    /// <summary>A 4×4 stride-2 transposed convolution that doubles the size.</summary>
    public static ConvTranspose2d Up(long input, long output) => nn.ConvTranspose2d(input, output, 4, stride: 2, padding: 1);

    /// <summary>
    /// Re-draws every parameter of <paramref name="module"/> from <paramref name="generator"/>: weights He-normal for the
    /// leaky ReLU (std √(2/((1+a²)·fan_in))), biases and noise strengths zero. libtorch's own initialisation draws from
    /// the process-wide generator, which would make two trainers with the same seed differ.
    /// </summary>
    public static void Initialise(nn.Module module, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, p) in module.named_parameters())
        {
            // Biases, and the noise strengths held directly by the network (no '.' in their name), start at zero.
            if (p.dim() < 2 || !name.Contains('.'))
            {
                p.zero_();
                continue;
            }
            // Conv weights are [out, in, k, k]; transposed ones [in, out, k, k]; linear [out, in].
            long fanIn = IsTransposed(module, name) ? p.shape[0] * p.shape[2] * p.shape[3] / 4 : p.numel() / p.shape[0];
            double std = Math.Sqrt(2.0 / ((1 + Slope * Slope) * fanIn));
            p.copy_(randn(p.shape, dtype: p.dtype, device: p.device, generator: generator).mul_(std));
        }
    }

    private static bool IsTransposed(nn.Module module, string parameterName)
    {
        string owner = parameterName[..parameterName.LastIndexOf('.')];
        return module.named_modules().Any(m => m.name == owner && m.module is ConvTranspose2d);
    }

    /// <summary>Leaky ReLU with <see cref="Slope"/>.</summary>
    public static Tensor Act(Tensor x) => nn.functional.leaky_relu(x, Slope);
}
