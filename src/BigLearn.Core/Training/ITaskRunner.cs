using BigLearn.Core.Tasks;

namespace BigLearn.Core.Training;

/// <summary>
/// Runs one task's inner gradient steps on a model it owns. The model actor calls this on its pinned thread;
/// the plain <c>Trainer</c> loop calls it directly. Implementations are not thread-safe.
/// </summary>
public interface ITaskRunner
{
    /// <summary>How many steps have been applied to the parameters so far (the model version).</summary>
    long Version { get; }

    /// <summary>
    /// Runs <paramref name="innerSteps"/> SGD steps on <paramref name="task"/>, drawing every random number
    /// from <paramref name="batchSeed"/> (the same seed and parameters give the same outcome).
    /// A step whose loss or gradient is not finite is not applied and ends the task.
    /// </summary>
    TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed);
}

/// <summary>What running one task did: losses before the first and before the last applied step, and so on.</summary>
/// <param name="FirstLoss">Loss of the first inner step (before any update of this task).</param>
/// <param name="LastLoss">Loss of the last inner step that was computed.</param>
/// <param name="GradientNorm">L2 norm of the last applied step's gradient (0 when none was applied).</param>
/// <param name="AppliedSteps">Inner steps whose update was applied.</param>
/// <param name="Rejection">Why a step was refused (non-finite loss or gradient), or null.</param>
/// <param name="Version">Model version after the task.</param>
public sealed record TaskOutcome(double FirstLoss, double LastLoss, double GradientNorm, int AppliedSteps, string? Rejection, long Version)
{
    /// <summary>True when a step was refused.</summary>
    public bool Rejected => Rejection is not null;
}
