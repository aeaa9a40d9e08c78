using System.Runtime.InteropServices;
using BigLearn.Core.Images;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan;

/// <summary>
/// Trains the BigLearn-GAN (docs/science.md §4.2): one <see cref="GanGenerator"/> and one <see cref="GanDiscriminator"/>, both
/// told the mask, one task (mask) at a time. Each inner step draws a batch of training images, runs one discriminator
/// update and one generator update with the non-saturating loss under that task's mask, and moves an exponential
/// moving average of the generator that <see cref="Complete"/> uses. Not thread-safe; set libtorch's threads with
/// <see cref="TorchRuntime.Configure"/> in the caller.
/// </summary>
public sealed partial class GanTrainer : ITaskRunner, IImageCompleter, IDisposable
{
    private readonly Tensor _images;
    private readonly GanGenerator _generator, _average;
    private readonly GanDiscriminator _discriminator;
    private readonly AdamState _generatorAdam, _discriminatorAdam;
    private readonly Parameter[] _generatorParameters, _averageParameters;

    /// <summary>A trainer on <paramref name="train"/> whose networks are initialised from <paramref name="seed"/>.</summary>
    public GanTrainer(ImageSet train, GanSettings settings, long seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (train.Count < 1) throw new ArgumentException($"the training set {train.Name} is empty", nameof(train));
        Settings = settings;
        Height = train.Height;
        Width = train.Width;
        _images = tensor(train.Pixels, [train.Count, 1, train.Height, train.Width], dtype: ScalarType.Float32).to(device).DetachFromDisposeScope();
        using var init = new Generator(unchecked((ulong)seed), CPU);
        _generator = new GanGenerator(Height, Width, settings.Channels, settings.NoiseDim, init);
        _discriminator = new GanDiscriminator(Height, Width, settings.Channels, init);
        _average = new GanGenerator(Height, Width, settings.Channels, settings.NoiseDim, init);
        _generator.to(device);
        _discriminator.to(device);
        _average.to(device);
        _generatorParameters = _generator.parameters().ToArray();
        _averageParameters = _average.parameters().ToArray();
        foreach (var p in _averageParameters) p.requires_grad = false;
        CopyInto(_averageParameters, _generatorParameters);
        _generatorAdam = new AdamState(_generatorParameters, settings.GeneratorLearningRate, settings.Beta1, settings.Beta2, settings.Epsilon);
        _discriminatorAdam = new AdamState(_discriminator.parameters(), settings.DiscriminatorLearningRate, settings.Beta1, settings.Beta2, settings.Epsilon);
    }

    /// <summary>The hyper-parameters.</summary>
    public GanSettings Settings { get; }

    /// <inheritdoc />
    public int Height { get; }

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public long Version { get; private set; }

    /// <summary>The discriminator's loss (without the R1 term) at the last computed step; NaN before any.</summary>
    public double LastDiscriminatorLoss { get; private set; } = double.NaN;

    /// <summary>The generator's loss at the last computed step; NaN before any.</summary>
    public double LastGeneratorLoss { get; private set; } = double.NaN;

    /// <summary>The generator being trained (not the moving average).</summary>
    internal GanGenerator TrainedGenerator => _generator;

    /// <summary>The discriminator.</summary>
    internal GanDiscriminator Discriminator => _discriminator;

    /// <summary>The moving average of the trained generator (what <see cref="Complete"/> runs).</summary>
    internal GanGenerator AverageGenerator => _average;

