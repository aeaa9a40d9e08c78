using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static BigLearn.Core.Gan.GanLayers;

namespace BigLearn.Core.Gan;

/// <summary>
/// The universal generator G(x_S, z; mask) → x of BigLearn-GAN: one network for joint generation (empty mask) and
/// completion from any observed part. A small U-Net on [x·m, m] with a global noise vector and per-pixel noise at
/// every scale; the output is m·x + (1 − m)·g, so observed pixels pass through exactly.
/// </summary>
/// <remarks>
/// Why this shape (every choice is ours; the paper published no architecture):
/// <list type="bullet">
/// <item>The mask is an input channel beside x·m: a zero pixel must be told apart from an unobserved one.</item>
/// <item>Encoder–decoder with skip connections at every scale (U-Net): observed context reaches the output at full
/// resolution, so completions continue edges and strokes instead of re-inventing them from a bottleneck.</item>
/// <item>z enters as a learned 7×7 map beside the encoder's features: with an empty mask the encoder is a constant, and
/// the map gives the decoder a spatial layout to vary per sample (image-level diversity).</item>
/// <item>Per-pixel Gaussian noise with a learned per-channel strength after every decoder convolution (StyleGAN's
/// noise injection): conditional GANs learn to ignore z when much is observed; noise at every scale keeps local
/// randomness available, which is what makes diversity fall gradually rather than to zero as the mask grows.</item>
/// <item>Transposed 4×4 stride-2 convolutions up, 4×4 stride-2 convolutions down: they work at the smaller
/// resolution, a third of the cost of upsample-then-3×3 on two CPU cores.</item>
/// <item>Sigmoid output: pixels live in [0, 1] like the data, and the output cannot leave that range.</item>
/// <item>No normalisation layers: batch statistics would couple the images of a batch (all share one mask) and make
/// the EMA copy's behaviour depend on the batch; the He initialisation and leaky ReLU keep activations in scale.</item>
/// </list>
/// Sizes must be divisible by 4 (28×28 works).
/// </remarks>
public sealed class GanGenerator : nn.Module
{
    private readonly Conv2d _enc1, _enc2, _enc3, _mid, _merge14, _merge28, _out;
    private readonly ConvTranspose2d _up14, _up28;
    private readonly Linear _noiseMap;
    private readonly Parameter _noiseMid, _noiseUp14, _noiseMerge14, _noiseUp28, _noiseMerge28;
    private readonly int _height, _width, _channels;

    /// <summary>A generator for <paramref name="height"/>×<paramref name="width"/> images (both divisible by 4).</summary>
    public GanGenerator(int height, int width, int channels, int noiseDim, Generator init) : base(nameof(GanGenerator))
    {
        if (height % 4 != 0 || width % 4 != 0) throw new ArgumentException($"image size {height}x{width} must be divisible by 4");
        (_height, _width, _channels) = (height, width, channels);
        NoiseDim = noiseDim;
        int c = channels;
        _enc1 = Same(2, c);
        _enc2 = Down(c, 2 * c);
        _enc3 = Down(2 * c, 4 * c);
        _noiseMap = nn.Linear(noiseDim, 4 * c * (height / 4) * (width / 4));
        _mid = Same(8 * c, 4 * c);
        _up14 = Up(4 * c, 2 * c);
        _merge14 = Same(4 * c, 2 * c);
        _up28 = Up(2 * c, c);
        _merge28 = Same(2 * c, c);
        _out = Same(c, 1);
        _noiseMid = Strength(4 * c);
        _noiseUp14 = Strength(2 * c);
        _noiseMerge14 = Strength(2 * c);
        _noiseUp28 = Strength(c);
        _noiseMerge28 = Strength(c);
        RegisterComponents();
        Initialise(this, init);
    }

    /// <summary>Length of the noise vector z.</summary>
    public int NoiseDim { get; }

    private static Parameter Strength(int channels) => new(zeros(1, channels, 1, 1));

    /// <summary>
    /// Completes <paramref name="images"/> [N, 1, H, W] under <paramref name="masks"/> (same shape, 1 = observed),
    /// drawing z and the per-pixel noise from <paramref name="noise"/>. Returns m·x + (1 − m)·g (observed pixels exactly).
    /// </summary>
    public Tensor Forward(Tensor images, Tensor masks, Generator noise)
    {
        long n = images.shape[0];
        var observedPixels = masks.gt(0.5);
        // where(), not x·m: an unobserved pixel may hold anything, NaN included, and must not reach the network.
        var observed = where(observedPixels, images, zeros_like(images));
        var e1 = Act(_enc1.forward(cat([observed, masks], 1)));
        var e2 = Act(_enc2.forward(e1));
        var e3 = Act(_enc3.forward(e2));
        var z = randn([n, NoiseDim], dtype: images.dtype, device: images.device, generator: noise);
        var zMap = Act(_noiseMap.forward(z)).view(n, 4 * _channels, _height / 4, _width / 4);
        var h = Act(Inject(_mid.forward(cat([e3, zMap], 1)), _noiseMid, noise));
        h = Act(Inject(_up14.forward(h), _noiseUp14, noise));
        h = Act(Inject(_merge14.forward(cat([h, e2], 1)), _noiseMerge14, noise));
        h = Act(Inject(_up28.forward(h), _noiseUp28, noise));
        h = Act(Inject(_merge28.forward(cat([h, e1], 1)), _noiseMerge28, noise));
        var generated = sigmoid(_out.forward(h));
        // where(), not m·x + (1 − m)·g: 0·NaN is NaN, and an observed pixel must come back exactly even then.
        return where(observedPixels, images, generated);
    }

    /// <summary>Adds per-pixel N(0, 1) noise, shared by the channels and scaled by a learned per-channel strength.</summary>
    private static Tensor Inject(Tensor x, Parameter strength, Generator noise)
    {
        var pixels = randn([x.shape[0], 1, x.shape[2], x.shape[3]], dtype: x.dtype, device: x.device, generator: noise);
        return x.add(pixels.mul(strength));
    }
}
