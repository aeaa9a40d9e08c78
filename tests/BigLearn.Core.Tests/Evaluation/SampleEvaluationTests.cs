using BigLearn.Core.Evaluation;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Mixtures.Targets;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Evaluation;

/// <summary>A samples target: its hold-out split, the held-out NLL against a hand computation, coverage of labelled clusters, and J on data.</summary>
[Collection(TorchCollection.Name)]
public class SampleEvaluationTests
{
    public SampleEvaluationTests() => TorchRuntime.Configure(threads: 1);

    private static SamplesTarget Data(int n, double holdout = 0.2, long seed = 0, int[]? labels = null) =>
        new(Enumerable.Range(0, n).Select(i => new double[] { i, -i }).ToArray(), labels, holdout, seed, "test");

    [Fact]
    public void The_split_is_reproducible_disjoint_and_covers_every_row()
    {
        var (training, heldOut) = Data(1000).Split();
        Assert.Equal(200, heldOut.Length);
        Assert.Equal(800, training.Length);
        Assert.Empty(training.Intersect(heldOut));
        Assert.Equal(Enumerable.Range(0, 1000), training.Concat(heldOut).Order());
        Assert.Equal(heldOut, Data(1000).Split().HeldOut);                    // the same seed: the same rows
        Assert.NotEqual(heldOut, Data(1000, seed: 1).Split().HeldOut);        // another seed: other rows
        Assert.Equal(3, Data(13).Split().HeldOut.Length);                     // 2.6 rounds to 3
        Assert.Equal(heldOut.SelectMany(i => new double[] { i, -i }), Data(1000).HeldOutRows());
    }

    [Fact]
    public void The_held_out_nll_of_one_gaussian_equals_its_closed_form()
    {
        // One component: mean (1, −2), Cholesky factor L = [[2, 0], [0.5, 0.5]] (log-diagonal stored).
        using var model = new GaussianMixtureModel(2, 1, seed: 1);
        model.SetParameterVector([1, -2, Math.Log(2), 0, 0.5, Math.Log(0.5), 0]);
        double[] rows = [0, 0, 3, -1, -1.5, 4];
        double expected = 0;
        for (int i = 0; i < 3; i++)
        {
            // z = L⁻¹(x − μ) by forward substitution; log N = −½|z|² − log det L − log 2π.
            double d0 = rows[2 * i] - 1, d1 = rows[2 * i + 1] + 2;
            double z0 = d0 / 2, z1 = (d1 - 0.5 * z0) / 0.5;
            expected -= -0.5 * (z0 * z0 + z1 * z1) - Math.Log(2 * 0.5) - Math.Log(2 * Math.PI);
        }
        var score = MixtureEvaluation.EvaluateOnData(model, rows, clusters: null, seed: 1);
        Assert.Equal(expected / 3, score.HeldOutNll, 12);
        Assert.Equal(3, score.HeldOutRows);
        Assert.True(double.IsNaN(score.HighQualityFraction));
        Assert.Equal((0, 0), (score.ModesCovered, score.ModeCount));
    }

    [Fact]
    public void The_held_out_nll_of_a_mixture_equals_a_brute_force_log_sum_exp()
    {
        using var model = new GaussianMixtureModel(3, 4, seed: 9, initialMean: 0, initialSpread: 2);
        var theta = model.GetParameterVector();
        var (means, covariances) = Reporting(theta, 4, 3);
        var rng = new Rng(4);
        var rows = Enumerable.Range(0, 30).Select(_ => rng.NextGaussian() * 2).ToArray();
        double total = 0;
        for (int i = 0; i < 10; i++)
        {
            var x = rows.AsSpan(i * 3, 3).ToArray();
            var logs = Enumerable.Range(0, 4).Select(k => Math.Log(0.25) + LogNormal(x, means[k], covariances[k])).ToArray();
            double max = logs.Max();
            total += max + Math.Log(logs.Sum(l => Math.Exp(l - max)));
        }
        Assert.Equal(-total / 10, MixtureEvaluation.EvaluateOnData(model, rows, null, seed: 1).HeldOutNll, 10);
    }

