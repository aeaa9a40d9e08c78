using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Mixtures;

/// <summary>
/// A Gaussian mixture Σ_k π_k N(μ_k, L_k L_kᵀ) held as tensors: means [K, d], lower-triangular scales
/// [K, d, d], log-weights [K] (normalised). The one place where densities and samples of a mixture are
/// computed, for the model (tensors carry gradients) and the fixed targets alike, in the data domain and in
/// every task's view y = A·x (joint, marginal y_T, conditional y_T | y_S).
/// The object only wraps tensors; they belong to whoever created them (usually the current dispose scope).
/// </summary>
public sealed class MixtureDistribution
{
    /// <summary>Wraps the tensors after checking their shapes.</summary>
    public MixtureDistribution(Tensor means, Tensor scaleTril, Tensor logWeights)
    {
        if (means.dim() != 2) throw new ArgumentException($"means must be [K, d], got [{string.Join(",", means.shape)}]", nameof(means));
        long k = means.shape[0], d = means.shape[1];
        if (scaleTril.dim() != 3 || scaleTril.shape[0] != k || scaleTril.shape[1] != d || scaleTril.shape[2] != d)
            throw new ArgumentException($"scales must be [{k}, {d}, {d}], got [{string.Join(",", scaleTril.shape)}]", nameof(scaleTril));
        if (logWeights.dim() != 1 || logWeights.shape[0] != k)
            throw new ArgumentException($"log-weights must be [{k}], got [{string.Join(",", logWeights.shape)}]", nameof(logWeights));
        Means = means;
        ScaleTril = scaleTril;
        LogWeights = logWeights;
    }

    /// <summary>Component means [K, d].</summary>
    public Tensor Means { get; }

    /// <summary>Lower-triangular Cholesky factors [K, d, d] (Σ_k = L_k L_kᵀ).</summary>
    public Tensor ScaleTril { get; }

    /// <summary>Log mixture weights [K] (they sum to one after exp).</summary>
    public Tensor LogWeights { get; }

    /// <summary>The dimension d.</summary>
    public int Dim => (int)Means.shape[1];

    /// <summary>The number of components K.</summary>
    public int Components => (int)Means.shape[0];

    /// <summary>Σ_k = L_k L_kᵀ: [K, d, d].</summary>
    public Tensor Covariances() => ScaleTril.matmul(ScaleTril.transpose(-1, -2));

    /// <summary>The same mixture with all tensors detached from autograd (p̄ of the reverse-KL estimator).</summary>
    public MixtureDistribution Detach() => new(Means.detach(), ScaleTril.detach(), LogWeights.detach());

    /// <summary>log p(y) in the mixture's own coordinates: y [N, d] → [N].</summary>
    public Tensor LogDensity(Tensor y)
    {
        CheckPoints(y, Dim, nameof(y));
        return GaussianMath.MixtureLogDensity(y, Means, ScaleTril, LogWeights);
    }

