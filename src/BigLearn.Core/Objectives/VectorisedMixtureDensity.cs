using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BigLearn.Core.Objectives;

/// <summary>
/// log Σ_k π_k N(x; μ_k, L_k L_kᵀ) of a full-covariance mixture at single points, four components at a time
/// (<see cref="Vector256{T}"/>, with an exp of its own). For the measurements that
/// only read θ: the ledger's J after every task evaluates 1,000 points against two 25-component mixtures, as much
/// arithmetic as ten training steps. Its exp is not the C library's to the last bit, so the training step, whose
/// results must not move, keeps <see cref="PreparedMixture"/>; the tests hold both (and libtorch) equal to 1e-12.
/// Components are stored lane-wise (structure of arrays) and padded to a multiple of four with empty ones
/// (log-weight −∞). Not thread-safe: one instance per owner.
/// </summary>
internal sealed class VectorisedMixtureDensity
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
    private int _d, _blocks;
    // _means[s][block], _inverse[r * d + s][block] (L_k⁻¹, lower part), _constants[block]: log π_k − log|L_k| − (d/2) log 2π.
    private Vector256<double>[] _means = [], _inverse = [], _constants = [], _exponents = [];

    /// <summary>
    /// Prepares the mixture with means [K·d], Cholesky factors [K·d·d] (row-major, lower) and log-weights [K].
    /// </summary>
    public void Prepare(ReadOnlySpan<double> means, ReadOnlySpan<double> scales, ReadOnlySpan<double> logWeights, int d)
    {
        int k = logWeights.Length;
        if (means.Length < k * d || scales.Length < k * d * d) throw new ArgumentException($"a {k}-component mixture in {d} dimensions needs {k * d} means and {k * d * d} scale entries");
        _d = d;
        _blocks = (k + Vector256<double>.Count - 1) / Vector256<double>.Count;
        int lanes = _blocks * Vector256<double>.Count;
        var mean = new double[d * lanes];
        var inverse = new double[d * d * lanes];
        var constant = new double[lanes];
        Array.Fill(constant, double.NegativeInfinity); // padding: components of weight 0
        var column = new double[d * d];
        for (int c = 0; c < k; c++)
        {
            var l = scales.Slice(c * d * d, d * d);
            Array.Clear(column);
            LowerTriangular.Invert(l, column, d);
            double logDet = 0;
            for (int r = 0; r < d; r++) logDet += Math.Log(l[r * d + r]);
            for (int s = 0; s < d; s++) mean[s * lanes + c] = means[c * d + s];
            for (int e = 0; e < d * d; e++) inverse[e * lanes + c] = column[e];
            constant[c] = logWeights[c] - logDet - d * HalfLog2Pi;
        }
        _means = Load(mean, d);
        _inverse = Load(inverse, d * d);
        _constants = Load(constant, 1);
        if (_exponents.Length != _blocks) _exponents = new Vector256<double>[_blocks];
    }

    private Vector256<double>[] Load(double[] values, int rows)
    {
        var vectors = new Vector256<double>[rows * _blocks];
        for (int i = 0; i < vectors.Length; i++) vectors[i] = Vector256.Create(values, i * Vector256<double>.Count);
        return vectors;
    }

    /// <summary>log p(x) at one point x [d].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LogDensity(ReadOnlySpan<double> x)
    {
        int d = _d, blocks = _blocks;
        var max = Vector256.Create(double.NegativeInfinity);
        var notANumber = Vector256<double>.Zero;
        var means = _means.AsSpan();
        var inverse = _inverse.AsSpan();
        Span<Vector256<double>> point = stackalloc Vector256<double>[d];
        for (int s = 0; s < d; s++) point[s] = Vector256.Create(x[s]);
        for (int b = 0; b < blocks; b++)
        {
            Vector256<double> squared;
            if (d == 2) // the paper's case, unrolled: u₀ = (L⁻¹)₀₀ δ₀, u₁ = (L⁻¹)₁₀ δ₀ + (L⁻¹)₁₁ δ₁
            {
                var first = point[0] - means[b];
                var second = point[1] - means[blocks + b];
                var u0 = inverse[b] * first;
                var u1 = inverse[2 * blocks + b] * first + inverse[3 * blocks + b] * second;
                squared = u0 * u0 + u1 * u1;
            }
            else
            {
                squared = Vector256<double>.Zero;
                for (int r = 0; r < d; r++)
                {
                    var value = Vector256<double>.Zero;
                    for (int s = 0; s <= r; s++)
                        value += inverse[(r * d + s) * blocks + b] * (point[s] - means[s * blocks + b]);
                    squared += value * value;
                }
            }
            var exponent = _constants[b] - 0.5 * squared;
            _exponents[b] = exponent;
            max = Vector256.Max(max, exponent);
            notANumber |= ~Vector256.Equals(exponent, exponent);
        }
        if (notANumber != Vector256<double>.Zero) return double.NaN;
        double top = Math.Max(Math.Max(max[0], max[1]), Math.Max(max[2], max[3]));
        if (double.IsNegativeInfinity(top)) return top; // every component at weight 0 
        var shift = Vector256.Create(top);
        var negligible = Vector256.Create(NegligibleExponent);
        var sum = Vector256<double>.Zero;
        for (int b = 0; b < blocks; b++)
        {
            var delta = _exponents[b] - shift;
            var kept = Vector256.GreaterThanOrEqual(delta, negligible);
            if (kept == Vector256<double>.Zero) continue; // a block whose every term is below e^−40 of the largest
            sum += Vector256.ConditionalSelect(kept, Exp(Vector256.Max(delta, negligible)), Vector256<double>.Zero);
        }
        return Math.Log(sum[0] + sum[1] + sum[2] + sum[3]) + top;
    }

    /// <summary>As in <see cref="PreparedMixture"/>: a term below e^−40 of the largest cannot change the sum.</summary>
    private const double NegligibleExponent = -40;

    /// <summary>
    /// e^x for x in [−40, 0], to within 2 ulp: x = n ln 2 + r with |r| ≤ ln2/2 (ln 2 split in two parts, so r is exact),
    /// e^r by its Taylor series to r¹³ (the next term is below 2⁻⁵³ e^r), and 2ⁿ put into the exponent bits. Four lanes in
    /// ~15 fused multiply-adds, several times cheaper than <see cref="Vector256.Exp(Vector256{double})"/> here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Exp(Vector256<double> x)
    {
        const double log2e = 1.4426950408889634, ln2High = 0.693147180369123816490, ln2Low = 1.90821492927058770002e-10;
        var n = Vector256.Round(x * log2e);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-ln2Low), r);
        var p = Vector256.Create(1.0 / 6227020800); // 1/13!
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 479001600));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        var scale = (Vector256.ConvertToInt64(n) + Vector256.Create(1023L)) << 52; // 2ⁿ, n in [−58, 0]
        return p * scale.AsDouble();
    }
}
