using BigLearn.Core.Evaluation;
using BigLearn.Core.Mixtures;

namespace BigLearn.Core.Tests.Evaluation;

[Collection(TorchCollection.Name)]
public class MixtureEvaluationTests
{
    public MixtureEvaluationTests() => TorchRuntime.Configure(threads: 1);

    [Fact]
    public void The_target_itself_covers_all_25_modes_with_the_chi_square_share_of_high_quality_samples()
    {
        using var target = TargetMixture.Grid();
        using var model = new GaussianMixtureModel(2, 25, seed: 888);
        model.CopyFrom(target);
        var score = MixtureEvaluation.Evaluate(model, target, seed: 7);

        // P(|x − μ| ≤ 3σ) for a 2-D isotropic Gaussian: P(χ²₂ ≤ 9) = 1 − e^{−4.5}.
        double expected = 1 - Math.Exp(-4.5);
        double tolerance = 5 * Math.Sqrt(expected * (1 - expected) / 10_000);
        Assert.InRange(score.HighQualityFraction, expected - tolerance, expected + tolerance);
        Assert.Equal(25, score.ModesCovered);
        Assert.Equal(25, score.ModeCount);
        Assert.Equal(10_000, score.Samples);
        Assert.Equal((int)Math.Round(score.HighQualityFraction * 10_000), score.SamplesPerMode.Sum());
        Assert.All(score.SamplesPerMode, c => Assert.InRange(c, 400 - 5 * 20, 400 + 5 * 20)); // Binomial(10⁴, 0.04·0.989)
        Assert.True(Math.Abs(score.ReverseKl) < 1e-9 && Math.Abs(score.ForwardKl) < 1e-9, $"KLs {score.ReverseKl}, {score.ForwardKl}");
    }

    [Fact]
    public void A_model_collapsed_on_the_corner_covers_one_mode()
    {
        using var target = TargetMixture.Grid();
        using var model = new GaussianMixtureModel(2, 25, seed: 888, initialMean: -4, initialSpread: 0.02);
        // Covariance 0.05·I: log of the Cholesky diagonal is ½ ln 0.05.
        var vector = model.GetParameterVector();
        for (int k = 0; k < 25; k++) { vector[50 + 4 * k] = 0.5 * Math.Log(0.05); vector[50 + 4 * k + 3] = 0.5 * Math.Log(0.05); }
        model.SetParameterVector(vector);
        var score = MixtureEvaluation.Evaluate(model, target, seed: 3);
        Assert.Equal(1, score.ModesCovered);
        Assert.True(score.SamplesPerMode[0] > 9_500, $"corner mode got {score.SamplesPerMode[0]}");
        Assert.Equal(score.SamplesPerMode[0], score.SamplesPerMode.Max());
        // Reverse KL of a collapse onto one of 25 equal modes is ≈ ln 25; the forward KL is huge.
        Assert.InRange(score.ReverseKl, Math.Log(25) - 0.1, Math.Log(25) + 0.1);
        Assert.True(score.ForwardKl > 50, $"forward KL {score.ForwardKl}");
    }

    [Fact]
    public void Mode_coverage_needs_a_fifth_of_the_fair_share()
    {
        // Two equal target modes; the model puts 5 % of its mass on the second (below 20 % of 50 % = 10 %),
        // then 15 % (above it).
        using var target = TargetMixture.Custom([1, 1], [[-3.0], [3.0]], [new double[,] { { 0.1 } }, new double[,] { { 0.1 } }]);
        foreach (var (share, covered) in new[] { (0.05, 1), (0.15, 2) })
        {
            using var modelAsTarget = TargetMixture.Custom([1 - share, share], [[-3.0], [3.0]], [new double[,] { { 0.1 } }, new double[,] { { 0.1 } }]);
            var score = MixtureEvaluation.Evaluate(modelAsTarget, target, seed: 1);
            Assert.Equal(covered, score.ModesCovered);
        }
    }

    [Fact]
    public void Plain_arithmetic_scores_equal_libtorchs_for_a_spread_model_a_collapsed_one_and_a_3_d_one()
    {
        using var target = TargetMixture.Grid();
        using var spread = new GaussianMixtureModel(2, 25, seed: 4, initialMean: 0, initialSpread: 3);
        using var collapsed = new GaussianMixtureModel(2, 25, seed: 888);
        using var target3 = TargetMixture.Grid(3, 2, 0.05, 3);
        using var model3 = new GaussianMixtureModel(3, 9, seed: 2, initialMean: 0, initialSpread: 2);
        foreach (var (model, against, samples) in new (IGaussianMixture, TargetMixture, int)[]
                     { (spread, target, 10_000), (collapsed, target, 3_000), (model3, target3, 5_001), (target, target, 999) })
        {
            var plain = MixtureEvaluation.Evaluate(model, against, seed: 7, samples, 3, 0.2, plainArithmetic: true);
            var viaLibtorch = MixtureEvaluation.Evaluate(model, against, seed: 7, samples, 3, 0.2, plainArithmetic: false);
            Assert.Equal(viaLibtorch.SamplesPerMode, plain.SamplesPerMode);
            Assert.Equal(viaLibtorch.ModesCovered, plain.ModesCovered);
            Assert.Equal(viaLibtorch.HighQualityFraction, plain.HighQualityFraction);
            Assert.Equal(viaLibtorch.ReverseKl, plain.ReverseKl, 1e-12 * Math.Max(1, Math.Abs(viaLibtorch.ReverseKl)));
            Assert.Equal(viaLibtorch.ForwardKl, plain.ForwardKl, 1e-12 * Math.Max(1, Math.Abs(viaLibtorch.ForwardKl)));
        }
    }
}
