using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static BigLearn.Core.Gan.GanLayers;

namespace BigLearn.Core.Gan;

/// <summary>
/// The universal discriminator D(x; mask) → logit of BigLearn-GAN: told the mask, it judges whether the unobserved
/// part is a plausible continuation of the observed part (for an empty mask: whether x is a plausible image).
/// </summary>
/// <remarks>
/// Why this shape:
/// <list type="bullet">
/// <item>The mask is a second input channel: the same pixels may be real context or generated content, and only the
/// latter is for D to judge. Real and fake share their observed pixels exactly, so D can only win on the rest.</item>
/// <item>Three convolution stages (28 → 14 → 7), leaky ReLU, no normalisation: the R1 penalty needs a per-sample
/// gradient, which batch normalisation would entangle.</item>
/// <item>Minibatch standard deviation (ProGAN): the average spread of the 7×7 features over the batch is appended as a
/// channel, so a generator that gives every z the same image is caught at once. This is the direct remedy for the
/// collapse of the earlier plain-conv attempt, where every joint sample was the same image.</item>
/// <item>A linear read-out of the whole 7×7 map: position matters for clothes (sleeves, collars, soles).</item>
/// </list>
/// </remarks>
public sealed class GanDiscriminator : nn.Module
{
    private readonly Conv2d _conv1, _conv2, _conv3, _conv4;
    private readonly Linear _readout;

    /// <summary>A discriminator for <paramref name="height"/>×<paramref name="width"/> images (both divisible by 4).</summary>
    public GanDiscriminator(int height, int width, int channels, Generator init) : base(nameof(GanDiscriminator))
    {
        if (height % 4 != 0 || width % 4 != 0) throw new ArgumentException($"image size {height}x{width} must be divisible by 4");
        int c = channels;
        _conv1 = Same(2, c);
        _conv2 = Down(c, 2 * c);
        _conv3 = Down(2 * c, 4 * c);
        _conv4 = Same(4 * c + 1, 4 * c);
        _readout = nn.Linear(4 * c * (height / 4) * (width / 4), 1);
        RegisterComponents();
        Initialise(this, init);
    }

    /// <summary>Logits [N] of "real" for <paramref name="images"/> [N, 1, H, W] under <paramref name="masks"/>.</summary>
    public Tensor Forward(Tensor images, Tensor masks)
    {
        var h = Act(_conv1.forward(cat([images, masks], 1)));
        h = Act(_conv2.forward(h));
        h = Act(_conv3.forward(h));
        h = Act(_conv4.forward(cat([h, MinibatchSpread(h)], 1)));
        return _readout.forward(h.flatten(1)).view(-1);
    }

    /// <summary>The mean over features of the batch standard deviation, broadcast as one extra channel.</summary>
    private static Tensor MinibatchSpread(Tensor h)
    {
        // sqrt(var + ε): the ε keeps the gradient finite when the batch is identical (sqrt'(0) is infinite).
        var spread = h.var(0, unbiased: false).add(1e-8).sqrt().mean();
        return spread.expand(h.shape[0], 1, h.shape[2], h.shape[3]);
    }
}
