using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>
/// Forward KL on a data set (<c>target.kind = samples</c>): <see cref="ForwardKlObjective"/> with rows of the training split in
/// place of draws from a target mixture. Each call draws <see cref="SamplesPerStep"/> rows uniformly with replacement from the
/// caller's generator, maps them to the task's domain (y = A·x), adds the task's noise to y_T, and returns
/// −mean_i log p_θ(y_i,T | y_i,S): the negative log-likelihood, which is KL[q ‖ p_θ] up to the data's unknown entropy, with the
/// same gradient. The target passed to <see cref="Loss"/> is used for its dimension only.
/// </summary>
public sealed class SampleLikelihoodObjective : IMixtureObjective, IDisposable
{
    private readonly Tensor _rows;

    /// <summary>An objective over <paramref name="rows"/> (row-major, <paramref name="dim"/> numbers a row) on <paramref name="device"/>.</summary>
    public SampleLikelihoodObjective(double[] rows, int dim, int samplesPerStep = 100, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (dim < 1 || rows.Length == 0 || rows.Length % dim != 0)
            throw new ArgumentException($"{rows.Length} numbers are not rows of {dim}", nameof(rows));
        SamplesPerStep = MixtureObjectives.CheckSamples(samplesPerStep);
        Rows = rows.Length / dim;
        Dim = dim;
        _rows = tensor(rows, [Rows, dim], dtype: float64, device: device ?? CPU).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public ObjectiveKind Kind => ObjectiveKind.ForwardKl;

    /// <inheritdoc />
    public int SamplesPerStep { get; }

    /// <summary>The training rows it draws from.</summary>
    public long Rows { get; }

    /// <summary>The data dimension L.</summary>
    public int Dim { get; }

    /// <inheritdoc />
    public Tensor Loss(IGaussianMixture model, IGaussianMixture target, LearningTask task, Generator generator)
    {
        MixtureObjectives.CheckCompatible(model, target, task);
        if (task.Dim != Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the data is {Dim}-dimensional", nameof(task));
        var index = randint(0, Rows, [SamplesPerStep], dtype: int64, device: _rows.device, generator: generator);
        var y = TaskProjection.ToTaskDomain(task, _rows.index_select(0, index));
        var yTarget = TaskProjection.AddNoise(task, TaskProjection.Target(task, y), generator);
        var yObserved = task.Kind == TaskKind.Conditional ? TaskProjection.Observed(task, y) : null;
        return -model.Distribution().LogDensity(task, yTarget, yObserved).mean();
    }

    /// <inheritdoc />
    public void Dispose() => _rows.Dispose();
}