    /// <summary>
    /// Reparameterised samples: z ~ Cat(π) (no gradient), x = μ_z + L_z ε with ε ~ N(0, I), all drawn from
    /// <paramref name="generator"/>. Gradients flow from x into the means and scales.
    /// </summary>
    public MixtureSample Sample(long count, Generator generator)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "sample count must be at least 1");
        var (components, noise) = DrawLatents(LogWeights, count, Dim, generator);
        // L_z ε as a batched matrix-vector product: [N, d, d] × [N, d, 1].
        var x = Means.index_select(0, components) + ScaleTril.index_select(0, components).bmm(noise.unsqueeze(-1)).squeeze(-1);
        return new MixtureSample(x, components);
    }

    /// <summary>
    /// The random part of <see cref="Sample"/>: z ~ Cat(exp <paramref name="logWeights"/>) [N] (int64), then
    /// ε ~ N(0, I) [N, <paramref name="dim"/>], in that order from <paramref name="generator"/>. Shared with the
    /// trainer's direct gradient, so that both consume the generator identically.
    /// </summary>
    internal static (Tensor Components, Tensor Noise) DrawLatents(Tensor logWeights, long count, int dim, Generator generator)
    {
        var components = multinomial(logWeights.detach().exp(), count, replacement: true, generator: generator);
        var noise = randn([count, dim], dtype: logWeights.dtype, device: logWeights.device, generator: generator);
        return (components, noise);
    }

    /// <summary>
    /// The mixture of the task's target coordinates y_T with y = A·x (joint and marginal tasks): means A μ_k
    /// and covariances A Σ_k Aᵀ restricted to T, plus σ²I for a noisy task (the law of y_T + σξ), re-factorised by
    /// Cholesky. Differentiable.
    /// </summary>
    public MixtureDistribution ForTask(LearningTask task)
    {
        CheckTask(task);
        if (task.Kind == TaskKind.Conditional)
            throw new ArgumentException($"{task} is conditional: use Conditional(task, yObserved)", nameof(task));
        if (task.Kind == TaskKind.Joint && task.Transform is null && task.Noise == 0) return this;
        var (means, covariances) = TaskMoments(task);
        if (task.Kind == TaskKind.Marginal)
            (means, covariances) = GaussianMath.Select(means, covariances, IndexTensor(task.Target, Means.device));
        if (task.Noise > 0) // y_T + σξ: every component's covariance grows by σ²I
            covariances = covariances + eye(covariances.shape[1], dtype: covariances.dtype, device: covariances.device) * (task.Noise * task.Noise);
        return new MixtureDistribution(means, linalg.cholesky(Symmetrise(covariances)), LogWeights);
    }

    /// <summary>
    /// p(y_T | y_S) of a conditional task for every observed point y_S [N, |S|] (closed form per component,
    /// weights ∝ π_k N(y_S; (Aμ_k)_S, (AΣ_kAᵀ)_SS)). Differentiable in the mixture's tensors.
    /// Computed from the factors A·L_k by QR (<see cref="GaussianMath.ConditionalFromScales"/>), so no covariance
    /// is formed and no Cholesky can refuse a conditional covariance that subtraction rounded to ≤ 0.
    /// </summary>
    public ConditionalMixture Conditional(LearningTask task, Tensor yObserved)
    {
        CheckTask(task);
        if (task.Kind != TaskKind.Conditional)
            throw new ArgumentException($"{task} observes nothing: use ForTask(task)", nameof(task));
        CheckPoints(yObserved, task.Observed.Length, nameof(yObserved));
        return GaussianMath.ConditionalFromScales(Means, ScaleTril, LogWeights,
            IndexTensor(task.Observed, Means.device), IndexTensor(task.Target, Means.device), yObserved,
            task.Transform?.ToTensor(Means.device, Means.dtype));
    }

    /// <summary>
    /// log-density of the task's distribution: log p(y_T) for joint and marginal tasks (<paramref name="yObserved"/>
    /// must be null), log p(y_T | y_S) for conditional ones. y_T [N, |T|], y_S [N, |S|] → [N].
    /// </summary>
    public Tensor LogDensity(LearningTask task, Tensor yTarget, Tensor? yObserved = null)
    {
        if (task.Kind == TaskKind.Conditional)
        {
            if (yObserved is null) throw new ArgumentException($"{task} needs the observed values y_S", nameof(yObserved));
            CheckPoints(yTarget, task.Target.Length, nameof(yTarget));
            return Conditional(task, yObserved).LogDensity(yTarget);
        }
        if (yObserved is not null) throw new ArgumentException($"{task} observes nothing, but y_S was given", nameof(yObserved));
        return ForTask(task).LogDensity(yTarget);
    }

    /// <summary>
    /// Samples of p(y_T | y_S), one per observed point (y_S [N, |S|] → [N, |T|]): the component from the
    /// posterior weights (no gradient), then μ_k,T|S + L_k,T|S ε (reparameterised in means and scales).
    /// </summary>
    public Tensor SampleConditional(LearningTask task, Tensor yObserved, Generator generator) =>
        Conditional(task, yObserved).Sample(generator);

    /// <summary>The task-domain moments (A μ_k, A Σ_k Aᵀ), or (μ_k, Σ_k) without a transform.</summary>
    private (Tensor Means, Tensor Covariances) TaskMoments(LearningTask task)
    {
        var covariances = Covariances();
        return task.Transform is null
            ? (Means, covariances)
            : GaussianMath.Transform(Means, covariances, task.Transform.ToTensor(Means.device, Means.dtype));
    }

    private void CheckTask(LearningTask task)
    {
        if (task.Dim != Dim) throw new ArgumentException($"{task} is {task.Dim}-dimensional, the mixture is {Dim}-dimensional", nameof(task));
    }

    // Rounding makes A Σ Aᵀ asymmetric in the last bits; Cholesky wants an exactly symmetric matrix.
    private static Tensor Symmetrise(Tensor covariances) => (covariances + covariances.transpose(-1, -2)) * 0.5;

    internal static Tensor IndexTensor(int[] indices, Device device) => tensor(indices.Select(i => (long)i).ToArray(), device: device);

    internal static void CheckPoints(Tensor points, int dim, string name)
    {
        if (points.dim() != 2 || points.shape[1] != dim)
            throw new ArgumentException($"{name} must be [N, {dim}], got [{string.Join(",", points.shape)}]", name);
    }
}

