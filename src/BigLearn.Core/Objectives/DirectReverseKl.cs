using System.Runtime.CompilerServices;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>
/// The reverse-KL estimator of <see cref="ReverseKlObjective"/> for joint and one-dimensional marginal tasks,
/// with its exact gradient written out by hand and computed in plain double arithmetic on the CPU.
/// <para>
/// Why: at the paper's size (25 components, 2-D, 100 samples) a step is a few thousand multiply-adds, while
/// every libtorch operation costs 10–30 µs of dispatch; the autograd version spends ~99 % of its time on
/// overhead. Here only the random draws go through libtorch (the same calls as
/// <see cref="MixtureDistribution.Sample"/>, so the same generator gives the same z and ε), the rest is loops.
/// </para>
/// <para>
/// The mathematics is the estimator's (docs/science.md §4.1): x_i = μ_{z_i} + L_{z_i} ε_i, y_i = A x_i,
/// ℓ_i = log p̄(y_i,T) − log q(y_i,T) with p̄ detached, loss = Σ_k π_k · mean_{i: z_i = k} ℓ_i
/// = Σ_i w_i ℓ_i with w_i = π_{z_i} / n_{z_i}. Its gradient: g_i = w_i ∂ℓ_i/∂x_i, ∂/∂μ_k = Σ_{z_i = k} g_i,
/// ∂/∂L_k = Σ_{z_i = k} g_i ε_iᵀ (lower part; the diagonal parameter is log L_rr, so times L_rr), and for
/// learnable logits ∂/∂a_j = π_j (mean_j ℓ − loss).
/// Joint tasks are evaluated at x itself: for any invertible A, log p̄_A(Ax) − log q_A(Ax) = log p̄(x) − log q(x)
/// (the Jacobians cancel). A 1-D marginal y = a·x (a = row T of A, or a unit vector) has per component the
/// mean a·μ_k and the variance ‖L_kᵀ a‖², in closed form.
/// </para>
/// <para>
/// A noisy task (σ = <see cref="LearningTask.Noise"/> &gt; 0) draws ξ [N, |T|] after z and ε, as
/// <see cref="TaskProjection.AddNoise"/> does, evaluates at y_T + σξ, and widens both mixtures by σ²: each 1-D variance
/// by σ², each joint covariance to L_k L_kᵀ + σ²I (refactorised here). A joint task evaluated at x takes the noise
/// back to the data domain, x + σAᵀξ, which leaves the log-ratio unchanged because the noise is isotropic. ξ does not
/// depend on θ, so the gradient formulas above hold with ∂ℓ_i/∂x_i taken at the noisy point.
/// </para>
/// The hot loops are compiled fully optimised from their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// under tiered compilation on a busy machine they otherwise run unoptimised for the first thousands of steps.
/// Not thread-safe (scratch buffers are reused); one instance per trainer.
/// </summary>
internal sealed partial class DirectReverseKl
{
    private readonly PreparedMixture _model = new(), _target = new();
    private TargetMixture? _loadedTarget;
    private double[] _targetMeans = [], _targetScales = [], _targetLogWeights = [];
    private LearningTask? _targetPreparedFor; // the task the target's prepared form belongs to (joint: any)
    private double[] _modelScales = [], _direction = [];
    private int[] _z = [];
    private double[] _noise = [], _taskNoise = [], _cumulative = [];

    /// <summary>True when this class computes the task on this model (CPU, float64, joint or 1-D marginal).</summary>
    public static bool Supports(GaussianMixtureModel model, LearningTask task) =>
        model.OnCpu // and float64: the model always is
        && (task.Kind == TaskKind.Joint || (task.Kind == TaskKind.Marginal && task.Target.Length == 1));

    /// <summary>
    /// The loss and its gradient with respect to the flat parameter vector <paramref name="theta"/> (the layout of
    /// <see cref="GaussianMixtureModel.GetParameterVector"/>: means, cholesky, weight logits). The logits' gradient
    /// is zero unless the weights are learnable. The draws come from libtorch's <paramref name="generator"/>.
    /// </summary>
    public (double Loss, double[] Gradient) LossAndGradient(GaussianMixtureModel model, TargetMixture target, LearningTask task,
        int samples, Generator generator, double[] theta)
    {
        Check(model, target, task, theta);
        int d = model.Dim;
        var (z, noise) = Draw(model, samples, d, generator);
        var taskNoise = task.Noise > 0 ? DrawTaskNoise(samples, task.Kind == TaskKind.Joint ? d : 1, generator) : null;
        return LossAndGradient(model, target, task, samples, z, noise, taskNoise, theta);
    }

