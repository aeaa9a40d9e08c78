using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// The common base of the project's mask distributions q(S, T). Each one validates its arguments when it
/// is built (an <see cref="ArgumentException"/> with a one-line message) so that sampling never fails, and
/// its <see cref="Description"/> is canonical text in the grammar of <see cref="MaskDistributions.Parse(string, int)"/>.
/// </summary>
public abstract class MaskDistribution : IMaskDistribution
{
    /// <summary>Checks the dimension shared by all distributions.</summary>
    private protected MaskDistribution(int dim)
    {
        if (dim < 1) throw new ArgumentException($"dimension must be at least 1, got {dim}");
        Dim = dim;
    }

    /// <inheritdoc />
    public int Dim { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>
    /// The kind of every task this distribution draws, or null when it may draw tasks of different kinds
    /// (a mixture of joint and marginal tasks, for example).
    /// </summary>
    public abstract TaskKind? Kind { get; }

    /// <inheritdoc />
    public abstract LearningTask Sample(Rng rng);

    /// <summary>True when some task it can draw carries a transform (transforms may not be nested).</summary>
    internal abstract bool ContainsTransform { get; }

    /// <summary>True when some task it can draw is seen through noise (<c>noisy(...)</c>; it may not be nested, and image runs refuse it).</summary>
    public virtual bool ContainsNoise => false;

    /// <inheritdoc />
    public override string ToString() => Description;

    /// <summary>
    /// Validates a user-given coordinate set: non-empty, each in [0, dim), no repeats. Returns it sorted.
    /// </summary>
    private protected static int[] CheckCoordinates(string key, IEnumerable<int> coordinates, int dim)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        var sorted = coordinates.ToArray();
        if (sorted.Length == 0) throw new ArgumentException($"{key} must list at least one coordinate");
        Array.Sort(sorted);
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] < 0 || sorted[i] >= dim)
                throw new ArgumentException($"{key} coordinate {sorted[i]} must be in [0, {dim - 1}] for dimension {dim}");
            if (i > 0 && sorted[i] == sorted[i - 1]) throw new ArgumentException($"{key} lists coordinate {sorted[i]} twice");
        }
        return sorted;
    }

    /// <summary>Coordinates of {0..dim-1} not in <paramref name="sortedSet"/>, ascending.</summary>
    private protected static int[] Complement(int dim, int[] sortedSet)
    {
        var rest = new int[dim - sortedSet.Length];
        int next = 0, r = 0;
        for (int i = 0; i < dim; i++)
        {
            if (next < sortedSet.Length && sortedSet[next] == i) next++;
            else rest[r++] = i;
        }
        return rest;
    }

    /// <summary>Coordinate lists as the grammar writes them: <c>0,2,3</c>.</summary>
    private protected static string FormatList(IEnumerable<int> coordinates) => string.Join(",", coordinates);
}
