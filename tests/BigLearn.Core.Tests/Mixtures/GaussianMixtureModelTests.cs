using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Mixtures;

[Collection(TorchCollection.Name)]
public class GaussianMixtureModelTests
{
    public GaussianMixtureModelTests() => TorchRuntime.Configure(threads: 1);

    [Fact]
    public void The_state_dict_keys_are_means_cholesky_and_weight_logits()
    {
        using var model = new GaussianMixtureModel(dim: 2, components: 25, seed: 888);
        var keys = model.state_dict().Keys.OrderBy(k => k).ToArray();
        Assert.Equal(["cholesky", "means", "weight_logits"], keys);
        Assert.Equal(25 * 2 + 25 * 2 * 2 + 25, model.ParameterCount);
        Assert.Equal(2, model.TrainableParameters().Count());
        using var learnable = new GaussianMixtureModel(2, 25, 888, learnableWeights: true);
        Assert.Equal(3, learnable.TrainableParameters().Count());
    }

    [Fact]
    public void A_fresh_model_has_identity_covariances_uniform_weights_and_means_near_minus_five()
    {
        using var model = new GaussianMixtureModel(2, 25, seed: 888);
        using var scope = NewDisposeScope();
        var covariances = model.Covariances().data<double>().ToArray();
        for (int k = 0; k < 25; k++)
            Assert.Equal(new double[] { 1, 0, 0, 1 }, covariances.Skip(4 * k).Take(4).ToArray());
        Assert.All(model.LogWeights().data<double>().ToArray(), w => Assert.Equal(-Math.Log(25), w, 12));
        var means = model.Means.detach().data<double>().ToArray();
        double average = means.Average();
        double spread = Math.Sqrt(means.Sum(m => (m - average) * (m - average)) / (means.Length - 1));
        Assert.InRange(average, -5 - 4 * 0.1 / Math.Sqrt(50), -5 + 4 * 0.1 / Math.Sqrt(50));
        Assert.InRange(spread, 0.06, 0.14);
    }

    [Fact]
    public void The_same_seed_gives_the_same_initial_means_and_another_seed_different_ones()
    {
        using var a = new GaussianMixtureModel(2, 25, seed: 888);
        using var b = new GaussianMixtureModel(2, 25, seed: 888);
        using var c = new GaussianMixtureModel(2, 25, seed: 5079);
        Assert.Equal(a.GetParameterVector(), b.GetParameterVector());
        Assert.NotEqual(a.GetParameterVector(), c.GetParameterVector());
    }

    [Fact]
    public void The_parameter_vector_round_trips_and_drives_the_distribution()
    {
        using var model = new GaussianMixtureModel(2, 2, seed: 1, learnableWeights: true);
        // means (1,2),(3,4); cholesky params: log-diag ln2, ln3 and off-diagonal 0.5 for component 0; zeros for 1.
        double[] vector = [1, 2, 3, 4, Math.Log(2), 0, 0.5, Math.Log(3), 0, 0, 0, 0, 0.3, -0.3];
        model.SetParameterVector(vector);
        Assert.Equal(vector, model.GetParameterVector());
        using var scope = NewDisposeScope();
        Assert.Equal(new double[] { 4, 1, 1, 0.25 + 9 }, model.Covariances()[0].data<double>().ToArray().Select(v => Math.Round(v, 12)).ToArray());
        double w0 = Math.Exp(0.3) / (Math.Exp(0.3) + Math.Exp(-0.3));
        Assert.Equal(Math.Log(w0), model.LogWeights()[0].item<double>(), 12);
        Assert.Throws<ArgumentException>(() => model.SetParameterVector(new double[3]));
    }

    [Fact]
    public void A_model_built_inside_a_dispose_scope_outlives_it()
    {
        GaussianMixtureModel model;
        using (NewDisposeScope()) model = new GaussianMixtureModel(2, 3, seed: 4);
        using (model)
        {
            Assert.Equal(3 * 2 + 3 * 4 + 3, model.GetParameterVector().Length);
            using var scope = NewDisposeScope();
            Assert.True(double.IsFinite(model.Distribution().LogDensity(zeros(1, 2, dtype: float64)).item<double>()));
        }
    }

    [Fact]
    public void A_model_copied_from_a_target_has_the_target_density()
    {
        using var target = PlainMixture.Random(3, 4, seed: 3).ToTarget();
        using var model = new GaussianMixtureModel(3, 4, seed: 0);
        model.CopyFrom(target);
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var points = randn(50, 3, dtype: float64, generator: generator) * 2;
        var task = LearningTask.Marginal(3, [1], OrthogonalTransform.Haar(3, new Randomness.Rng(8)));
        var y = TaskProjection.Target(task, TaskProjection.ToTaskDomain(task, points));
        Assert.True(model.Distribution().LogDensity(points).allclose(target.Distribution().LogDensity(points), rtol: 0, atol: 1e-12));
        Assert.True(model.Distribution().LogDensity(task, y).allclose(target.Distribution().LogDensity(task, y), rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Samples_have_the_mixture_mean_and_covariance()
    {
        using var target = PlainMixture.Random(2, 3, seed: 21).ToTarget();
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        const int n = 200_000;
        var x = target.Distribution().Sample(n, generator).X;
        var reference = PlainMixture.Random(2, 3, seed: 21);
        double[] mean = new double[2];
        var second = new double[2, 2];
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 2; i++)
            {
                mean[i] += reference.Weights[k] * reference.Means[k][i];
                for (int j = 0; j < 2; j++)
                    second[i, j] += reference.Weights[k] * (reference.Covariances[k][i, j] + reference.Means[k][i] * reference.Means[k][j]);
            }
        var sampleMean = x.mean([0]).data<double>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            double sd = Math.Sqrt(second[i, i] - mean[i] * mean[i]);
            Assert.True(Math.Abs(sampleMean[i] - mean[i]) < 5 * sd / Math.Sqrt(n), $"coordinate {i}: {sampleMean[i]} vs {mean[i]}");
        }
        double sampleCross = (x[.., 0] * x[.., 1]).mean().item<double>();
        Assert.Equal(second[0, 1], sampleCross, 1);
    }
}
