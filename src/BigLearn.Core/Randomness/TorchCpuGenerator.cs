using System.Runtime.CompilerServices;

namespace BigLearn.Core.Randomness;

/// <summary>
/// libtorch's CPU random generator, re-implemented so that the small-model path can draw the numbers a
/// <c>torch.Generator</c> with the same seed would give, without one libtorch call per draw (each costs 5–20 µs of
/// dispatch; a 25-GMM step needs three). Only the two draws that path needs are here, each following libtorch's CPU
/// kernel step for step:
/// <list type="bullet">
/// <item>the engine: MT19937 seeded with the low 32 bits of the seed (<c>manual_seed</c>); a double uses two 32-bit
/// outputs, the first as the high word, and keeps the low 53 bits of the pair, times 2⁻⁵³;</item>
/// <item><see cref="Multinomial"/> with replacement: the running sum of the probabilities divided by their total, the
/// last entry set to 1, then per sample one uniform double and the first index whose cumulative value is not below it
/// (a binary search);</item>
/// <item><see cref="FillNormal"/> for 16 or more float64 numbers: all uniforms first, then Box–Muller in blocks of
/// 16 (u₁ = 1 − U[j], u₂ = U[j + 8]; r cos 2πu₂ to slot j, r sin 2πu₂ to slot j + 8), and, when the count is not a
/// multiple of 16, 16 fresh uniforms for the last 16 slots, transformed the same way.</item>
/// </list>
/// The tests compare every draw with libtorch's own, bit for bit, over many seeds and sizes. Not thread-safe.
/// </summary>
public sealed class TorchCpuGenerator
{
    private const int StateSize = 624, Shift = 397;
    private readonly uint[] _state = new uint[StateSize];
    private int _next = StateSize;

    /// <summary>The generator <c>torch.Generator().manual_seed(seed)</c> on the CPU would be.</summary>
    public TorchCpuGenerator(ulong seed)
    {
        _state[0] = unchecked((uint)seed);
        for (uint j = 1; j < StateSize; j++)
            _state[j] = unchecked(1812433253u * (_state[j - 1] ^ (_state[j - 1] >> 30)) + j);
    }

    /// <summary>The next 32-bit output of the engine (MT19937, tempered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_next >= StateSize) Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform double in [0, 1) as libtorch draws it: 53 bits of two outputs (first the high word).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble()
    {
        ulong high = NextUInt32(), low = NextUInt32();
        return ((high << 32 | low) & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// <paramref name="result"/>.Length draws with replacement from the (unnormalised, non-negative, finite, not all
    /// zero) <paramref name="probabilities"/>, as <c>torch.multinomial(p, n, replacement: true)</c> gives them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Multinomial(ReadOnlySpan<double> probabilities, Span<int> result, Span<double> cumulative)
    {
        int n = probabilities.Length;
        if (n == 0 || cumulative.Length < n) throw new ArgumentException($"{n} categories need a non-empty scratch of at least that size");
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            double p = probabilities[j];
            if (!(p >= 0) || !double.IsFinite(p)) throw new ArgumentException($"probability {j} is {p}: multinomial needs finite, non-negative entries", nameof(probabilities));
            sum += p;
            cumulative[j] = sum;
        }
        if (!(sum > 0)) throw new ArgumentException("the probabilities sum to 0", nameof(probabilities));
        for (int j = 0; j < n; j++) cumulative[j] /= sum;
        cumulative[n - 1] = 1;
        for (int i = 0; i < result.Length; i++)
        {
            double u = NextDouble();
            int left = 0, right = n;
            while (right > left)
            {
                int mid = left + (right - left) / 2;
                if (cumulative[mid] < u) left = mid + 1;
                else right = mid;
            }
            result[i] = left;
        }
    }

    /// <summary>
    /// Fills <paramref name="values"/> (at least 16 numbers: below that libtorch takes another algorithm) with standard
    /// normal draws, as <c>torch.randn</c> of that many float64 numbers gives them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillNormal(Span<double> values)
    {
        if (values.Length < BlockSize)
            throw new ArgumentException($"{values.Length} normal draws: libtorch draws fewer than {BlockSize} another way", nameof(values));
        for (int i = 0; i < values.Length; i++) values[i] = NextDouble();
        for (int i = 0; i + BlockSize <= values.Length; i += BlockSize) BoxMuller(values.Slice(i, BlockSize));
        if (values.Length % BlockSize != 0)
        {
            var last = values[^BlockSize..];
            for (int i = 0; i < BlockSize; i++) last[i] = NextDouble();
            BoxMuller(last);
        }
    }

    /// <summary>The smallest count <see cref="FillNormal"/> draws.</summary>
    public const int BlockSize = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BoxMuller(Span<double> block)
    {
        for (int j = 0; j < BlockSize / 2; j++)
        {
            double u1 = 1 - block[j]; // [0, 1) → (0, 1] for the logarithm
            double u2 = block[j + BlockSize / 2];
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
            block[j] = radius * cos;
            block[j + BlockSize / 2] = radius * sin;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Twist()
    {
        var state = _state;
        int k = 0;
        for (; k < StateSize - Shift; k++) state[k] = state[k + Shift] ^ Mix(state[k], state[k + 1]);
        for (; k < StateSize - 1; k++) state[k] = state[k + Shift - StateSize] ^ Mix(state[k], state[k + 1]);
        state[StateSize - 1] = state[Shift - 1] ^ Mix(state[StateSize - 1], state[0]);
        _next = 0;
    }

    /// <summary>The twist of MT19937: the upper bit of one word and the lower 31 of the next, shifted, xor the matrix when odd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint upper, uint lower)
    {
        uint y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
        return (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
    }
}
