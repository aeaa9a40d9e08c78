using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BigLearn.Core.Objectives;

/// <summary>
/// One mixture in the form its log-density needs, for a joint task (means, inverse Cholesky factors L_k⁻¹ and
/// the constants log π_k − log|L_k| − (d/2) log 2π) or a 1-D marginal (means a·μ_k, precisions 1/v_k with
/// v_k = ‖L_kᵀ a‖², constants log π_k − ½ log v_k − ½ log 2π). Divisions and logarithms happen here, once per
/// step, not once per sample and component.
/// </summary>
internal sealed class PreparedMixture
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
            LowerTriangular.Invert(scales.AsSpan(at, d * d), _inverse.AsSpan(at, d * d), d);
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
    /// <remarks>The hot loop of a marginal step (two calls per sample), in two passes: the exponents and their maximum,
    /// then the exponentials with their sum and the derivative's sum, each accumulated in component order. Array reads
    /// skip bounds checks. The arithmetic, and so every bit of the result, is that of
    /// three passes (exponents, <see cref="Normalise"/>, derivative).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LineLogDensity(double y, out double derivative)
    {
        int k = _k;
        ref double means = ref MemoryMarshal.GetArrayDataReference(_means);
        ref double inverse = ref MemoryMarshal.GetArrayDataReference(_inverse);
        ref double constants = ref MemoryMarshal.GetArrayDataReference(_constants);
        ref double exponents = ref MemoryMarshal.GetArrayDataReference(_exponents);
        double max = double.NegativeInfinity;
        for (int c = 0; c < k; c++)
        {
            double diff = y - Unsafe.Add(ref means, c);
            double exponent = Unsafe.Add(ref constants, c) - 0.5 * diff * diff * Unsafe.Add(ref inverse, c);
            Unsafe.Add(ref exponents, c) = exponent;
            max = Math.Max(max, exponent); // Math.Max propagates NaN
        }
        if (double.IsInfinity(max)) max = 0;
        double sum = 0, slope = 0;
        for (int c = 0; c < k; c++)
        {
            double delta = Unsafe.Add(ref exponents, c) - max;
            double value = delta < NegligibleExponent ? 0 : Math.Exp(delta); // as Normalise
            sum += value;
            slope -= value * (y - Unsafe.Add(ref means, c)) * Unsafe.Add(ref inverse, c);
        }
        double scale = 1 / sum;
        derivative = slope * scale;
        return Math.Log(sum) + max;
    }

    /// <summary>
    /// log Σ_k π_k N(x; μ_k, L_k L_kᵀ) and its gradient −Σ_k r_k L_k⁻ᵀ u_k with u_k = L_k⁻¹(x − μ_k) and r_k the
    /// posterior responsibilities (written to <paramref name="slope"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double JointLogDensity(double[] x, double[] slope)
    {
        int d = _d, k = _k;
        ref double means = ref MemoryMarshal.GetArrayDataReference(_means);
        ref double inverse = ref MemoryMarshal.GetArrayDataReference(_inverse);
        ref double whitened = ref MemoryMarshal.GetArrayDataReference(_whitened);
        ref double exponents = ref MemoryMarshal.GetArrayDataReference(_exponents);
        ref double point = ref MemoryMarshal.GetArrayDataReference(x);
        double max = double.NegativeInfinity;
        for (int c = 0; c < k; c++)
        {
            int at = c * d * d;
            double squared = 0;
            for (int r = 0; r < d; r++)
            {
                double value = 0;
                for (int s = 0; s <= r; s++) value += Unsafe.Add(ref inverse, at + r * d + s) * (Unsafe.Add(ref point, s) - Unsafe.Add(ref means, c * d + s));
                Unsafe.Add(ref whitened, c * d + r) = value;
                squared += value * value;
            }
            double exponent = _constants[c] - 0.5 * squared;
            Unsafe.Add(ref exponents, c) = exponent;
            max = Math.Max(max, exponent); // Math.Max propagates NaN
        }
        double lse = Normalise(ref exponents, k, max, out double scale);
        Array.Clear(slope, 0, d);
        for (int c = 0; c < k; c++)
        {
            double weight = Unsafe.Add(ref exponents, c) * scale;
            if (weight == 0) continue;
            int at = c * d * d;
            for (int s = 0; s < d; s++)
            {
                double value = 0; // (L⁻ᵀ u)_s = Σ_{r ≥ s} (L⁻¹)_{rs} u_r
                for (int r = s; r < d; r++) value += Unsafe.Add(ref inverse, at + r * d + s) * Unsafe.Add(ref whitened, c * d + r);
                slope[s] -= weight * value;
            }
        }
        return lse;
    }

    /// <summary>
    /// log Σ exp of the first <paramref name="k"/> exponents, whose maximum is <paramref name="max"/>, as libtorch's
    /// logsumexp computes it (an infinite maximum is replaced by 0,
    /// NaN propagates); the exponents are overwritten by exp(a_k − max) and <paramref name="scale"/> is
    /// 1 / Σ exp(a_k − max), so that exponent·scale is the responsibility r_k (one exp per component).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Normalise(ref double exponents, int k, double max, out double scale)
    {
        if (double.IsInfinity(max)) max = 0;
        double sum = 0;
        for (int c = 0; c < k; c++)
        {
            ref double value = ref Unsafe.Add(ref exponents, c);
            double delta = value - max;
            // e^−40 < 2⁻⁵⁴: such a term cannot change a sum that holds the maximum's 1 (beyond its last bit), and
            // skipping it avoids the exp call and, near e^−708, slow subnormal arithmetic.
            value = delta < NegligibleExponent ? 0 : Math.Exp(delta);
            sum += value;
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
