using System.Runtime.InteropServices;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Training;

/// <summary>The trainer as a <see cref="IContributionProbe"/>: J, ∇J and task gradients on its own model (docs/contributions.md).</summary>
public sealed partial class GmmTrainer : IContributionProbe, ICounterfactualProbe
{
    private ContributionObjective? _contributionObjective;

    /// <summary>The ledger's objective (drawn on first use with <see cref="ContributionObjectiveSettings.Default"/> unless set by <see cref="UseContributionObjective(ContributionObjectiveSettings)"/>).</summary>
    public ContributionObjective ContributionObjective =>
        _contributionObjective ??= new ContributionObjective(ContributionObjectiveSettings.Default, Target, Model.Components);

    /// <summary>Chooses the ledger's objective (its fixed batch is drawn now, from <paramref name="settings"/>' seed).</summary>
    public void UseContributionObjective(ContributionObjectiveSettings settings) =>
        _contributionObjective = new ContributionObjective(settings, Target, Model.Components);

    /// <summary>Chooses an already drawn objective (a data set's, whose batch is rows of the data rather than draws from the target).</summary>
    public void UseContributionObjective(ContributionObjective objective) =>
        _contributionObjective = objective ?? throw new ArgumentNullException(nameof(objective));

    /// <inheritdoc />
    public double EvaluateObjective()
    {
        if (UseDirectGradient && Model.OnCpu)
            return ContributionObjective.Value(Model.GetParameterVector(), Model.Components, Model.Dim, Target);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ContributionObjective.Value(Model, Target).item<double>();
    }

    /// <inheritdoc />
    public double[] ObjectiveGradient()
    {
        using var scope = NewDisposeScope();
        ClearGradients();
        try
        {
            ContributionObjective.Value(Model, Target).backward();
            return FlatGradient();
        }
        catch (ExternalException)
        {
            return Enumerable.Repeat(double.NaN, Model.ParameterCount).ToArray();
        }
        finally
        {
            ClearGradients(); // the next training step must start from clean gradients
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// On the CPU path each slope is a central difference of the plain-arithmetic J along d, with a step that moves θ by 10⁻⁵
    /// in norm: two evaluations of ~0.2 ms each per task and no libtorch call (the truncation error is of order 10⁻¹⁰ of the
    /// slope; the tests hold it to autograd's ∇J). Elsewhere ∇J comes from autograd at θ, and the parameters are put back.
    /// </remarks>
    public double[] ObjectiveSlopes(double[] theta, IReadOnlyList<double[]> directions)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(directions);
        int k = Model.Components, d = Model.Dim;
        if (theta.Length != Model.ParameterCount) throw new ArgumentException($"parameter vector has {theta.Length} numbers, the model has {Model.ParameterCount}", nameof(theta));
        if (directions.Any(v => v.Length != theta.Length)) throw new ArgumentException($"every direction must have {theta.Length} numbers", nameof(directions));
        var slopes = new double[directions.Count];
        if (UseDirectGradient && Model.OnCpu)
        {
            var shifted = new double[theta.Length];
            // ∇J is taken over the trained parameters, as autograd's: fixed weights' logits do not move.
            int moving = Model.LearnableWeights ? theta.Length : theta.Length - k;
            for (int i = 0; i < slopes.Length; i++)
            {
                var v = directions[i][..moving].Concat(new double[theta.Length - moving]).ToArray();
                double norm = Math.Sqrt(v.Sum(x => x * x));
                if (!(norm > 0) || !double.IsFinite(norm))
                {
                    slopes[i] = norm == 0 ? 0 : double.NaN;
                    continue;
                }
                double h = 1e-5 / norm;
                for (int j = 0; j < theta.Length; j++) shifted[j] = theta[j] + h * v[j];
                double up = ContributionObjective.Value(shifted, k, d, Target);
                for (int j = 0; j < theta.Length; j++) shifted[j] = theta[j] - h * v[j];
                double down = ContributionObjective.Value(shifted, k, d, Target);
                slopes[i] = (up - down) / (2 * h);
            }
            return slopes;
        }
        var current = Model.GetParameterVector();
        Model.SetParameterVector(theta);
        try
        {
            var gradient = ObjectiveGradient();
            for (int i = 0; i < slopes.Length; i++)
            {
                double dot = 0;
                for (int j = 0; j < gradient.Length; j++) dot += gradient[j] * directions[i][j];
                slopes[i] = dot;
            }
            return slopes;
        }
        finally
        {
            Model.SetParameterVector(current);
        }
    }

    /// <inheritdoc />
    public double[] TaskGradient(LearningTask task, long seed)
    {
        if (task.Dim != Model.Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the model is {Model.Dim}-dimensional", nameof(task));
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed), Model.Means.device);
        ClearGradients();
        try
        {
            var loss = ObjectiveFor(task).Loss(Model, Target, task, generator);
            if (!double.IsFinite(loss.item<double>())) return Enumerable.Repeat(double.NaN, Model.ParameterCount).ToArray();
            loss.backward();
            return FlatGradient();
        }
        catch (ExternalException)
        {
            return Enumerable.Repeat(double.NaN, Model.ParameterCount).ToArray();
        }
        finally
        {
            ClearGradients();
        }
    }

    /// <inheritdoc />
    /// <remarks>Runs the task through <see cref="Run"/> (the same arithmetic, draws and refusals as the real task) and puts θ, the
    /// version and the clipped-step count back, so that neither the model nor the ledger's cache of J can tell it happened.</remarks>
    public double ObjectiveAfter(LearningTask task, int innerSteps, long seed)
    {
        var theta = Model.GetParameterVector();
        long version = Version, clipped = ClippedSteps;
        try
        {
            Run(task, innerSteps, seed);
            return EvaluateObjective();
        }
        finally
        {
            Model.SetParameterVector(theta);
            Version = version;
            ClippedSteps = clipped;
        }
    }

    private void ClearGradients()
    {
        foreach (var p in Model.parameters()) p.grad = null;
    }

    // In the order of GetParameterVector (all parameters; a frozen one contributes zeros).
    private double[] FlatGradient()
    {
        var parts = Model.parameters().Select(p => p.grad is { } g ? g.detach().flatten() : zeros(p.numel(), dtype: p.dtype, device: p.device)).ToArray();
        return cat(parts, 0).cpu().data<double>().ToArray();
    }
}