    [Fact]
    public void Coverage_counts_a_labelled_cluster_the_model_reaches_and_misses_one_it_does_not()
    {
        // Three tight clusters at x = −5, 0, 5 (labels 7, 8, 9; 20, 20 and 40 rows): the model sits on the first two only.
        var rng = new Rng(2);
        var centres = new[] { -5.0, 0, 5, 5 };
        var rows = Enumerable.Range(0, 80).Select(i => new[] { centres[i / 20] + 0.1 * rng.NextGaussian(), 0.1 * rng.NextGaussian() }).ToArray();
        var labels = Enumerable.Range(0, 80).Select(i => 7 + Math.Min(i / 20, 2)).ToArray();
        var data = new SamplesTarget(rows, labels, 0.2, 0, "test");
        Assert.Equal([7, 8, 9], data.LabelValues);
        using var clusters = data.Create();
        Assert.Equal([0.25, 0.25, 0.5], Enumerable.Range(0, 3).Select(clusters.Weight));
        using var model = new GaussianMixtureModel(2, 2, seed: 1);
        double log = Math.Log(0.1);
        model.SetParameterVector([-5, 0, 0, 0, log, 0, 0, log, log, 0, 0, log, 0, 0]); // means, two Cholesky factors 0.1·I, logits
        var score = MixtureEvaluation.EvaluateOnData(model, data.HeldOutRows(), clusters, seed: 3, samples: 4000);
        Assert.Equal((2, 3), (score.ModesCovered, score.ModeCount));
        Assert.Equal(0, score.SamplesPerMode[2]);
        Assert.InRange(score.SamplesPerMode[0], 1800, 2200); // half the samples each, nearly all within 3σ of their cluster
        Assert.InRange(score.HighQualityFraction, 0.9, 1);
    }

    [Fact]
    public void Training_draws_rows_of_the_data_and_the_ledgers_j_is_the_nll_of_a_fixed_batch_of_them()
    {
        // Every row is the same point: the loss of any task is −log p_θ of that point's projection, whatever the draw.
        double[] rows = Enumerable.Range(0, 50).SelectMany(_ => new double[] { 1, 2 }).ToArray();
        using var model = new GaussianMixtureModel(2, 1, seed: 1);
        model.SetParameterVector([0, 0, 0, 0, 0, 0, 0]); // N(0, I)
        using var target = TargetMixture.Grid(1);
        using var objective = new SampleLikelihoodObjective(rows, 2, samplesPerStep: 7);
        using var generator = new Generator(5, CPU);
        using (NewDisposeScope())
        {
            double joint = objective.Loss(model, target, LearningTask.Joint(2), generator).item<double>();
            Assert.Equal(0.5 * 5 + Math.Log(2 * Math.PI), joint, 12);
            double marginal = objective.Loss(model, target, LearningTask.Marginal(2, [1]), generator).item<double>();
            Assert.Equal(0.5 * 4 + 0.5 * Math.Log(2 * Math.PI), marginal, 12);
        }
        var j = new ContributionObjective(new ContributionObjectiveSettings(ContributionObjectiveKind.JointNll, 20, 3), rows, 2);
        Assert.Equal(0.5 * 5 + Math.Log(2 * Math.PI), j.Value(model.GetParameterVector(), 1, 2, target), 12);
        Assert.Throws<ArgumentException>(() => new ContributionObjective(new ContributionObjectiveSettings(ContributionObjectiveKind.JointReverseKl, 20, 3), rows, 2));
    }

    private static double LogNormal(double[] x, double[] mean, double[,] covariance)
    {
        int d = x.Length;
        var l = new double[d, d]; // Cholesky
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = covariance[i, j];
                for (int m = 0; m < j; m++) sum -= l[i, m] * l[j, m];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        var z = new double[d];
        double logDet = 0, squared = 0;
        for (int i = 0; i < d; i++)
        {
            double v = x[i] - mean[i];
            for (int m = 0; m < i; m++) v -= l[i, m] * z[m];
            z[i] = v / l[i, i];
            squared += z[i] * z[i];
            logDet += Math.Log(l[i, i]);
        }
        return -0.5 * squared - logDet - 0.5 * d * Math.Log(2 * Math.PI);
    }

    // Means and covariances from the parameter vector (means, raw Cholesky factors with log-diagonals), written out here.
    private static (double[][] Means, double[][,] Covariances) Reporting(double[] theta, int k, int d)
    {
        var means = Enumerable.Range(0, k).Select(c => theta.AsSpan(c * d, d).ToArray()).ToArray();
        var covariances = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            var factor = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                {
                    double raw = theta[k * d + (c * d + i) * d + j];
                    factor[i, j] = i == j ? Math.Exp(raw) : raw;
                }
            covariances[c] = new double[d, d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    for (int m = 0; m < d; m++) covariances[c][i, j] += factor[i, m] * factor[j, m];
        }
        return (means, covariances);
    }
}
