using TorchSharp;

namespace BigLearn.Core.Gan;

/// <summary>
/// A model that generates or completes grey-scale images from any observed part: given images and masks it returns
/// completions in which the observed pixels are exactly the input's and the others are drawn by the model.
/// An all-zero mask asks for plain (joint) generation. What the evaluation of §4.2 runs on.
/// </summary>
public interface IImageCompleter
{
    /// <summary>Rows of the images the model works on.</summary>
    int Height { get; }

    /// <summary>Columns of the images the model works on.</summary>
    int Width { get; }

    /// <summary>
    /// Completes <paramref name="images"/> ([N, 1, Height, Width], float32, in [0, 1]; only the observed pixels are read)
    /// under <paramref name="masks"/> (same shape, 1 = observed, 0 = to be generated), drawing the model's noise from
    /// <paramref name="noise"/>. Returns [N, 1, Height, Width] on the images' device; no gradients are recorded.
    /// </summary>
    torch.Tensor Complete(torch.Tensor images, torch.Tensor masks, torch.Generator noise);
}
