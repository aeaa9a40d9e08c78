using System.Runtime.InteropServices;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Training;

/// <summary>
/// Trains a <see cref="GaussianMixtureModel"/> against a fixed <see cref="TargetMixture"/> with plain SGD
/// (docs/science.md §4.1: lr 0.1, 100 samples per step), one task at a time. Owns the model and the target (disposing
/// the trainer disposes them). Not thread-safe: call it from one thread; set libtorch's
/// threads with <see cref="TorchRuntime.Configure"/> in the caller.
/// </summary>
public sealed partial class GmmTrainer : ITaskRunner, IDisposable
{
    private readonly Parameter[] _trainable;
    private readonly DirectReverseKl? _direct;

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
        if (objective is ReverseKlObjective) _direct = new DirectReverseKl();
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

    /// <summary>The loss minimised on joint and marginal tasks (and on conditional ones unless <see cref="ConditionalObjective"/> is set).</summary>
    public IMixtureObjective Objective { get; }

    /// <summary>
    /// The loss minimised on conditional tasks; <see cref="Objective"/> unless set. A mass-covering (forward-KL)
    /// conditional objective beside reverse-KL marginals is a population whose agents disagree on the divergence,
    /// not on the optimum: both are zero only at p_θ = q.
    /// </summary>
    public IMixtureObjective ConditionalObjective
    {
        get => _conditionalObjective ?? Objective;
        init => _conditionalObjective = value ?? throw new ArgumentNullException(nameof(value));
    }

    private readonly IMixtureObjective? _conditionalObjective;

    /// <summary>The objective a step on <paramref name="task"/> minimises.</summary>
    public IMixtureObjective ObjectiveFor(LearningTask task) => task.Kind == TaskKind.Conditional ? ConditionalObjective : Objective;

    /// <summary>The SGD step size.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public long Version { get; private set; }

