using System.Runtime.InteropServices;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Training;

/// <summary>
/// Cooperative batches (docs/science.md, "Cooperative batches"): several agents' tasks, one SGD step on the sum of their losses.
/// </summary>
/// <remarks>
/// On the CPU the tasks the direct path computes run in plain arithmetic, one task after the other within a step, each with its
/// own draws; any other task makes the batch take autograd, one backward per task. Both give each task's gradient separately,
/// because the ledger splits the batch's ΔJ by each task's part of the update. Vectorising the tasks into one tensor program
/// would pay off only where libtorch's per-operation cost dominates (CUDA, large models); at the paper's size the plain loop is
/// faster than any libtorch call sequence.
/// </remarks>
public sealed partial class GmmTrainer : IBatchTaskRunner
{
    /// <inheritdoc />
    public BatchOutcome RunBatch(IReadOnlyList<BatchedTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0) throw new ArgumentException("a batch needs at least one task", nameof(tasks));
        foreach (var t in tasks)
        {
            if (t.InnerSteps < 1) throw new ArgumentOutOfRangeException(nameof(tasks), t.InnerSteps, "inner steps must be at least 1");
            if (t.Task.Dim != Model.Dim) throw new ArgumentException($"{t.Task} is {t.Task.Dim}-dimensional, the model is {Model.Dim}-dimensional", nameof(tasks));
        }
        var before = Model.GetParameterVector();
        if (tasks.Count == 1)
        {
            // Exactly the sequential step: B = 1 is the paper's semantics.
            var outcome = Run(tasks[0].Task, tasks[0].InnerSteps, tasks[0].BatchSeed);
            var after = Model.GetParameterVector();
            var change = new double[before.Length];
            for (int i = 0; i < change.Length; i++) change[i] = after[i] - before[i];
            return new BatchOutcome([outcome], before, [change]);
        }
        using var gradients = PlainBatch(tasks) ? new TaskGradients(this, tasks, plain: true) : new TaskGradients(this, tasks, plain: false);
        return RunSummedSteps(tasks, before, gradients);
    }

    private bool PlainBatch(IReadOnlyList<BatchedTask> tasks) =>
        _direct is not null && UseDirectGradient && UseOwnDraws
        && tasks.All(t => DirectReverseKl.SupportsOwnDraws(Model, t.Task, Objective.SamplesPerStep));

    private BatchOutcome RunSummedSteps(IReadOnlyList<BatchedTask> tasks, double[] before, TaskGradients gradients)
    {
        int n = tasks.Count, p = before.Length;
        var theta = (double[])before.Clone();
        var updated = new double[p];
        var sum = new double[p];
        var updates = tasks.Select(_ => new double[p]).ToArray();
        var own = new double[n][];
        var first = Enumerable.Repeat(double.NaN, n).ToArray();
        var last = Enumerable.Repeat(double.NaN, n).ToArray();
        var norms = new double[n];
        var applied = new int[n];
        var rejections = new string?[n];
        int steps = tasks.Max(t => t.InnerSteps);
        for (int step = 0; step < steps; step++)
        {
            Array.Clear(sum);
            double lossSum = 0;
            bool conditional = false;
            string? refusal = null;
            for (int i = 0; i < n && refusal is null; i++)
            {
                if (step >= tasks[i].InnerSteps) continue;
                var (loss, gradient, failure) = gradients.At(i, theta);
                if (step == 0) first[i] = loss;
                last[i] = loss;
                refusal = failure;
                own[i] = gradient;
                lossSum += loss;
                conditional |= tasks[i].Task.Kind == TaskKind.Conditional;
                for (int j = 0; j < p; j++) sum[j] += gradient[j];
            }
            double clip = 1;
            if (refusal is null && conditional && double.IsFinite(ConditionalGradientClip))
            {
                double raw = Math.Sqrt(sum.Sum(g => g * g));
                if (raw > ConditionalGradientClip && double.IsFinite(raw))
                {
                    clip = ConditionalGradientClip / raw;
                    for (int j = 0; j < p; j++) sum[j] *= clip;
                    ClippedSteps++;
                }
            }
            var (norm, largest) = Update(theta, sum, updated);
            refusal ??= Refusal(lossSum, norm, largest)?.Reason;
            if (refusal is not null)
            {
                for (int i = 0; i < n; i++)
                    if (step < tasks[i].InnerSteps)
                        rejections[i] = $"step {step + 1} of a batch of {n} ({tasks[i].Task} among them): {refusal}; not applied";
                break;
            }
            (theta, updated) = (updated, theta);
            Version++;
            gradients.Moved(theta);
            for (int i = 0; i < n; i++)
            {
                if (step >= tasks[i].InnerSteps) continue;
                applied[i]++;
                norms[i] = norm / clip; // the gradient as estimated, not as applied (as a single clipped step reports)
                double scale = -LearningRate * clip;
                var g = own[i];
                var u = updates[i];
                for (int j = 0; j < p; j++) u[j] += scale * g[j];
            }
        }
        if (applied.Any(a => a > 0)) Model.SetParameterVector(theta);
        var outcomes = Enumerable.Range(0, n).Select(i => new TaskOutcome(first[i], last[i], norms[i], applied[i], rejections[i], Version)).ToArray();
        return new BatchOutcome(outcomes, before, updates);
    }

    /// <summary>
    /// Each task's loss and gradient at the batch's current θ, from its own stream: <see cref="TorchCpuGenerator"/> and the
    /// direct gradient in plain arithmetic, or libtorch's generator and autograd (the model's parameters follow θ).
    /// </summary>
    private sealed class TaskGradients : IDisposable
    {
        private readonly GmmTrainer _trainer;
        private readonly IReadOnlyList<BatchedTask> _tasks;
        private readonly TorchCpuGenerator[]? _own;
        private readonly Generator[]? _torch;
        private readonly double[]? _probabilities;

        public TaskGradients(GmmTrainer trainer, IReadOnlyList<BatchedTask> tasks, bool plain)
        {
            _trainer = trainer;
            _tasks = tasks;
            if (plain)
            {
                _own = tasks.Select(t => new TorchCpuGenerator(unchecked((ulong)t.BatchSeed))).ToArray();
                _probabilities = trainer.FixedWeightProbabilities();
            }
            else
            {
                _torch = tasks.Select(t => new Generator(unchecked((ulong)t.BatchSeed), trainer.Model.Means.device)).ToArray();
            }
        }

        public (double Loss, double[] Gradient, string? Refusal) At(int i, double[] theta)
        {
            if (_own is not null)
            {
                var (loss, gradient) = _trainer._direct!.LossAndGradient(_trainer.Model, _trainer.Target, _tasks[i].Task,
                    _trainer.Objective.SamplesPerStep, _own[i], _probabilities!, theta);
                return (loss, gradient, null);
            }
            using var scope = NewDisposeScope();
            _trainer.ClearGradients();
            try
            {
                var task = _tasks[i].Task;
                var loss = _trainer.ObjectiveFor(task).Loss(_trainer.Model, _trainer.Target, task, _torch![i]);
                loss.backward();
                return (loss.item<double>(), _trainer.FlatGradient(), null);
            }
            catch (ExternalException error)
            {
                return (double.NaN, new double[theta.Length], $"libtorch refused the computation: {error.Message.Split('\n')[0]}");
            }
            finally
            {
                _trainer.ClearGradients();
            }
        }

        /// <summary>θ changed: the autograd path's model must hold it before the next step.</summary>
        public void Moved(double[] theta)
        {
            if (_torch is not null) _trainer.Model.SetParameterVector(theta);
        }

        public void Dispose()
        {
            if (_torch is null) return;
            foreach (var g in _torch) g.Dispose();
        }
    }
}
