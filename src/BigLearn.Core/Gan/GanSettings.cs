namespace BigLearn.Core.Gan;

/// <summary>
/// Hyper-parameters of the BigLearn-GAN (docs/science.md §4.2). The defaults are the values tuned on Fashion-MNIST
/// for a 15-minute budget on two CPU cores; every one is ours (the paper published no code).
/// </summary>
public sealed record GanSettings
{
    /// <summary>
    /// Images per adversarial step (real and fake each), all under the task's one mask. 32: one step costs about 0.23 s of
    /// one CPU core with the default widths, so a 15-minute budget buys a few thousand steps; a larger batch would buy
    /// fewer, and a GAN needs many updates more than precise ones.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Channels at full resolution in both networks (doubled at every halving: 16, 32, 64). The convolutions dominate
    /// the cost (≈ 18 M multiply-adds per image in G, 5 M in D); 16 gives class-recognisable samples within the budget.
    /// </summary>
    public int Channels { get; init; } = 16;

    /// <summary>Length of the generator's global noise vector z (the image-level randomness).</summary>
    public int NoiseDim { get; init; } = 64;

    /// <summary>Adam step size of the generator.</summary>
    public double GeneratorLearningRate { get; init; } = 2e-4;

    /// <summary>Adam step size of the discriminator.</summary>
    public double DiscriminatorLearningRate { get; init; } = 2e-4;

    /// <summary>Adam β1 (both networks). 0.5: the DCGAN value; lower momentum follows the moving adversary better.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Adam β2 (both networks). 0.99 rather than 0.999: the second moment follows the changing gradient scale of
    /// an adversarial game faster.</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// R1 penalty weight γ: (γ/2)·E‖∇ₓD(x_real)‖². Keeps the discriminator from sharpening without bound on the
    /// real data, the usual cause of a discriminator that "wins outright". 0 switches it off.
    /// </summary>
    public double R1Gamma { get; init; } = 1.0;

    /// <summary>
    /// The R1 penalty is applied every this many steps, scaled by the interval (lazy regularisation, StyleGAN2):
    /// its double backward costs about one extra discriminator step.
    /// </summary>
    public int R1Interval { get; init; } = 4;

    /// <summary>
    /// Decay of the exponential moving average of the generator's weights used by <see cref="IImageCompleter.Complete"/>
    /// (ramped up as min(decay, (1 + v)/(10 + v)) so early averages do not remember the random start). The average
    /// removes the step-to-step jitter of adversarial training; 0.995 averages over about 200 steps, short enough not to
    /// lag behind a generator that is still improving quickly within a few-thousand-step budget.
    /// </summary>
    public double EmaDecay { get; init; } = 0.995;

    /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        static void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive number");
        }
        if (BatchSize < 2) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 2 (the minibatch statistics need two images)");
        if (Channels < 1) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Channels must be at least 1");
        if (NoiseDim < 1) throw new ArgumentOutOfRangeException(nameof(NoiseDim), NoiseDim, "NoiseDim must be at least 1");
        Positive(nameof(GeneratorLearningRate), GeneratorLearningRate);
        Positive(nameof(DiscriminatorLearningRate), DiscriminatorLearningRate);
        Positive(nameof(Epsilon), Epsilon);
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "Beta1 must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Beta2 must be in [0, 1)");
        if (!(R1Gamma >= 0) || !double.IsFinite(R1Gamma)) throw new ArgumentOutOfRangeException(nameof(R1Gamma), R1Gamma, "R1Gamma must be 0 or a positive number");
        if (R1Interval < 1) throw new ArgumentOutOfRangeException(nameof(R1Interval), R1Interval, "R1Interval must be at least 1");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "EmaDecay must be in [0, 1)");
    }
}