    /// <summary>The device the networks and the training images live on.</summary>
    public Device Device => _images.device;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The task's dimension is not Height·Width, or it is in a transformed domain.</exception>
    public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (innerSteps < 1) throw new ArgumentOutOfRangeException(nameof(innerSteps), innerSteps, "inner steps must be at least 1");
        if (task.Dim != Height * Width)
            throw new ArgumentException($"{task.Kind} task is {task.Dim}-dimensional, the images have {Height}x{Width} = {Height * Width} pixels", nameof(task));
        if (task.IsTransformed) throw new ArgumentException($"the GAN works in the pixel domain; {task} is transformed", nameof(task));
        using var noise = new Generator(unchecked((ulong)batchSeed), CPU);
        using var taskScope = NewDisposeScope(); // the mask lives as long as the task
        var mask = MaskOf(task);
        double firstLoss = double.NaN, lastLoss = double.NaN, lastNorm = 0;
        int applied = 0;
        string? rejection = null;
        for (int step = 0; step < innerSteps && rejection is null; step++)
        {
            using var scope = NewDisposeScope();
            var result = GuardedStep(mask, noise);
            if (step == 0) firstLoss = result.GeneratorLoss;
            lastLoss = result.GeneratorLoss;
            LastDiscriminatorLoss = result.DiscriminatorLoss;
            LastGeneratorLoss = result.GeneratorLoss;
            if (result.Refusal is not null)
            {
                rejection = $"step {step + 1} of a {task.Kind.ToString().ToLowerInvariant()} task with {task.Observed.Length} observed pixels: {result.Refusal}; not applied";
                break;
            }
            applied++;
            lastNorm = result.GeneratorGradientNorm;
            Version++;
        }
        return new TaskOutcome(firstLoss, lastLoss, lastNorm, applied, rejection, Version);
    }

    /// <inheritdoc />
    public Tensor Complete(Tensor images, Tensor masks, Generator noise)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(noise);
        long[] expected = [images.shape[0], 1, Height, Width];
        if (!images.shape.SequenceEqual(expected) || !masks.shape.SequenceEqual(expected))
            throw new ArgumentException($"images [{string.Join(",", images.shape)}] and masks [{string.Join(",", masks.shape)}] must both be [{string.Join(",", expected)}]");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = images.to(ScalarType.Float32, Device);
        var m = masks.to(ScalarType.Float32, Device);
        var completed = _average.Forward(x, m, noise);
        // A non-finite generated pixel (never seen with the defaults) becomes background rather than poisoning scores.
        completed = where(completed.isfinite(), completed, zeros_like(completed));
        return completed.to(images.device).MoveToOuterDisposeScope();
    }

    /// <summary>The [1, 1, H, W] float mask of <paramref name="task"/> (1 on S), in the caller's dispose scope.</summary>
    private Tensor MaskOf(LearningTask task)
    {
        var values = new float[Height * Width];
        foreach (int i in task.Observed) values[i] = 1f;
        return tensor(values, [1, 1, Height, Width]).to(Device);
    }

    /// <summary>What one adversarial step did.</summary>
    private readonly record struct StepResult(double GeneratorLoss, double DiscriminatorLoss, double GeneratorGradientNorm, string? Refusal);

    /// <summary><see cref="Step"/>, with libtorch's own failures turned into a refusal that leaves everything as it was.</summary>
    private StepResult GuardedStep(Tensor mask, Generator noise)
    {
        // Only the discriminator needs a copy: the generator's update is the step's last act and happens only when
        // everything before it was finite.
        var snapshot = _discriminatorAdam.Snapshot();
        long steps = _discriminatorAdam.Steps;
        try
        {
            var result = Step(mask, noise);
            if (result.Refusal is not null) _discriminatorAdam.Restore(snapshot, steps);
            return result;
        }
        catch (ExternalException error)
        {
            _discriminatorAdam.Restore(snapshot, steps);
            _generatorAdam.ClearGradients();
            return new StepResult(double.NaN, double.NaN, double.NaN, $"libtorch refused the computation: {error.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// One discriminator update, then one generator update, inside the caller's dispose scope. Each is applied only
    /// when its loss, its gradient and the generated images are finite; a refusal of the generator update makes the
    /// caller roll the discriminator update back too, so a refused step changes nothing.
    /// </summary>
    private StepResult Step(Tensor mask, Generator noise)
    {
        var s = Settings;
        var index = randint(_images.shape[0], [s.BatchSize], dtype: ScalarType.Int64, generator: noise).to(Device);
        var real = _images.index_select(0, index);
        var masks = mask.expand(s.BatchSize, 1, Height, Width);

        // Discriminator: softplus(−D(real)) + softplus(D(fake)), plus the lazy R1 penalty on the real batch.
        Tensor fake;
        using (no_grad()) fake = _generator.Forward(real, masks, noise);
        bool penalise = s.R1Gamma > 0 && Version % s.R1Interval == 0;
        var realInput = penalise ? real.detach().requires_grad_(true) : real;
        var realLogits = _discriminator.Forward(realInput, masks);
        var fakeLogits = _discriminator.Forward(fake, masks);
        var discriminatorLoss = nn.functional.softplus(realLogits.neg()).mean().add(nn.functional.softplus(fakeLogits).mean());
        var total = discriminatorLoss;
        if (penalise)
        {
            var gradient = autograd.grad([realLogits.sum()], [realInput], retain_graph: true, create_graph: true)[0];
            total = total.add(gradient.square().sum([1, 2, 3]).mean().mul(s.R1Gamma / 2 * s.R1Interval));
        }
        total.backward();
        var check = stack([discriminatorLoss.detach(), _discriminatorAdam.SquaredGradientNorm(), fake.isfinite().logical_not().sum().to(ScalarType.Float32)])
            .to(ScalarType.Float64).cpu().data<double>().ToArray();
        double dLoss = check[0];
        if (check[2] > 0) return new StepResult(double.NaN, dLoss, double.NaN, $"the generator returned {check[2]} non-finite pixels");
        if (!double.IsFinite(dLoss)) return new StepResult(double.NaN, dLoss, double.NaN, $"discriminator loss is {dLoss}");
        if (!double.IsFinite(check[1])) return new StepResult(double.NaN, dLoss, double.NaN, $"discriminator gradient norm is {Math.Sqrt(check[1])}");
        _discriminatorAdam.Step();

        // Generator: non-saturating softplus(−D(G(x_S, z))).
        var generated = _generator.Forward(real, masks, noise);
        var generatorLoss = nn.functional.softplus(_discriminator.Forward(generated, masks).neg()).mean();
        generatorLoss.backward();
        _discriminatorAdam.ClearGradients();
        var gCheck = stack([generatorLoss.detach(), _generatorAdam.SquaredGradientNorm(), generated.detach().isfinite().logical_not().sum().to(ScalarType.Float32)])
            .to(ScalarType.Float64).cpu().data<double>().ToArray();
        double gLoss = gCheck[0], gNorm = Math.Sqrt(gCheck[1]);
        if (gCheck[2] > 0 || !double.IsFinite(gLoss) || !double.IsFinite(gNorm)) _generatorAdam.ClearGradients();
        if (gCheck[2] > 0) return new StepResult(gLoss, dLoss, gNorm, $"the generator returned {gCheck[2]} non-finite pixels");
        if (!double.IsFinite(gLoss)) return new StepResult(gLoss, dLoss, gNorm, $"generator loss is {gLoss}");
        if (!double.IsFinite(gNorm)) return new StepResult(gLoss, dLoss, gNorm, $"generator gradient norm is {gNorm}");
        _generatorAdam.Step();
        UpdateAverage();
        return new StepResult(gLoss, dLoss, gNorm, null);
    }

    /// <summary>ema ← β·ema + (1 − β)·θ with β = min(decay, (1 + v)/(10 + v)).</summary>
    private void UpdateAverage()
    {
        double beta = Math.Min(Settings.EmaDecay, (1.0 + Version) / (10.0 + Version));
        using var _ = no_grad();
        for (int i = 0; i < _averageParameters.Length; i++) _averageParameters[i].lerp_(_generatorParameters[i], 1 - beta);
    }

    private static void CopyInto(Parameter[] target, Parameter[] source)
    {
        using var _ = no_grad();
        for (int i = 0; i < target.Length; i++) target[i].copy_(source[i]);
    }

    /// <summary>Disposes the networks, the optimiser buffers, the training images and the ledger's objective.</summary>
    public void Dispose()
    {
        _contributionObjective?.Dispose();
        _generatorAdam.Dispose();
        _discriminatorAdam.Dispose();
        _generator.Dispose();
        _average.Dispose();
        _discriminator.Dispose();
        _images.Dispose();
    }
}
