using System.Runtime.InteropServices;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Training;

/// <summary>
/// Trains a <see cref="GaussianMixtureModel"/> against a fixed <see cref="TargetMixture"/> with plain SGD
/// (PAPER.md §4.1: lr 0.1, 100 samples per step), one task at a time. Owns the model, the target and the
/// optimiser (disposing the trainer disposes them). Not thread-safe: call it from one thread; set libtorch's
/// threads with <see cref="TorchRuntime.Configure"/> in the caller.
/// </summary>
public sealed partial class GmmTrainer : ITaskRunner, IDisposable
{
    private readonly SGD _optimizer;
    private readonly Parameter[] _trainable;

    /// <summary>A trainer with the given objective (for instance from <see cref="MixtureObjectives.Create"/>).</summary>
    public GmmTrainer(GaussianMixtureModel model, TargetMixture target, IMixtureObjective objective, double learningRate = 0.1)
    {
        if (model.Dim != target.Dim) throw new ArgumentException($"model is {model.Dim}-dimensional, target is {target.Dim}-dimensional");
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a positive number");
        Model = model;
        Target = target;
        Objective = objective;
        LearningRate = learningRate;
        _trainable = model.TrainableParameters().ToArray();
        _optimizer = optim.SGD(_trainable, learningRate);
    }

    /// <summary>A trainer with the objective of <paramref name="kind"/> and <paramref name="samplesPerStep"/> samples.</summary>
    public GmmTrainer(GaussianMixtureModel model, TargetMixture target, ObjectiveKind kind = ObjectiveKind.ReverseKl,
        double learningRate = 0.1, int samplesPerStep = 100)
        : this(model, target, MixtureObjectives.Create(kind, samplesPerStep), learningRate)
    {
    }

    /// <summary>The model being trained.</summary>
    public GaussianMixtureModel Model { get; }

    /// <summary>The fixed target.</summary>
    public TargetMixture Target { get; }

    /// <summary>The loss minimised on every task.</summary>
    public IMixtureObjective Objective { get; }

    /// <summary>The SGD step size.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public long Version { get; private set; }

    /// <inheritdoc />
    public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
    {
        if (innerSteps < 1) throw new ArgumentOutOfRangeException(nameof(innerSteps), innerSteps, "inner steps must be at least 1");
        if (task.Dim != Model.Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the model is {Model.Dim}-dimensional", nameof(task));
        using var generator = new Generator(unchecked((ulong)batchSeed), Model.Means.device);
        double firstLoss = double.NaN, lastLoss = double.NaN, lastNorm = 0;
        int applied = 0;
        string? rejection = null;
        for (int step = 0; step < innerSteps && rejection is null; step++)
        {
            using var scope = NewDisposeScope();
            var (loss, norm, refusal) = GuardedStep(task, generator);
            if (step == 0) firstLoss = loss;
            lastLoss = loss;
            if (refusal is not null)
            {
                rejection = $"step {step + 1} of {task}: {refusal}; not applied";
                break;
            }
            applied++;
            lastNorm = norm;
            Version++;
        }
        return new TaskOutcome(firstLoss, lastLoss, lastNorm, applied, rejection, Version);
    }

    /// <summary>
    /// <see cref="Step"/>, with libtorch's own failures (a Cholesky factorisation of a covariance that is no
    /// longer positive definite in floating point, for instance) turned into a refusal: they happen before
    /// the update, so the parameters are unchanged, and the caller decides what to do next.
    /// </summary>
    private (double Loss, double GradientNorm, string? Refusal) GuardedStep(LearningTask task, Generator generator)
    {
        try
        {
            return Step(task, generator);
        }
        catch (ExternalException error)
        {
            _optimizer.zero_grad();
            return (double.NaN, double.NaN, $"libtorch refused the computation: {error.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// One SGD step inside the caller's dispose scope: the loss, the gradient norm and, when the step was
    /// refused, why. A refused step leaves the parameters exactly as they were.
    /// </summary>
    private (double Loss, double GradientNorm, string? Refusal) Step(LearningTask task, Generator generator)
    {
        _optimizer.zero_grad();
        var loss = Objective.Loss(Model, Target, task, generator);
        double lossValue = loss.item<double>();
        if (!double.IsFinite(lossValue)) return (lossValue, double.NaN, $"loss is {lossValue}");
        loss.backward();

        double norm = GradientNorm();
        if (!double.IsFinite(norm))
        {
            _optimizer.zero_grad();
            return (lossValue, norm, $"gradient norm is {norm}");
        }

        // A finite gradient can still overflow the update (huge step sizes): keep a copy to undo it.
        Tensor[] before;
        using (no_grad()) before = _trainable.Select(p => p.clone()).ToArray();
        _optimizer.step();
        if (_trainable.All(p => p.isfinite().all().item<bool>())) return (lossValue, norm, null);
        using (no_grad())
            for (int i = 0; i < _trainable.Length; i++) _trainable[i].copy_(before[i]);
        _optimizer.zero_grad();
        return (lossValue, norm, "the update made a parameter non-finite");
    }

    private double GradientNorm()
    {
        double sum = 0;
        foreach (var p in _trainable)
        {
            var grad = p.grad;
            if (grad is not null) sum += grad.square().sum().item<double>();
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Disposes the optimiser, the model and the target.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        Model.Dispose();
        Target.Dispose();
    }
}
