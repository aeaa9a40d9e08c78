namespace BigLearn.Core.Tasks;

/// <summary>What kind of matching a task asks for.</summary>
public enum TaskKind
{
    /// <summary>S = ∅, T = all coordinates.</summary>
    Joint,
    /// <summary>S = ∅, T a strict subset.</summary>
    Marginal,
    /// <summary>S ≠ ∅: x_S drawn from the data, x_T predicted.</summary>
    Conditional,
}

/// <summary>
/// One learning task: observe the coordinates <see cref="Observed"/> (S) and predict <see cref="Target"/> (T)
/// of y = A·x, where A is <see cref="Transform"/> (null: the data domain, y = x), seen through Gaussian noise of
/// standard deviation <see cref="Noise"/> when that is positive (y_T + σ·ξ, joint and marginal tasks only).
/// Index sets are sorted, disjoint, within [0, Dim), and T is never empty.
/// </summary>
public sealed class LearningTask : IEquatable<LearningTask>
{
    /// <summary>Builds and validates a task.</summary>
    public LearningTask(int dim, IEnumerable<int> observed, IEnumerable<int> target, OrthogonalTransform? transform = null, double noise = 0)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be at least 1");
        Observed = observed.ToArray();
        Target = target.ToArray();
        Array.Sort(Observed);
        Array.Sort(Target);
        if (Target.Length == 0) throw new ArgumentException("the target set T must not be empty", nameof(target));
        foreach (var (name, set) in new[] { ("S", Observed), ("T", Target) })
        {
            for (int i = 0; i < set.Length; i++)
            {
                if (set[i] < 0 || set[i] >= dim) throw new ArgumentException($"index {set[i]} in {name} is outside [0, {dim})");
                if (i > 0 && set[i] == set[i - 1]) throw new ArgumentException($"index {set[i]} appears twice in {name}");
            }
        }
        var overlap = Observed.Intersect(Target).ToArray();
        if (overlap.Length > 0) throw new ArgumentException($"S and T must be disjoint; both contain {string.Join(",", overlap)}");
        if (transform is not null && transform.Dim != dim) throw new ArgumentException($"transform is {transform.Dim}-dimensional, task is {dim}-dimensional", nameof(transform));
        if (!(noise >= 0) || !double.IsFinite(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "the noise standard deviation must be a finite number ≥ 0");
        if (noise > 0 && Observed.Length > 0)
            throw new ArgumentException("noise is for joint and marginal tasks; a conditional task observes y_S exactly", nameof(noise));
        Dim = dim;
        Transform = transform;
        Noise = noise;
    }

    /// <summary>The data dimension L.</summary>
    public int Dim { get; }

    /// <summary>S: observed coordinates (sorted; empty for joint and marginal tasks).</summary>
    public int[] Observed { get; }

    /// <summary>T: coordinates to predict (sorted, non-empty).</summary>
    public int[] Target { get; }

    /// <summary>The transform A of y = A·x, or null for the data domain.</summary>
    public OrthogonalTransform? Transform { get; }

    /// <summary>
    /// σ of the Gaussian noise the task sees its target coordinates through (0: none). The task matches
    /// p_θ(y_T) ∗ N(0, σ²I) to q(y_T) ∗ N(0, σ²I): a smoothed view whose global optimum is the same (convolution with a
    /// Gaussian is one-to-one), with the modes' basins merged where σ exceeds their spacing.
    /// </summary>
    public double Noise { get; }

    /// <summary>The same task seen through noise of standard deviation <paramref name="noise"/>.</summary>
    public LearningTask WithNoise(double noise) => new(Dim, Observed, Target, Transform, noise);

    /// <summary>Joint, marginal or conditional.</summary>
    public TaskKind Kind => Observed.Length > 0 ? TaskKind.Conditional : Target.Length == Dim ? TaskKind.Joint : TaskKind.Marginal;

    /// <summary>True when the task lives in a transformed domain.</summary>
    public bool IsTransformed => Transform is not null;

    /// <summary>The joint task in the data domain.</summary>
    public static LearningTask Joint(int dim) => new(dim, [], Enumerable.Range(0, dim));

    /// <summary>A marginal task on <paramref name="target"/>.</summary>
    public static LearningTask Marginal(int dim, IEnumerable<int> target, OrthogonalTransform? transform = null) => new(dim, [], target, transform);

    /// <summary>A conditional task predicting <paramref name="target"/> from <paramref name="observed"/>.</summary>
    public static LearningTask Conditional(int dim, IEnumerable<int> observed, IEnumerable<int> target, OrthogonalTransform? transform = null) =>
        new(dim, observed, target, transform);

    /// <summary>A compact text such as <c>marginal T={0} in haar</c>, <c>joint with noise 1.5</c> or <c>conditional S={1} T={0}</c>.</summary>
    public override string ToString()
    {
        string sets = Kind switch
        {
            TaskKind.Joint => "joint",
            TaskKind.Marginal => $"marginal T={{{string.Join(",", Target)}}}",
            _ => $"conditional S={{{string.Join(",", Observed)}}} T={{{string.Join(",", Target)}}}",
        };
        string text = Transform is null ? sets : $"{sets} in {Transform.Description}";
        return Noise > 0 ? $"{text} with noise {Noise.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : text;
    }

    /// <inheritdoc />
    public bool Equals(LearningTask? other) =>
        other is not null && other.Dim == Dim && other.Observed.AsSpan().SequenceEqual(Observed)
        && other.Target.AsSpan().SequenceEqual(Target) && Equals(other.Transform, Transform) && other.Noise.Equals(Noise);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LearningTask);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Dim, Observed.Length, Target.Length, Transform, Noise);
}
