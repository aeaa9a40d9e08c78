using System.Text.Json;
using BigLearn.Actors.Checkpoints;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Hosting.Checkpoints;

/// <summary>
/// Everything a run needs to continue exactly: the population (θ, optimiser, every RNG, counters, scheduler queue,
/// evaluations), what the run's observer counted, and named extension sections. Stored as <c>state.json</c> in a bundle.
/// </summary>
/// <param name="Format">The bundle format (<see cref="CurrentFormat"/>).</param>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Seed">The experiment seed.</param>
/// <param name="Budget">The task budget.</param>
/// <param name="Population">The actors' state.</param>
/// <param name="Initial">The evaluation of the untrained model (the first row of metrics.csv), as named figures.</param>
/// <param name="RejectedSteps">Inner steps not applied so far.</param>
/// <param name="EvaluationSeconds">Wall time of each evaluation by task count (timing only).</param>
/// <param name="WallSeconds">Wall time of the run up to the checkpoint (timing only).</param>
/// <param name="Sections">
/// Extension point: named JSON sections that other parts of a run save with the checkpoint and get back on resume (for
/// instance a contribution ledger under <c>"ledger"</c>); see <see cref="ICheckpointSection"/>.
/// </param>
public sealed record RunCheckpoint(int Format, string Experiment, long Seed, long Budget, PopulationCheckpoint Population,
    EvaluationRecord Initial, long RejectedSteps, Dictionary<long, double> EvaluationSeconds, double WallSeconds,
    Dictionary<string, JsonElement> Sections)
{
    /// <summary>The format this build writes and reads.</summary>
    public const int CurrentFormat = 2; // 2: the initial evaluation as named figures, whatever the model kind

    /// <summary>Tasks done at the checkpoint.</summary>
    public long TasksDone => Population.TasksDone;
}

/// <summary>
/// A named part of a run's state saved in every checkpoint (the extension point of <see cref="RunCheckpoint.Sections"/>).
/// <see cref="Capture"/> is called on the run observer's thread when the checkpoint passes there, that is after every
/// <c>TaskCompleted</c> and evaluation it covers and before any later one, so state kept from those messages is consistent.
/// </summary>
public interface ICheckpointSection
{
    /// <summary>The section's name in <c>state.json</c> (unique within a run).</summary>
    string Name { get; }

    /// <summary>The section's content now.</summary>
    JsonElement Capture();

    /// <summary>Continues from a saved content (called before the resumed run starts).</summary>
    void Restore(JsonElement saved);
}

/// <summary>
/// A run folder or checkpoint that cannot be used (not a run folder, no intact checkpoint, already complete). The message
/// is one line naming the folder and what is wrong; the command line maps it to exit code 2.
/// </summary>
public sealed class RunFolderException(string message) : Exception(message);
