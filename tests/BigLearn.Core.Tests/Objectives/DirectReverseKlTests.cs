using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Objectives;

/// <summary>
/// The trainer's hand-written reverse-KL gradient against the autograd one of <see cref="ReverseKlObjective"/>:
/// a different computation of the same estimator (libtorch densities via Cholesky in the task's view and
/// autograd, versus loops in the data domain with the gradient written out), so agreement to rounding checks both.
/// </summary>
[Collection(TorchCollection.Name)]
public class DirectReverseKlTests
{
    public DirectReverseKlTests() => TorchRuntime.Configure(threads: 1);

    public static TheoryData<string> Tasks => new()
    {
        "joint", "rotated-joint", "haar-marginal", "plain-marginal", "3d-joint", "3d-haar-marginal",
        "noisy-joint", "noisy-rotated-joint", "noisy-haar-marginal", "noisy-3d-haar-joint",
    };

    private static LearningTask TaskNamed(string name) => name switch
    {
        "joint" => LearningTask.Joint(2),
        "rotated-joint" => new LearningTask(2, [], [0, 1], OrthogonalTransform.Rotation(2, 0.7)),
        "haar-marginal" => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(5))),
        "plain-marginal" => LearningTask.Marginal(2, [1]),
        "3d-joint" => LearningTask.Joint(3),
        "3d-haar-marginal" => LearningTask.Marginal(3, [2], OrthogonalTransform.Haar(3, new Rng(6))),
        // Noisy views: the direct path widens its own Cholesky factors and takes the noise back through Aᵀ.
        "noisy-joint" => LearningTask.Joint(2).WithNoise(0.8),
        "noisy-rotated-joint" => new LearningTask(2, [], [0, 1], OrthogonalTransform.Rotation(2, 0.7), noise: 1.3),
        "noisy-haar-marginal" => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(5))).WithNoise(0.5),
        "noisy-3d-haar-joint" => new LearningTask(3, [], [0, 1, 2], OrthogonalTransform.Haar(3, new Rng(8)), noise: 2),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A model with unequal learnable weights and correlated, unequal covariances near the target.</summary>
    private static GaussianMixtureModel RandomModel(int dim, int components, ulong seed)
    {
        var model = new GaussianMixtureModel(dim, components, seed: 1, learnableWeights: true);
        var rng = new Rng(seed);
        var theta = model.GetParameterVector();
        for (int i = 0; i < theta.Length; i++) theta[i] = i < components * dim ? 1.5 * rng.NextGaussian() : 0.4 * rng.NextGaussian();
        for (int c = 0; c < components; c++)
            for (int r = 0; r < dim; r++)
                for (int s = r + 1; s < dim; s++) theta[components * dim + (c * dim + r) * dim + s] = 0; // unused upper part
        model.SetParameterVector(theta);
        return model;
    }

    private static TargetMixture CorrelatedTarget(int dim)
    {
        var rng = new Rng(77);
        int k = 3;
        var weights = new[] { 0.5, 0.3, 0.2 };
        var means = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, dim).Select(_ => 2 * rng.NextGaussian()).ToArray()).ToArray();
        var covariances = Enumerable.Range(0, k).Select(_ =>
        {
            // B Bᵀ + 0.2 I: symmetric positive definite with correlations.
            var b = new double[dim, dim];
            for (int i = 0; i < dim; i++) for (int j = 0; j < dim; j++) b[i, j] = 0.5 * rng.NextGaussian();
            var s = new double[dim, dim];
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++)
                {
                    for (int m = 0; m < dim; m++) s[i, j] += b[i, m] * b[j, m];
                    if (i == j) s[i, j] += 0.2;
                }
            return s;
        }).ToArray();
        return TargetMixture.Custom(weights, means, covariances);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void The_direct_loss_and_gradient_equal_autograd_on_the_same_draws(string taskName)
    {
        var task = TaskNamed(taskName);
        using var target = CorrelatedTarget(task.Dim);
        using var model = RandomModel(task.Dim, components: 4, seed: 11);
        const int samples = 60;
        var parameters = model.parameters().ToArray();

        double autogradLoss;
        double[] autogradGradient;
        using (NewDisposeScope())
        {
            model.zero_grad();
            using var generator = new Generator(2024);
            var loss = new ReverseKlObjective(samples).Loss(model, target, task, generator);
            loss.backward();
            autogradLoss = loss.item<double>();
            autogradGradient = parameters.SelectMany(p => p.grad!.data<double>().ToArray()).ToArray();
            model.zero_grad();
        }
        using var sameSeed = new Generator(2024);
        var (directLoss, directGradient) = new DirectReverseKl().LossAndGradient(model, target, task, samples, sameSeed, model.GetParameterVector());

        Assert.Equal(autogradLoss, directLoss, 1e-10 * Math.Max(1, Math.Abs(autogradLoss)));
        Assert.Equal(autogradGradient.Length, directGradient.Length);
        double scale = Math.Max(1, autogradGradient.Max(Math.Abs));
        for (int i = 0; i < directGradient.Length; i++)
            Assert.True(Math.Abs(directGradient[i] - autogradGradient[i]) < 1e-9 * scale,
                $"parameter {i}: direct {directGradient[i]} vs autograd {autogradGradient[i]}");
        Assert.True(Math.Sqrt(autogradGradient.Sum(g => g * g)) > 1e-2, "the gradient must be far from zero for the comparison to mean anything");
        Assert.True(Math.Abs(autogradGradient[^1]) > 1e-4, "the weight gradient must be exercised");
    }

    [Fact]
    public void Trainers_with_and_without_the_direct_gradient_follow_the_same_trajectory()
    {
        var rng = new Rng(3);
        var schedule = Enumerable.Range(0, 12).Select(i => new ScheduledTask((i % 4) switch
        {
            0 => LearningTask.Joint(2),
            1 => LearningTask.Joint(2).WithNoise(1.5),
            2 => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, rng)).WithNoise(0.7),
            _ => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, rng)),
        }, 10, 40 + i)).ToArray();
        using var direct = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid());
        using var autograd = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid()) { UseDirectGradient = false };
        var directOutcomes = Trainer.RunSequence(direct, schedule);
        var autogradOutcomes = Trainer.RunSequence(autograd, schedule);

        Assert.All(directOutcomes, o => Assert.False(o.Rejected));
        Assert.Equal(autograd.Version, direct.Version);
        for (int t = 0; t < schedule.Length; t++)
        {
            Assert.Equal(autogradOutcomes[t].LastLoss, directOutcomes[t].LastLoss, 1e-8);
            Assert.Equal(autogradOutcomes[t].GradientNorm, directOutcomes[t].GradientNorm, 1e-8);
        }
        var a = autograd.Model.GetParameterVector();
        var b = direct.Model.GetParameterVector();
        using var fresh = new GaussianMixtureModel(2, 25, 888);
        var start = fresh.GetParameterVector();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-8, $"parameter {i}: {a[i]} vs {b[i]}");
        Assert.True(a.Zip(start).Max(p => Math.Abs(p.First - p.Second)) > 0.05, "training must have moved the parameters");
    }
}
