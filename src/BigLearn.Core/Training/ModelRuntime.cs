namespace BigLearn.Core.Training;

/// <summary>
/// What a model actor runs: the task runner and its evaluation, built together on the model's thread so that the
/// evaluation holds the runner with its own type (no downcast) and every tensor stays on that thread.
/// </summary>
/// <param name="runner">Runs the tasks' inner steps.</param>
/// <param name="evaluate">The model's figures by name, computed on the model's thread (none when null).</param>
public sealed class ModelRuntime(ITaskRunner runner, Func<IReadOnlyDictionary<string, double>>? evaluate = null)
{
    private static readonly IReadOnlyDictionary<string, double> NoFigures = new Dictionary<string, double>();

    /// <summary>The task runner.</summary>
    public ITaskRunner Runner { get; } = runner ?? throw new ArgumentNullException(nameof(runner));

    /// <summary>The model's figures now (empty without an evaluation).</summary>
    public IReadOnlyDictionary<string, double> Evaluate() => evaluate?.Invoke() ?? NoFigures;
}
