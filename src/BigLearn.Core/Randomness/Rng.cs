namespace BigLearn.Core.Randomness;

/// <summary>
/// A small, seedable random stream (xoshiro256**) whose whole state is four numbers, so that agents'
/// streams can be derived from (experiment seed, stream id), compared, checkpointed and restored exactly.
/// Not thread-safe: each owner (agent, trainer) holds its own.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>A stream seeded from one number (expanded with SplitMix64).</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Rng(RngState state) => Restore(state);

    /// <summary>
    /// The stream for one owner within an experiment: distinct (seed, stream) pairs give independent-looking
    /// streams, and the same pair always gives the same stream.
    /// </summary>
    public static Rng ForStream(long experimentSeed, long streamId)
    {
        ulong x = unchecked((ulong)experimentSeed * 0x9E3779B97F4A7C15UL) ^ unchecked((ulong)streamId + 0xD1B54A32D192ED03UL);
        return new Rng(SplitMix64(ref x) ^ unchecked((ulong)streamId * 0xBF58476D1CE4E5B9UL));
    }

    /// <summary>
    /// An index drawn with probability weights[i] / Σ weights, from one uniform: the first i whose running sum exceeds
    /// u·Σ weights (the last index when rounding leaves u at the total). Weights must be finite and ≥ 0, one at least above 0.
    /// </summary>
    public int NextIndex(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double total = 0;
        for (int i = 0; i < weights.Count; i++) total += weights[i];
        double u = NextDouble() * total, cumulative = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            cumulative += weights[i];
            if (u < cumulative) return i;
        }
        return weights.Count - 1;
    }

    /// <summary>Rebuilds a stream from a saved state.</summary>
    public static Rng FromState(RngState state) => new(state);

    /// <summary>The whole state of the stream (a value: saving it does not advance the stream).</summary>
    public RngState State => new(_s0, _s1, _s2, _s3, _spareGaussian);

    /// <summary>Sets the stream to a saved state.</summary>
    public void Restore(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0) throw new ArgumentException("an all-zero xoshiro state is invalid", nameof(state));
        (_s0, _s1, _s2, _s3, _spareGaussian) = (state.S0, state.S1, state.S2, state.S3, state.SpareGaussian);
    }

    /// <summary>A new stream split off this one (advances this one by one draw).</summary>
    public Rng Split() => new(NextUInt64());

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A seed for another generator (TorchSharp's, for example): 63 random bits.</summary>
    public long NextSeed() => (long)(NextUInt64() >> 1);

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer on [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>Uniform integer on [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public int NextInt(int minInclusive, int maxInclusive)
    {
        if (maxInclusive < minInclusive) throw new ArgumentOutOfRangeException(nameof(maxInclusive), maxInclusive, $"must be at least {minInclusive}");
        return minInclusive + NextInt(maxInclusive - minInclusive + 1);
    }

    /// <summary>Standard normal (Marsaglia's polar method; the spare value is part of the state).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }

    /// <summary>A uniformly random k-subset of {0..n-1}, sorted ascending (partial Fisher–Yates).</summary>
    public int[] Subset(int n, int k)
    {
        if (k < 0 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"must be in [0, {n}]");
        var pool = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < k; i++)
        {
            int j = i + NextInt(n - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        var subset = pool[..k];
        Array.Sort(subset);
        return subset;
    }

    /// <summary>A uniformly random permutation of {0..n-1}.</summary>
    public int[] Permutation(int n)
    {
        var pool = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The complete, serialisable state of an <see cref="Rng"/>.</summary>
public sealed record RngState(ulong S0, ulong S1, ulong S2, ulong S3, double? SpareGaussian);
