using System.Runtime.CompilerServices;
using BigLearn.Core.Mixtures;
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
/// The mathematics is the estimator's (PAPER.md §4.1): x_i = μ_{z_i} + L_{z_i} ε_i, y_i = A x_i,
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
internal sealed class DirectReverseKl
{
    private readonly PreparedMixture _model = new(), _target = new();
    private TargetMixture? _loadedTarget;
    private double[] _targetMeans = [], _targetScales = [], _targetLogWeights = [];
    private LearningTask? _targetPreparedFor; // the task the target's prepared form belongs to (joint: any)
    private double[] _modelScales = [], _direction = [];

    /// <summary>True when this class computes the task on this model (CPU, float64, joint or 1-D marginal).</summary>
    public static bool Supports(GaussianMixtureModel model, LearningTask task) =>
        model.Means.device_type == DeviceType.CPU && model.Means.dtype == ScalarType.Float64
        && (task.Kind == TaskKind.Joint || (task.Kind == TaskKind.Marginal && task.Target.Length == 1));

    /// <summary>
    /// The loss and its gradient with respect to the flat parameter vector <paramref name="theta"/> (the layout of
    /// <see cref="GaussianMixtureModel.GetParameterVector"/>: means, cholesky, weight logits). The logits' gradient
    /// is zero unless the weights are learnable.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Loss, double[] Gradient) LossAndGradient(GaussianMixtureModel model, TargetMixture target, LearningTask task,
        int samples, Generator generator, double[] theta)
    {
        int k = model.Components, d = model.Dim;
        if (theta.Length != k * d + k * d * d + k) throw new ArgumentException($"parameter vector has {theta.Length} numbers, expected {k * d + k * d * d + k}", nameof(theta));
        if (target.Dim != d) throw new ArgumentException($"target is {target.Dim}-dimensional, the model is {d}-dimensional", nameof(target));
        if (!Supports(model, task)) throw new ArgumentException($"{task} on this model needs the autograd path", nameof(task));
        var (z, noise) = Draw(model, samples, d, generator);
        bool joint = task.Kind == TaskKind.Joint;
        double sigma = task.Noise, extraVariance = sigma * sigma;
        var taskNoise = sigma > 0 ? DrawTaskNoise(samples, joint ? d : 1, generator) : null;

        int scalesAt = k * d, logitsAt = k * d + k * d * d;
        var means = theta.AsSpan(0, k * d);
        var logWeights = LogSoftmax(theta.AsSpan(logitsAt, k));
        if (_modelScales.Length != k * d * d) _modelScales = new double[k * d * d];
        var scales = _modelScales;
        for (int c = 0; c < k; c++)
            for (int r = 0; r < d; r++)
                for (int s = 0; s < d; s++)
                {
                    double raw = theta[scalesAt + (c * d + r) * d + s];
                    scales[(c * d + r) * d + s] = r > s ? raw : r == s ? Math.Exp(raw) : 0;
                }

        PrepareTarget(target, task);
        if (joint) _model.PrepareJoint(means, scales, logWeights, d, extraVariance);
        else _model.PrepareLine(_direction, means, scales, logWeights, d, extraVariance);

        var counts = new int[k];
        foreach (int c in z) counts[c]++;
        var gradient = new double[theta.Length];
        var perComponentSums = new double[k];
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

            double w = Math.Exp(logWeights[c]) / counts[c];
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
            using (NewDisposeScope())
            {
                var q = target.Distribution();
                _targetMeans = q.Means.cpu().contiguous().data<double>().ToArray();
                _targetScales = q.ScaleTril.cpu().contiguous().data<double>().ToArray();
                _targetLogWeights = q.LogWeights.cpu().contiguous().data<double>().ToArray();
            }
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

    private static double[] LogSoftmax(ReadOnlySpan<double> logits)
    {
        double lse = PreparedMixture.LogSumExp(logits);
        var result = new double[logits.Length];
        for (int c = 0; c < logits.Length; c++) result[c] = logits[c] - lse;
        return result;
    }

    /// <summary>
    /// One mixture in the form its log-density needs, for a joint task (means, inverse Cholesky factors L_k⁻¹ and
    /// the constants log π_k − log|L_k| − (d/2) log 2π) or a 1-D marginal (means a·μ_k, precisions 1/v_k with
    /// v_k = ‖L_kᵀ a‖², constants log π_k − ½ log v_k − ½ log 2π). Divisions and logarithms happen here, once per
    /// step, not once per sample and component.
    /// </summary>
    private sealed class PreparedMixture
    {
        private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
        private const double NegligibleExponent = -40;
        private int _k, _d;
        private double[] _constants = [], _means = [], _inverse = [], _exponents = [], _whitened = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PrepareJoint(ReadOnlySpan<double> means, double[] scales, double[] logWeights, int d, double extraVariance)
        {
            int k = logWeights.Length;
            Resize(k, d, k * d, k * d * d);
            if (extraVariance > 0) scales = WidenedScales(scales, k, d, extraVariance);
            means[..(k * d)].CopyTo(_means);
            Array.Clear(_inverse);
            for (int c = 0; c < k; c++)
            {
                double logDet = 0;
                int at = c * d * d;
                // Column s of L⁻¹ by forward substitution of L m = e_s (lower triangular).
                for (int s = 0; s < d; s++)
                    for (int r = s; r < d; r++)
                    {
                        double value = r == s ? 1 : 0;
                        for (int j = s; j < r; j++) value -= scales[at + r * d + j] * _inverse[at + j * d + s];
                        _inverse[at + r * d + s] = value / scales[at + r * d + r];
                    }
                for (int r = 0; r < d; r++) logDet += Math.Log(scales[at + r * d + r]);
                _constants[c] = logWeights[c] - logDet - d * HalfLog2Pi;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PrepareLine(double[] direction, ReadOnlySpan<double> means, double[] scales, double[] logWeights, int d, double extraVariance)
        {
            int k = logWeights.Length;
            Resize(k, d, k, k);
            for (int c = 0; c < k; c++)
            {
                double mean = 0, variance = 0;
                for (int r = 0; r < d; r++) mean += direction[r] * means[c * d + r];
                for (int s = 0; s < d; s++)
                {
                    double column = 0; // (L_cᵀ a)_s
                    for (int r = s; r < d; r++) column += scales[(c * d + r) * d + s] * direction[r];
                    variance += column * column;
                }
                variance += extraVariance;
                _means[c] = mean;
                _inverse[c] = 1 / variance;
                _constants[c] = logWeights[c] - 0.5 * Math.Log(variance) - HalfLog2Pi;
            }
        }

        /// <summary>The Cholesky factors of L_k L_kᵀ + <paramref name="extraVariance"/>·I, k = 1..K (a fresh array).</summary>
        private static double[] WidenedScales(double[] scales, int k, int d, double extraVariance)
        {
            var widened = new double[k * d * d];
            for (int c = 0; c < k; c++)
            {
                int at = c * d * d;
                for (int r = 0; r < d; r++)
                    for (int s = 0; s <= r; s++)
                    {
                        // (L Lᵀ)_rs + σ²δ_rs − Σ_{j<s} W_rj W_sj, the Cholesky–Banachiewicz recurrence.
                        double value = r == s ? extraVariance : 0;
                        for (int j = 0; j <= s; j++) value += scales[at + r * d + j] * scales[at + s * d + j];
                        for (int j = 0; j < s; j++) value -= widened[at + r * d + j] * widened[at + s * d + j];
                        widened[at + r * d + s] = r == s ? Math.Sqrt(value) : value / widened[at + s * d + s];
                    }
            }
            return widened;
        }

        /// <summary>log Σ_k π_k N(y; m_k, v_k) of the prepared 1-D mixture and its derivative in y.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double LineLogDensity(double y, out double derivative)
        {
            for (int c = 0; c < _k; c++)
            {
                double diff = y - _means[c];
                _exponents[c] = _constants[c] - 0.5 * diff * diff * _inverse[c];
            }
            double lse = Normalise(out double scale);
            derivative = 0;
            for (int c = 0; c < _k; c++) derivative -= _exponents[c] * (y - _means[c]) * _inverse[c];
            derivative *= scale;
            return lse;
        }

        /// <summary>
        /// log Σ_k π_k N(x; μ_k, L_k L_kᵀ) and its gradient −Σ_k r_k L_k⁻ᵀ u_k with u_k = L_k⁻¹(x − μ_k) and r_k the
        /// posterior responsibilities (written to <paramref name="slope"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double JointLogDensity(double[] x, double[] slope)
        {
            int d = _d;
            for (int c = 0; c < _k; c++)
            {
                int at = c * d * d;
                double squared = 0;
                for (int r = 0; r < d; r++)
                {
                    double value = 0;
                    for (int s = 0; s <= r; s++) value += _inverse[at + r * d + s] * (x[s] - _means[c * d + s]);
                    _whitened[c * d + r] = value;
                    squared += value * value;
                }
                _exponents[c] = _constants[c] - 0.5 * squared;
            }
            double lse = Normalise(out double scale);
            Array.Clear(slope, 0, d);
            for (int c = 0; c < _k; c++)
            {
                double weight = _exponents[c] * scale;
                if (weight == 0) continue;
                int at = c * d * d;
                for (int s = 0; s < d; s++)
                {
                    double value = 0; // (L⁻ᵀ u)_s = Σ_{r ≥ s} (L⁻¹)_{rs} u_r
                    for (int r = s; r < d; r++) value += _inverse[at + r * d + s] * _whitened[c * d + r];
                    slope[s] -= weight * value;
                }
            }
            return lse;
        }

        /// <summary>
        /// log Σ exp of the exponents, as libtorch's logsumexp computes it (an infinite maximum is replaced by 0,
        /// NaN propagates); the exponents are overwritten by exp(a_k − max) and <paramref name="scale"/> is
        /// 1 / Σ exp(a_k − max), so that exponent·scale is the responsibility r_k (one exp per component).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Normalise(out double scale)
        {
            var values = _exponents.AsSpan(0, _k);
            double max = double.NegativeInfinity;
            foreach (double v in values) max = Math.Max(max, v); // Math.Max propagates NaN
            if (double.IsInfinity(max)) max = 0;
            double sum = 0;
            for (int c = 0; c < values.Length; c++)
            {
                double delta = values[c] - max;
                // e^−40 < 2⁻⁵⁴: such a term cannot change a sum that holds the maximum's 1 (beyond its last bit), and
                // skipping it avoids the exp call and, near e^−708, slow subnormal arithmetic.
                values[c] = delta < NegligibleExponent ? 0 : Math.Exp(delta);
                sum += values[c];
            }
            scale = 1 / sum;
            return Math.Log(sum) + max;
        }

        /// <summary>log Σ exp(values), the same rule as <see cref="Normalise"/>.</summary>
        public static double LogSumExp(ReadOnlySpan<double> values)
        {
            double max = double.NegativeInfinity;
            foreach (double v in values) max = Math.Max(max, v);
            if (double.IsInfinity(max)) max = 0;
            double sum = 0;
            foreach (double v in values) sum += Math.Exp(v - max);
            return Math.Log(sum) + max;
        }

        private void Resize(int k, int d, int means, int inverse)
        {
            _k = k;
            _d = d;
            if (_constants.Length != k) _constants = new double[k];
            if (_exponents.Length != k) _exponents = new double[k];
            if (_means.Length != means) _means = new double[means];
            if (_inverse.Length != inverse) _inverse = new double[inverse];
            if (_whitened.Length != k * d) _whitened = new double[k * d];
        }
    }
}
