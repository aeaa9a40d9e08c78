using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Objectives;

[Collection(TorchCollection.Name)]
public class VectorisedMixtureDensityTests
{
    public VectorisedMixtureDensityTests() => TorchRuntime.Configure(threads: 1);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 25)] // 25 = 6 blocks of 4 and one padded block
    [InlineData(3, 6)]
    [InlineData(5, 9)]
    public void Log_densities_equal_libtorchs_at_points_near_and_far_from_the_components(int d, int k)
    {
        using var scope = NewDisposeScope();
        using var model = new GaussianMixtureModel(d, k, seed: 5, initialMean: 0, initialSpread: 3);
        var rng = new Rng(7);
        var theta = model.GetParameterVector();
        for (int i = k * d; i < theta.Length; i++) theta[i] = 0.4 * rng.NextGaussian(); // random factors and weights
        using var weighted = new GaussianMixtureModel(d, k, seed: 5, learnableWeights: true, initialMean: 0, initialSpread: 3);
        weighted.SetParameterVector(theta);
        var p = weighted.Distribution();
        var points = new double[40 * d];
        for (int i = 0; i < points.Length; i++) points[i] = (i < 20 * d ? 1 : 12) * rng.NextGaussian(); // far points: exponents near −1000
        var expected = p.LogDensity(tensor(points, [40, d], dtype: ScalarType.Float64)).data<double>().ToArray();

        var density = new VectorisedMixtureDensity();
        density.Prepare(p.Means.contiguous().data<double>().ToArray(), p.ScaleTril.contiguous().data<double>().ToArray(),
            p.LogWeights.contiguous().data<double>().ToArray(), d);
        for (int i = 0; i < 40; i++)
        {
            double ours = density.LogDensity(points.AsSpan(i * d, d));
            Assert.True(Math.Abs(ours - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"point {i}: {ours} vs libtorch {expected[i]}");
        }
    }
}
