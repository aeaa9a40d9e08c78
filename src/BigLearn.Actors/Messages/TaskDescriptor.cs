using BigLearn.Core.Tasks;

namespace BigLearn.Actors.Messages;

/// <summary>
/// A <see cref="LearningTask"/> as plain data, small enough to travel in a proposal (a few hundred bytes):
/// the dimension, the index sets S and T, the transform matrix (row-major) or null, a readable text and the noise.
/// Two descriptors are equal when their numbers are equal.
/// </summary>
/// <param name="Dim">The data dimension L.</param>
/// <param name="Observed">S, sorted.</param>
/// <param name="Target">T, sorted and non-empty.</param>
/// <param name="Transform">The orthogonal matrix A (row-major, L·L entries), or null for the data domain.</param>
/// <param name="TransformName">The transform's description (such as <c>haar</c>), or null.</param>
/// <param name="Description">The task as text, e.g. <c>marginal T={0} in haar</c>.</param>
/// <param name="Noise">σ of the noise the task sees y_T through (0: none; see <see cref="LearningTask.Noise"/>).</param>
public sealed record TaskDescriptor(int Dim, int[] Observed, int[] Target, double[]? Transform, string? TransformName, string Description,
    double Noise = 0)
    : IBigLearnMessage
{
    /// <summary>The descriptor of <paramref name="task"/> (copies its arrays).</summary>
    public static TaskDescriptor From(LearningTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskDescriptor(task.Dim, (int[])task.Observed.Clone(), (int[])task.Target.Clone(),
            task.Transform?.ToArray(), task.Transform?.Description, task.ToString(), task.Noise);
    }

    /// <summary>Rebuilds the task (validating the index sets and the orthogonality of the matrix).</summary>
    public LearningTask ToLearningTask()
    {
        var transform = Transform is null ? null : OrthogonalTransform.FromMatrix(Dim, Transform, TransformName ?? "matrix");
        return new LearningTask(Dim, Observed, Target, transform, Noise);
    }

    /// <inheritdoc />
    public bool Equals(TaskDescriptor? other) =>
        other is not null && other.Dim == Dim
        && other.Observed.AsSpan().SequenceEqual(Observed)
        && other.Target.AsSpan().SequenceEqual(Target)
        && (other.Transform is null ? Transform is null : Transform is not null && other.Transform.AsSpan().SequenceEqual(Transform))
        && other.TransformName == TransformName
        && other.Description == Description
        && other.Noise.Equals(Noise);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Dim, Observed.Length, Target.Length, Transform?.Length ?? -1, Description);
}