/// <summary>Samples of a mixture: points x [N, d] and the component z of each [N] (int64).</summary>
public sealed record MixtureSample(Tensor X, Tensor Components);

/// <summary>Sampling for <see cref="ConditionalMixture"/> (kept beside the density code it mirrors).</summary>
public static class ConditionalMixtureSampling
{
    /// <summary>
    /// One sample of y_T per observed point: z_n ~ Cat(w(y_S,n)) (no gradient), y_T = μ_{n,z} + L_z ε.
    /// Returns [N, t].
    /// </summary>
    public static Tensor Sample(this ConditionalMixture mixture, Generator generator)
    {
        var means = mixture.Means;                       // [N, K, t]
        long n = means.shape[0], t = means.shape[2];
        var components = multinomial(mixture.LogWeights.detach().exp(), 1, replacement: true, generator: generator); // [N, 1]
        var chosenMeans = means.gather(1, components.unsqueeze(-1).expand(n, 1, t)).squeeze(1);
        var chosenScales = mixture.ScaleTril.index_select(0, components.squeeze(1));
        var noise = randn([n, t], dtype: means.dtype, device: means.device, generator: generator);
        return chosenMeans + einsum("nij,nj->ni", chosenScales, noise);
    }
}

/// <summary>How a task sees data points: y = A·x, then the coordinates S and T of y.</summary>
public static class TaskProjection
{
    /// <summary>y = A·x for points x [N, L] (x itself without a transform).</summary>
    public static Tensor ToTaskDomain(LearningTask task, Tensor x)
    {
        MixtureDistribution.CheckPoints(x, task.Dim, nameof(x));
        return task.Transform is null ? x : x.mm(task.Transform.ToTensor(x.device, x.dtype).t());
    }

    /// <summary>The target coordinates y_T [N, |T|] of task-domain points y [N, L].</summary>
    public static Tensor Target(LearningTask task, Tensor y) =>
        task.Kind == TaskKind.Joint ? y : y.index_select(1, MixtureDistribution.IndexTensor(task.Target, y.device));

    /// <summary>
    /// y_T + σξ with ξ ~ N(0, I) from <paramref name="generator"/> for a noisy task (<see cref="LearningTask.Noise"/> σ &gt; 0);
    /// <paramref name="yTarget"/> itself, drawing nothing, otherwise. The noise does not depend on θ, so gradients
    /// reach θ through y_T unchanged.
    /// </summary>
    public static Tensor AddNoise(LearningTask task, Tensor yTarget, Generator generator) =>
        task.Noise > 0
            ? yTarget + randn(yTarget.shape, dtype: yTarget.dtype, device: yTarget.device, generator: generator) * task.Noise
            : yTarget;

    /// <summary>The observed coordinates y_S [N, |S|] of task-domain points y [N, L] (conditional tasks).</summary>
    public static Tensor Observed(LearningTask task, Tensor y) =>
        y.index_select(1, MixtureDistribution.IndexTensor(task.Observed, y.device));
}
