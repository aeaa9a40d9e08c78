namespace BigLearn.Core.Training;

/// <summary>
/// A task runner whose whole learning state can be copied out as plain numbers and put back: what a checkpoint saves
/// and what a restarted model actor restores. Restoring a state captured from a runner built the same way makes the
/// runner continue exactly as the original would have.
/// </summary>
public interface IRestorableRunner
{
    /// <summary>A copy of the runner's state now.</summary>
    RunnerState CaptureState();

    /// <summary>Overwrites the runner's state with <paramref name="state"/> (captured from a runner built the same way).</summary>
    /// <exception cref="ArgumentException">The state does not fit this runner (other parameter count, other optimiser).</exception>
    void RestoreState(RunnerState state);

    /// <summary>
    /// How often the model actor keeps an in-memory copy of the state to rebuild a crashed runner from: after every this many
    /// tasks. 1 for small models (a few hundred numbers: the last good task); a large model (the GAN's million parameters, a
    /// copy costing a fraction of a step) says more, and a crash then loses at most that many tasks, never the whole run.
    /// </summary>
    int KeepStateEvery => 1;
}

/// <summary>A runner's learning state as plain numbers.</summary>
/// <param name="Version">Steps applied so far (<see cref="ITaskRunner.Version"/>).</param>
/// <param name="Parameters">The model's parameter vector θ.</param>
/// <param name="Optimizer">The optimiser's state by name (hyper-parameters and buffers; empty where it keeps none).</param>
public sealed record RunnerState(long Version, double[] Parameters, IReadOnlyDictionary<string, double[]> Optimizer);
