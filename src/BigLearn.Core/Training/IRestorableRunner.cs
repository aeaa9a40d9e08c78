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
    /// Whether the model actor keeps a copy of the state after every task, to rebuild a crashed runner from the last good
    /// task. True for small models (a few hundred numbers); a large model (the GAN's million parameters) says false and
    /// recovers from its last checkpoint or its initial state instead.
    /// </summary>
    bool KeepStateAfterEveryTask => true;
}

/// <summary>A runner's learning state as plain numbers.</summary>
/// <param name="Version">Steps applied so far (<see cref="ITaskRunner.Version"/>).</param>
/// <param name="Parameters">The model's parameter vector θ.</param>
/// <param name="Optimizer">The optimiser's state by name (hyper-parameters and buffers; empty where it keeps none).</param>
public sealed record RunnerState(long Version, double[] Parameters, IReadOnlyDictionary<string, double[]> Optimizer);
