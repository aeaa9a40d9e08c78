using System.Runtime.InteropServices;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Training;

/// <summary>The trainer as a <see cref="IContributionProbe"/>: J, ∇J and task gradients on its own model (docs/contributions.md).</summary>
public sealed partial class GmmTrainer : IContributionProbe
{
    private ContributionObjective? _contributionObjective;

    /// <summary>The ledger's objective (drawn on first use with <see cref="ContributionObjectiveSettings.Default"/> unless set by <see cref="UseContributionObjective"/>).</summary>
    public ContributionObjective ContributionObjective =>
        _contributionObjective ??= new ContributionObjective(ContributionObjectiveSettings.Default, Target, Model.Components);

    /// <summary>Chooses the ledger's objective (its fixed batch is drawn now, from <paramref name="settings"/>' seed).</summary>
    public void UseContributionObjective(ContributionObjectiveSettings settings) =>
        _contributionObjective = new ContributionObjective(settings, Target, Model.Components);

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