    /// <summary>
    /// The trust region of conditional steps: the largest gradient norm a conditional task's step is applied with
    /// (default <see cref="DefaultConditionalGradientClip"/>; <see cref="double.PositiveInfinity"/> switches it off).
    /// A larger gradient is scaled down to this norm, direction kept, so one step moves θ by at most
    /// <see cref="LearningRate"/> × this. Joint and marginal steps are never clipped.
    /// </summary>
    /// <remarks>
    /// Why (measured on seed 5079 of <c>gmm25-conditional.conf</c>, docs/experiments/gmm25.md, "How the conditional agents got here"): the conditional
    /// estimator's posterior-weight term is heavy-tailed. An observed y_S from an empty mode, 9σ out in the tails of two
    /// components whose posterior weights are balanced there, multiplies the score (z² − 1 ≈ 87) by the difference of
    /// their log-ratios (≈ 125): one of 100 observed points gave a gradient of norm 140, and the step (lr 0.1) turned a
    /// well-placed component (σ ≈ 0.22) into one with a Cholesky off-diagonal of −12. Over fresh draws at that state the
    /// median norm is 1.8 and the 99th percentile 137; before that step, 31 of the run's 30,721 conditional steps
    /// (0.10 %) had a norm above 5, the largest 23. Marginal gradients from the paper's initial state reach 5.2.
    /// </remarks>
    public double ConditionalGradientClip
    {
        get => _conditionalGradientClip;
        init => _conditionalGradientClip = value > 0 && !double.IsNaN(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ConditionalGradientClip), value, "the conditional gradient clip must be positive (infinity: no clip)");
    }

    private readonly double _conditionalGradientClip = DefaultConditionalGradientClip;

    /// <summary>The default <see cref="ConditionalGradientClip"/>: a step of at most 0.5 in θ at the paper's learning rate.</summary>
    public const double DefaultConditionalGradientClip = 5;

    /// <summary>Conditional steps whose gradient was scaled down to <see cref="ConditionalGradientClip"/> (since construction).</summary>
    public long ClippedSteps { get; private set; }

    /// <summary>
    /// When true (the default), reverse-KL steps on joint and 1-D marginal tasks on the CPU use the hand-written
    /// gradient of <see cref="DirectReverseKl"/> instead of autograd: the same estimator and the same draws,
    /// equal to rounding, 5–10× faster at the paper's size. Tests switch it off to compare both.
    /// </summary>
    internal bool UseDirectGradient { get; set; } = true;

    /// <summary>
    /// When true (the default), a task that <see cref="DirectReverseKl"/> computes also draws its numbers without libtorch
    /// (<see cref="TorchCpuGenerator"/>, the same numbers) and keeps θ out of libtorch between its inner steps. Tests
    /// switch it off to compare both.
    /// </summary>
    internal bool UseOwnDraws { get; set; } = true;

    /// <inheritdoc />
    public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
    {
        if (innerSteps < 1) throw new ArgumentOutOfRangeException(nameof(innerSteps), innerSteps, "inner steps must be at least 1");
        if (task.Dim != Model.Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the model is {Model.Dim}-dimensional", nameof(task));
        if (_direct is not null && UseDirectGradient && UseOwnDraws && DirectReverseKl.SupportsOwnDraws(Model, task, Objective.SamplesPerStep))
            return RunWithoutLibtorch(task, innerSteps, batchSeed);
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
            foreach (var p in _trainable) p.grad = null;
            return (double.NaN, double.NaN, $"libtorch refused the computation: {error.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// One SGD step inside the caller's dispose scope: the loss, the gradient norm and, when the step was
    /// refused, why. A refused step leaves the parameters exactly as they were.
    /// </summary>
    private (double Loss, double GradientNorm, string? Refusal) Step(LearningTask task, Generator generator) =>
        _direct is not null && UseDirectGradient && DirectReverseKl.Supports(Model, task)
            ? DirectStep(task, generator)
            : AutogradStep(task, generator);

    /// <summary>The step with libtorch's autograd (any objective, task and device).</summary>
    /// <remarks>
    /// Plain SGD (θ ← θ − lr·∇, no momentum, the same arithmetic as <c>torch.optim.SGD</c>) computed into a
    /// flat temporary, so that the loss, the squared gradient norm and the largest updated magnitude come back
    /// in one read: every read is a synchronisation and costs more than the arithmetic at this size. Conditional
    /// steps read the norm once more, first, to apply the trust region (<see cref="ConditionalGradientClip"/>).
    /// </remarks>
    private (double Loss, double GradientNorm, string? Refusal) AutogradStep(LearningTask task, Generator generator)
    {
        var loss = ObjectiveFor(task).Loss(Model, Target, task, generator);
        loss.backward();
        double lossValue, norm, largest, rawNorm;
        bool clipped = false;
        Tensor updated;
        using (no_grad())
        {
            var gradients = new Tensor[_trainable.Length];
            var values = new Tensor[_trainable.Length];
            for (int i = 0; i < _trainable.Length; i++)
            {
                var p = _trainable[i];
                gradients[i] = (p.grad ?? zeros_like(p)).flatten();
                p.grad = null; // the next backward starts from nothing, no zero-fill needed
                values[i] = p.detach().flatten();
            }
            var gradient = gradients.Length == 1 ? gradients[0] : cat(gradients, 0);
            rawNorm = task.Kind == TaskKind.Conditional && double.IsFinite(ConditionalGradientClip)
                ? Math.Sqrt(gradient.dot(gradient).item<double>()) // one more read, only on conditional steps
                : double.NaN;
            if (rawNorm > ConditionalGradientClip && double.IsFinite(rawNorm))
            {
                gradient = gradient * (ConditionalGradientClip / rawNorm);
                clipped = true;
            }
            updated = (values.Length == 1 ? values[0] : cat(values, 0)).add(gradient, -LearningRate);
            var summary = cat([loss.detach().reshape(1), gradient.dot(gradient).reshape(1), updated.abs().max().reshape(1)], 0)
                .cpu().data<double>().ToArray();
            (lossValue, norm, largest) = (summary[0], Math.Sqrt(summary[1]), summary[2]);
        }
        if (clipped) norm = rawNorm; // report the gradient as estimated, not as applied
        var refusal = Refusal(lossValue, norm, largest);
        if (refusal is not null) return (lossValue, refusal.Value.Norm, refusal.Value.Reason);
        if (clipped) ClippedSteps++;
        using (no_grad())
        {
            long offset = 0;
            foreach (var p in _trainable)
            {
                long n = p.numel();
                p.copy_(updated.narrow(0, offset, n).view(p.shape));
                offset += n;
            }
        }
        return (lossValue, norm, null);
    }

    /// <summary>
    /// The step with <see cref="DirectReverseKl"/>: the parameters are read once, the loss and gradient are
    /// computed in plain arithmetic, and the update is written back only when everything is finite.
    /// </summary>
    private (double Loss, double GradientNorm, string? Refusal) DirectStep(LearningTask task, Generator generator)
    {
        var theta = Model.GetParameterVector();
        var (lossValue, gradient) = _direct!.LossAndGradient(Model, Target, task, Objective.SamplesPerStep, generator, theta);
        var updated = new double[theta.Length];
        var (norm, largest) = Update(theta, gradient, updated);
        var refusal = Refusal(lossValue, norm, largest);
        if (refusal is not null) return (lossValue, refusal.Value.Norm, refusal.Value.Reason);
        Model.SetParameterVector(updated); // untrained logits are written back unchanged
        return (lossValue, norm, null);
    }

    /// <summary>
    /// The whole task in plain arithmetic: θ is read once, every inner step draws from <see cref="TorchCpuGenerator"/>
    /// (the numbers libtorch's generator with this seed would give) and updates θ in place, and θ is written back once.
    /// The same arithmetic as <see cref="DirectStep"/> on the same draws, so the same result to the last bit; it saves
    /// the ~10 libtorch calls per step that reading, drawing and writing cost (docs/experiments/gmm25.md, "Speed").
    /// </summary>
    private TaskOutcome RunWithoutLibtorch(LearningTask task, int innerSteps, long batchSeed)
    {
        var generator = new TorchCpuGenerator(unchecked((ulong)batchSeed));
        var probabilities = FixedWeightProbabilities();
        var theta = Model.GetParameterVector();
        var updated = new double[theta.Length];
        double firstLoss = double.NaN, lastLoss = double.NaN, lastNorm = 0;
        int applied = 0;
        string? rejection = null;
        for (int step = 0; step < innerSteps; step++)
        {
            var (loss, gradient) = _direct!.LossAndGradient(Model, Target, task, Objective.SamplesPerStep, generator, probabilities, theta);
            var (norm, largest) = Update(theta, gradient, updated);
            if (step == 0) firstLoss = loss;
            lastLoss = loss;
            if (Refusal(loss, norm, largest) is { } refusal)
            {
                rejection = $"step {step + 1} of {task}: {refusal.Reason}; not applied";
                break;
            }
            (theta, updated) = (updated, theta);
            applied++;
            lastNorm = norm;
            Version++;
        }
        if (applied > 0) Model.SetParameterVector(theta);
        return new TaskOutcome(firstLoss, lastLoss, lastNorm, applied, rejection, Version);
    }

    /// <summary>The model's component probabilities as libtorch computes them for its draws (exp of the log-softmax, as
    /// <see cref="MixtureDistribution.DrawLatents"/>), read once per task: the own-draws path needs fixed weights.</summary>
    private double[] FixedWeightProbabilities()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Model.LogWeights().exp().cpu().data<double>().ToArray();
    }

    /// <summary>updated = θ − lr·g; the gradient's norm and the largest updated magnitude.</summary>
    private (double Norm, double Largest) Update(double[] theta, double[] gradient, double[] updated)
    {
        double squared = 0, largest = 0;
        foreach (double g in gradient) squared += g * g; // the logits' entries are 0 unless they are trained
        for (int i = 0; i < theta.Length; i++)
        {
            updated[i] = theta[i] - LearningRate * gradient[i];
            largest = Math.Max(largest, Math.Abs(updated[i]));
        }
        return (Math.Sqrt(squared), largest);
    }

    /// <summary>Why a step must not be applied (and the norm to report), or null when it may.</summary>
    private static (double Norm, string Reason)? Refusal(double loss, double norm, double largestUpdated)
    {
        if (!double.IsFinite(loss)) return (double.NaN, $"loss is {loss}");
        if (!double.IsFinite(norm)) return (norm, $"gradient norm is {norm}");
        // A finite gradient can still overflow the update (huge step sizes): then nothing is written.
        if (!double.IsFinite(largestUpdated)) return (norm, "the update made a parameter non-finite");
        return null;
    }

    /// <summary>Disposes the model, the target and objectives that hold tensors (a data set's rows).</summary>
    public void Dispose()
    {
        Model.Dispose();
        Target.Dispose();
        (Objective as IDisposable)?.Dispose();
        if (!ReferenceEquals(_conditionalObjective, Objective)) (_conditionalObjective as IDisposable)?.Dispose();
    }
}
