using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests;

/// <summary>The re-implemented generator against libtorch's own draws (the independent values), bit for bit.</summary>
public class TorchCpuGeneratorTests
{
    public TorchCpuGeneratorTests() => TorchRuntime.Configure(threads: 1);

    public static TheoryData<long> Seeds => new() { 0, 1, 888, 5079, -7, long.MaxValue, 0x1_0000_0003L };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Uniform_doubles_equal_libtorchs_over_more_than_one_state_refill(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var expected = rand(1500, dtype: ScalarType.Float64, generator: generator).data<double>().ToArray(); // 3,000 outputs: 4 refills
        var ours = new TorchCpuGenerator(unchecked((ulong)seed));
        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(_ => ours.NextDouble()));
    }

    [Theory]
    [InlineData(888, 16)]
    [InlineData(888, 100)] // 100 % 16 = 4: the last 16 are redrawn
    [InlineData(5079, 200)]
    [InlineData(3, 17)]
    [InlineData(-1, 4096)]
    public void Normal_draws_equal_libtorchs_randn(long seed, int count)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var expected = randn(count, dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
        var ours = new double[count];
        new TorchCpuGenerator(unchecked((ulong)seed)).FillNormal(ours);
        Assert.Equal(expected, ours);
        Assert.InRange(ours.Average(), -4 / Math.Sqrt(count), 4 / Math.Sqrt(count)); // and they are standard normal draws
    }

    [Theory]
    [InlineData(888, 25, 100, false)]
    [InlineData(42, 7, 1000, true)]
    [InlineData(9, 1, 5, false)]
    public void Multinomial_draws_equal_libtorchs_and_the_stream_continues_identically(long seed, int categories, int samples, bool skewed)
    {
        // The 25-GMM's weights: exp(log_softmax(0)) as libtorch computes them; a skewed vector with a zero entry too.
        using var scope = NewDisposeScope();
        var probabilities = skewed
            ? tensor(Enumerable.Range(0, categories).Select(i => i == 3 ? 0.0 : (i + 1) * 0.37).ToArray(), dtype: ScalarType.Float64)
            : zeros(categories, dtype: ScalarType.Float64).log_softmax(0).exp();
        using var generator = new Generator(unchecked((ulong)seed));
        var expected = multinomial(probabilities, samples, replacement: true, generator: generator).data<long>().ToArray();
        var thenNormal = randn(64, dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();

        var ours = new TorchCpuGenerator(unchecked((ulong)seed));
        var drawn = new int[samples];
        ours.Multinomial(probabilities.data<double>().ToArray(), drawn, new double[categories]);
        var normal = new double[64];
        ours.FillNormal(normal);
        Assert.Equal(expected.Select(v => (int)v), drawn);
        Assert.Equal(thenNormal, normal);
        if (skewed) Assert.DoesNotContain(3, drawn);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_what_was_wrong()
    {
        var generator = new TorchCpuGenerator(1);
        Assert.Contains("15 normal draws", Assert.Throws<ArgumentException>(() => generator.FillNormal(new double[15])).Message);
        Assert.Contains("probability 1 is -1", Assert.Throws<ArgumentException>(() => generator.Multinomial([1, -1], new int[3], new double[2])).Message);
        Assert.Contains("sum to 0", Assert.Throws<ArgumentException>(() => generator.Multinomial([0, 0], new int[3], new double[2])).Message);
    }
}