    /// <summary>
    /// True when <see cref="LossAndGradient(GaussianMixtureModel, TargetMixture, LearningTask, int, TorchCpuGenerator, double[], double[])"/>
    /// can draw this task's numbers as libtorch would: fixed weights (their probabilities are read once per task) and at
    /// least <see cref="TorchCpuGenerator.BlockSize"/> normal draws per call (fewer take another algorithm in libtorch).
    /// </summary>
    public static bool SupportsOwnDraws(GaussianMixtureModel model, LearningTask task, int samples) =>
        Supports(model, task) && !model.LearnableWeights
        && (long)samples * model.Dim >= TorchCpuGenerator.BlockSize
        && (task.Noise == 0 || (long)samples * (task.Kind == TaskKind.Joint ? model.Dim : 1) >= TorchCpuGenerator.BlockSize);

    /// <summary>
    /// The same loss and gradient, drawing from <paramref name="generator"/> (libtorch's CPU generator re-implemented:
    /// the same seed gives the same numbers as the overload above, without a libtorch call). <paramref name="probabilities"/>
    /// are the model's fixed weights as libtorch computes them (exp of the log-softmax of the logits).
    /// </summary>
    public (double Loss, double[] Gradient) LossAndGradient(GaussianMixtureModel model, TargetMixture target, LearningTask task,
        int samples, TorchCpuGenerator generator, double[] probabilities, double[] theta)
    {
        Check(model, target, task, theta);
        if (!SupportsOwnDraws(model, task, samples)) throw new ArgumentException($"{task} with {samples} samples needs libtorch's draws", nameof(task));
        int d = model.Dim;
        if (_z.Length != samples) _z = new int[samples];
        if (_noise.Length != samples * d) _noise = new double[samples * d];
        if (_cumulative.Length != model.Components) _cumulative = new double[model.Components];
        generator.Multinomial(probabilities, _z, _cumulative);
        generator.FillNormal(_noise);
        double[]? taskNoise = null;
        if (task.Noise > 0)
        {
            int t = task.Kind == TaskKind.Joint ? d : 1;
            if (_taskNoise.Length != samples * t) _taskNoise = new double[samples * t];
            generator.FillNormal(_taskNoise);
            taskNoise = _taskNoise;
        }
        return LossAndGradient(model, target, task, samples, _z, _noise, taskNoise, theta);
    }

    private static void Check(GaussianMixtureModel model, TargetMixture target, LearningTask task, double[] theta)
    {
        int k = model.Components, d = model.Dim;
        if (theta.Length != k * d + k * d * d + k) throw new ArgumentException($"parameter vector has {theta.Length} numbers, expected {k * d + k * d * d + k}", nameof(theta));
        if (target.Dim != d) throw new ArgumentException($"target is {target.Dim}-dimensional, the model is {d}-dimensional", nameof(target));
        if (!Supports(model, task)) throw new ArgumentException($"{task} on this model needs the autograd path", nameof(task));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double Loss, double[] Gradient) LossAndGradient(GaussianMixtureModel model, TargetMixture target, LearningTask task,
        int samples, int[] z, double[] noise, double[]? taskNoise, double[] theta)
    {
        int k = model.Components, d = model.Dim;
        bool joint = task.Kind == TaskKind.Joint;
        double sigma = task.Noise, extraVariance = sigma * sigma;

        int scalesAt = k * d, logitsAt = k * d + k * d * d;
        var means = theta.AsSpan(0, k * d);
        var logWeights = MixtureNumbers.LogWeightsOf(theta, k, d);
        if (_modelScales.Length != k * d * d) _modelScales = new double[k * d * d];
        var scales = _modelScales;
        MixtureNumbers.ScalesOf(theta, k, d, scales);

        PrepareTarget(target, task);
        if (joint) _model.PrepareJoint(means, scales, logWeights, d, extraVariance);
        else _model.PrepareLine(_direction, means, scales, logWeights, d, extraVariance);

        var counts = new int[k];
        foreach (int c in z) counts[c]++;
        var gradient = new double[theta.Length];
        var perComponentSums = new double[k];
        var sampleWeights = new double[k]; // w_i = π_{z_i} / n_{z_i}, once per component
        for (int c = 0; c < k; c++) if (counts[c] > 0) sampleWeights[c] = Math.Exp(logWeights[c]) / counts[c];
        var x = new double[d];
        var slope = new double[d];
        var slopeTarget = new double[d];
        double loss = 0;
        for (int i = 0; i < samples; i++)
        {
            int c = z[i];
            for (int r = 0; r < d; r++)
            {
                double value = means[c * d + r];
                for (int s = 0; s <= r; s++) value += scales[(c * d + r) * d + s] * noise[i * d + s];
                x[r] = value;
            }

            double logRatio;
            if (joint)
            {
                if (taskNoise is not null) AddJointNoise(x, taskNoise, i, sigma, task.Transform);
                logRatio = _model.JointLogDensity(x, slope) - _target.JointLogDensity(x, slopeTarget);
                for (int r = 0; r < d; r++) slope[r] -= slopeTarget[r];
            }
            else
            {
                double y = 0;
                for (int r = 0; r < d; r++) y += _direction[r] * x[r];
                if (taskNoise is not null) y += sigma * taskNoise[i];
                logRatio = _model.LineLogDensity(y, out double dModel) - _target.LineLogDensity(y, out double dTarget);
                for (int r = 0; r < d; r++) slope[r] = (dModel - dTarget) * _direction[r];
            }

            double w = sampleWeights[c];
            loss += w * logRatio;
            perComponentSums[c] += logRatio;
            for (int r = 0; r < d; r++)
            {
                double g = w * slope[r];
                gradient[c * d + r] += g;
                for (int s = 0; s <= r; s++) gradient[scalesAt + (c * d + r) * d + s] += g * noise[i * d + s];
            }
        }

        // The diagonal parameter is log L_rr: chain rule through exp.
        for (int c = 0; c < k; c++)
            for (int r = 0; r < d; r++)
                gradient[scalesAt + (c * d + r) * d + r] *= scales[(c * d + r) * d + r];
        if (model.LearnableWeights)
            for (int c = 0; c < k; c++)
            {
                double mean = counts[c] == 0 ? 0 : perComponentSums[c] / counts[c];
                gradient[logitsAt + c] = Math.Exp(logWeights[c]) * (mean - loss);
            }
        return (loss, gradient);
    }

