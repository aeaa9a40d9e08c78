using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks;

/// <summary>
/// A distribution q(S, T) over tasks (and, for transformed tasks, over the transform A): what one agent
/// holds. Sampling draws every random number from the caller's stream, so an agent's tasks are
/// reproducible from its own <see cref="Rng"/> alone.
/// </summary>
public interface IMaskDistribution
{
    /// <summary>The data dimension L of the tasks it draws.</summary>
    int Dim { get; }

    /// <summary>Draws one task.</summary>
    LearningTask Sample(Rng rng);

    /// <summary>A readable description that the mask-distribution parser accepts back.</summary>
    string Description { get; }
}
