using System.Runtime.InteropServices;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Mixtures;

/// <summary>
/// The conditional factor by QR of (P A L)ᵀ (<see cref="GaussianMath.ConditionalFromScales"/>) against the
/// subtraction formula Σ_TT − Σ_TS Σ_SS⁻¹ Σ_ST where that one is accurate, and against the exact conditional
/// variance det(Σ_y) / (Σ_y)_SS of a 2-D Gaussian where subtraction cancels.
/// </summary>
[Collection(TorchCollection.Name)]
public class ConditionalFactorTests
{
    public ConditionalFactorTests() => TorchRuntime.Configure(threads: 1);

    [Theory]
    [InlineData(new long[] { 0 }, new long[] { 1, 2 })]
    [InlineData(new long[] { 2, 0 }, new long[] { 1 })]
    [InlineData(new long[] { 1 }, new long[] { 2 })]     // T need not be the whole complement of S
    public void The_factor_conditional_equals_the_subtraction_formula_on_well_conditioned_components(long[] observed, long[] targets)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(17);
        const int k = 4, l = 3;
        var means = randn([k, l], dtype: float64, generator: generator) * 2;
        var raw = randn([k, l, l], dtype: float64, generator: generator) * 0.5;
        var scales = raw.tril(-1) + (raw.diagonal(0, -2, -1) * 0.3).exp().diag_embed(0, -2, -1);
        var logWeights = randn([k], dtype: float64, generator: generator).log_softmax(0);
        var a = OrthogonalTransform.Haar(l, new Rng(5)).ToTensor();
        var yObserved = randn([6, observed.Length], dtype: float64, generator: generator) * 3;
        var observedIndex = tensor(observed);
        var targetIndex = tensor(targets);

        var factor = GaussianMath.ConditionalFromScales(means, scales, logWeights, observedIndex, targetIndex, yObserved, a);
        var (taskMeans, taskCovariances) = GaussianMath.Transform(means, scales.matmul(scales.transpose(-1, -2)), a);
        var subtraction = GaussianMath.Conditional(taskMeans, (taskCovariances + taskCovariances.transpose(-1, -2)) * 0.5,
            logWeights, observedIndex, targetIndex, yObserved);

        Assert.Equal(subtraction.Means.shape, factor.Means.shape);
        Assert.Equal(subtraction.ScaleTril.shape, factor.ScaleTril.shape);
        Assert.True(factor.Means.allclose(subtraction.Means, rtol: 0, atol: 1e-10), "conditional means differ");
        Assert.True(factor.ScaleTril.allclose(subtraction.ScaleTril, rtol: 0, atol: 1e-10), "conditional Cholesky factors differ");
        Assert.True(factor.LogWeights.allclose(subtraction.LogWeights, rtol: 0, atol: 1e-10), "posterior weights differ");
    }

    [Fact]
    public void Where_subtraction_cancels_to_nothing_the_factor_keeps_the_exact_conditional_variance()
    {
        using var scope = NewDisposeScope();
        // L = [[1, 0], [1, ε]]: Σ = [[1, 1], [1, 1 + ε²]] rounds to the singular [[1, 1], [1, 1]] for ε = 1e-9, yet
        // Σ is positive definite with det Σ = ε². In the view rotated by 30°, y1 | y0 has the exact variance
        // det(A Σ Aᵀ) / (A Σ Aᵀ)_00 = ε² / (a0·(1, 1))² with a0 the first row of A.
        const double epsilon = 1e-9, angle = Math.PI / 6;
        var means = tensor(new[] { 0.3, -0.2 }).reshape(1, 2);
        var scales = tensor(new[] { 1.0, 0, 1, epsilon }).reshape(1, 2, 2);
        var transform = OrthogonalTransform.Rotation(2, angle);
        var a = transform.ToTensor();
        double observedVariance = Math.Pow(transform[0, 0] + transform[0, 1], 2);
        double exactScale = epsilon / Math.Sqrt(observedVariance);

        var factor = GaussianMath.ConditionalFromScales(means, scales, zeros(1, dtype: float64), tensor(new long[] { 0 }),
            tensor(new long[] { 1 }), tensor(new[] { 0.4 }).reshape(1, 1), a);
        double scale = factor.ScaleTril.item<double>();
        Assert.True(Math.Abs(scale - exactScale) < 1e-6 * exactScale, $"factor {scale:E6}, exact {exactScale:E6}");

        // The subtraction formula sees a covariance that rounding made singular: its Schur complement is rounding
        // noise (|·| ≲ 1e-15), so Cholesky either refuses it or returns a scale wrong by orders of magnitude.
        var (taskMeans, taskCovariances) = GaussianMath.Transform(means, scales.matmul(scales.transpose(-1, -2)), a);
        double? subtractionScale;
        try
        {
            subtractionScale = GaussianMath.Conditional(taskMeans, (taskCovariances + taskCovariances.transpose(-1, -2)) * 0.5,
                zeros(1, dtype: float64), tensor(new long[] { 0 }), tensor(new long[] { 1 }), tensor(new[] { 0.4 }).reshape(1, 1)).ScaleTril.item<double>();
        }
        catch (ExternalException)
        {
            subtractionScale = null;
        }
        Assert.True(subtractionScale is null || !double.IsFinite(subtractionScale.Value) || Math.Abs(subtractionScale.Value - exactScale) > exactScale,
            $"the subtraction formula was expected to fail here, it gave {subtractionScale:E6} (exact {exactScale:E6})");
    }

    [Fact]
    public void A_conditional_loss_on_a_nearly_singular_component_is_finite_and_differentiable()
    {
        // One component of the model is the ε = 1e-9 component above; before the factor form, the task's
        // conditional covariance went through Cholesky of a rounded-singular matrix and the step was refused.
        using var target = TargetMixture.Grid();
        using var model = new GaussianMixtureModel(2, 25, seed: 888);
        var theta = model.GetParameterVector();
        int offset = 25 * 2;                                     // cholesky parameters of component 0: [log l00, ·, l10, log l11]
        theta[offset + 2] = 1;
        theta[offset + 3] = Math.Log(1e-9);
        model.SetParameterVector(theta);
        var task = LearningTask.Conditional(2, [0], [1], OrthogonalTransform.Rotation(2, Math.PI / 6));

        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var loss = new ReverseKlObjective().Loss(model, target, task, generator);
        loss.backward();
        Assert.True(double.IsFinite(loss.item<double>()), $"loss {loss.item<double>()}");
        foreach (var p in model.TrainableParameters())
            Assert.True(p.grad!.isfinite().all().item<bool>(), "a gradient entry is not finite");
    }
}