    /// <summary>z [N] and ε [N·d] with the same libtorch calls, in the same order, as <see cref="MixtureDistribution.Sample"/>.</summary>
    private static (int[] Components, double[] Noise) Draw(GaussianMixtureModel model, int samples, int d, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (components, noise) = MixtureDistribution.DrawLatents(model.LogWeights(), samples, d, generator);
        var drawn = components.data<long>().ToArray();
        var z = new int[drawn.Length];
        for (int i = 0; i < drawn.Length; i++) z[i] = checked((int)drawn[i]);
        return (z, noise.data<double>().ToArray());
    }

    /// <summary>ξ [N, t] with the call of <see cref="TaskProjection.AddNoise"/>, so that both paths draw the same numbers.</summary>
    private static double[] DrawTaskNoise(int samples, int t, Generator generator)
    {
        using var scope = NewDisposeScope();
        return randn([samples, t], dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
    }

    /// <summary>x ← x + σAᵀξ_i (x + σξ_i without a transform): the task-domain noise taken back to the data domain.</summary>
    private static void AddJointNoise(double[] x, double[] taskNoise, int i, double sigma, OrthogonalTransform? transform)
    {
        int d = x.Length;
        for (int r = 0; r < d; r++)
        {
            double value = 0;
            if (transform is null) value = taskNoise[i * d + r];
            else for (int j = 0; j < d; j++) value += transform[j, r] * taskNoise[i * d + j];
            x[r] += sigma * value;
        }
    }

    /// <summary>
    /// The task's direction a (1-D marginals) and the target in the task's form. A <see cref="TargetMixture"/> never
    /// changes, so its tensors are read once and its prepared form is kept while the task stays the same.
    /// </summary>
    private void PrepareTarget(TargetMixture target, LearningTask task)
    {
        int d = target.Dim;
        if (!ReferenceEquals(target, _loadedTarget))
        {
            var q = MixtureNumbers.Read(target.Distribution());
            (_targetMeans, _targetScales, _targetLogWeights) = (q.Means, q.Scales, q.LogWeights);
            _loadedTarget = target;
            _targetPreparedFor = null;
        }
        if (task.Kind == TaskKind.Joint)
        {
            if (_targetPreparedFor?.Kind != TaskKind.Joint || _targetPreparedFor.Noise != task.Noise)
                _target.PrepareJoint(_targetMeans, _targetScales, _targetLogWeights, d, task.Noise * task.Noise);
        }
        else
        {
            if (_direction.Length != d) _direction = new double[d];
            int row = task.Target[0];
            for (int j = 0; j < d; j++) _direction[j] = task.Transform is null ? (j == row ? 1 : 0) : task.Transform[row, j];
            if (!ReferenceEquals(_targetPreparedFor, task)) _target.PrepareLine(_direction, _targetMeans, _targetScales, _targetLogWeights, d, task.Noise * task.Noise);
        }
        _targetPreparedFor = task;
    }
}
