using BigLearn.Core.Tests.Evaluation;
using System.Diagnostics;
using BigLearn.Core.Evaluation;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Training;

[Collection(TorchCollection.Name)]
public class GmmTrainerTests
{
    private readonly ITestOutputHelper _output;

    public GmmTrainerTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.Configure(threads: 1);
    }

    /// <summary>The §4.1 mix: transformed 1-D marginals, every fourth task joint.</summary>
    private static IEnumerable<ScheduledTask> PaperLikeSchedule(int tasks, int innerSteps, long seed)
    {
        var rng = new Rng((ulong)seed);
        for (int i = 0; i < tasks; i++)
        {
            var task = i % 4 == 3 ? LearningTask.Joint(2) : LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, rng));
            yield return new ScheduledTask(task, innerSteps, rng.NextSeed());
        }
    }

    private static GmmTrainer PaperTrainer(long modelSeed = 888) =>
        new(new GaussianMixtureModel(2, 25, modelSeed), TargetMixture.Grid());

    [Fact]
    public void Live_tensors_stay_flat_over_hundreds_of_steps()
    {
        using var trainer = PaperTrainer();
        var schedule = PaperLikeSchedule(tasks: 17, innerSteps: 20, seed: 1).ToArray();
        long afterWarmUp = 0;
        var outcomes = Trainer.RunSequence(trainer, schedule, onTask: (i, _) =>
        {
            if (i == 0) afterWarmUp = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        });
        Assert.All(outcomes, o => Assert.Null(o.Rejection));
        Assert.Equal(340, trainer.Version);
        Assert.Equal(afterWarmUp, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void The_same_schedule_and_seeds_give_bit_identical_parameters()
    {
        double[] Train(long scheduleSeed)
        {
            using var trainer = PaperTrainer();
            Trainer.RunSequence(trainer, PaperLikeSchedule(tasks: 6, innerSteps: 5, seed: scheduleSeed));
            return trainer.Model.GetParameterVector();
        }
        var first = Train(42);
        Assert.Equal(first, Train(42));
        Assert.NotEqual(first, Train(43));
    }

    [Fact]
    public void Tasks_run_without_libtorch_give_the_outcomes_and_parameters_of_libtorchs_draws_to_the_last_bit()
    {
        // The paper's mix plus noisy joint and noisy marginal views, and a task refused half-way (a huge learning rate).
        var rng = new Rng(11);
        var schedule = PaperLikeSchedule(tasks: 24, innerSteps: 20, seed: 3)
            .Concat([new ScheduledTask(LearningTask.Joint(2).WithNoise(1), 20, 77),
                     new ScheduledTask(LearningTask.Marginal(2, [1], OrthogonalTransform.Haar(2, rng)).WithNoise(0.5), 20, 78)])
            .ToArray();
        (TaskOutcome[] Outcomes, double[] Theta) Train(bool ownDraws, double learningRate)
        {
            using var trainer = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), ObjectiveKind.ReverseKl, learningRate)
                { UseOwnDraws = ownDraws };
            var outcomes = Trainer.RunSequence(trainer, schedule).ToArray();
            return (outcomes, trainer.Model.GetParameterVector());
        }
        foreach (double learningRate in new[] { 0.1, 40 })
        {
            var (viaLibtorch, theta) = Train(ownDraws: false, learningRate);
            var (withoutLibtorch, ownTheta) = Train(ownDraws: true, learningRate);
            Assert.Equal(theta, ownTheta);
            Assert.Equal(viaLibtorch, withoutLibtorch);
            if (learningRate > 1) Assert.Contains(withoutLibtorch, o => o.Rejected && o.AppliedSteps > 0);
            else Assert.All(withoutLibtorch, o => Assert.Equal(20, o.AppliedSteps));
        }
    }

    [Fact]
    public void A_step_with_a_non_finite_loss_is_not_applied_and_ends_the_task()
    {
        using var trainer = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), new PoisonedObjective(poisonFromCall: 3));
        var before = trainer.Model.GetParameterVector();
        var outcome = trainer.Run(LearningTask.Joint(2), innerSteps: 10, batchSeed: 5);
        Assert.Equal(2, outcome.AppliedSteps);
        Assert.Equal(2, outcome.Version);
        Assert.NotNull(outcome.Rejection);
        Assert.Contains("step 3", outcome.Rejection);
        Assert.True(double.IsNaN(outcome.LastLoss));

        // Replaying the two good steps on a fresh model must land exactly where the poisoned run stopped. The
        // poisoned objective is not a ReverseKlObjective, so it runs through autograd: the reference must too.
        using var reference = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid()) { UseDirectGradient = false };
        reference.Run(LearningTask.Joint(2), innerSteps: 2, batchSeed: 5);
        Assert.Equal(reference.Model.GetParameterVector(), trainer.Model.GetParameterVector());
        Assert.NotEqual(before, trainer.Model.GetParameterVector());
    }

    [Fact]
    public void Parameters_that_make_the_loss_overflow_are_left_untouched()
    {
        using var trainer = PaperTrainer();
        var vector = trainer.Model.GetParameterVector();
        vector[50] = 800; // log of a Cholesky diagonal: exp(800) = ∞
        trainer.Model.SetParameterVector(vector);
        var outcome = trainer.Run(LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(1))), innerSteps: 5, batchSeed: 2);
        Assert.True(outcome.Rejected);
        Assert.Equal(0, outcome.AppliedSteps);
        Assert.Equal(0, trainer.Version);
        Assert.Equal(vector, trainer.Model.GetParameterVector());

        var joint = trainer.Run(LearningTask.Joint(2), innerSteps: 5, batchSeed: 3); // no Cholesky here: a NaN loss
        Assert.Contains("loss is NaN", joint.Rejection);
        Assert.Equal(vector, trainer.Model.GetParameterVector());
    }

    [Fact]
    public void An_update_that_would_overflow_the_parameters_is_undone()
    {
        using var trainer = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), ObjectiveKind.ReverseKl, learningRate: 1e308);
        var outcome = trainer.Run(LearningTask.Joint(2), innerSteps: 5, batchSeed: 9);
        Assert.True(outcome.Rejected);
        Assert.True(outcome.AppliedSteps < 5);
        Assert.Contains("update made a parameter non-finite", outcome.Rejection);
        Assert.All(trainer.Model.GetParameterVector(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void A_few_hundred_reverse_kl_steps_reduce_the_kl_of_a_two_mode_problem()
    {
        var target = TargetMixture.Custom([1, 1], [[-2.0, 0.0], [2.0, 0.0]],
            [new double[,] { { 0.3, 0 }, { 0, 0.3 } }, new double[,] { { 0.3, 0 }, { 0, 0.3 } }]);
        using var trainer = new GmmTrainer(new GaussianMixtureModel(2, 2, seed: 3, initialMean: 0, initialSpread: 1), target, learningRate: 0.05);
        var joint = LearningTask.Joint(2);
        double before = MonteCarloKl.Reverse(trainer.Model, target, joint, seed: 1, samples: 20_000);
        var outcomes = Trainer.RunSequence(trainer, Enumerable.Range(0, 15).Select(i => new ScheduledTask(joint, 20, 100 + i)));
        double after = MonteCarloKl.Reverse(trainer.Model, target, joint, seed: 1, samples: 20_000);
        Assert.All(outcomes, o => Assert.False(o.Rejected));
        Assert.Equal(300, trainer.Version);
        Assert.True(after < 0.25 * before, $"reverse KL {before} → {after}");
    }

    [Fact]
    [Trait("Category", "Long")]
    public void Measure_milliseconds_per_25_gmm_reverse_kl_step()
    {
        using var trainer = PaperTrainer();
        Trainer.RunSequence(trainer, PaperLikeSchedule(tasks: 5, innerSteps: 20, seed: 7)); // warm-up
        var haar = new Rng(9);
        foreach (var (name, task) in new[] { ("joint", (Func<LearningTask>)(() => LearningTask.Joint(2))),
                     ("haar 1-D marginal", () => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, haar))) })
        {
            const int tasks = 50, steps = 20;
            var schedule = Enumerable.Range(0, tasks).Select(i => new ScheduledTask(task(), steps, 500 + i)).ToArray();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var outcomes = Trainer.RunSequence(trainer, schedule);
            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Assert.All(outcomes, o => Assert.False(o.Rejected));
            _output.WriteLine($"{name}: {watch.Elapsed.TotalMilliseconds / (tasks * steps):F3} ms wall, " +
                $"{cpu.TotalMilliseconds / (tasks * steps):F3} ms CPU per step (100 samples, 25 components, 1 thread)");
        }
    }

    /// <summary>A reverse KL whose loss turns NaN from a given call on: the injected fault.</summary>
    private sealed class PoisonedObjective(int poisonFromCall) : IMixtureObjective
    {
        private readonly ReverseKlObjective _inner = new();
        private int _calls;

        public ObjectiveKind Kind => ObjectiveKind.ReverseKl;
        public int SamplesPerStep => _inner.SamplesPerStep;

        public Tensor Loss(IGaussianMixture model, IGaussianMixture target, LearningTask task, Generator generator)
        {
            var loss = _inner.Loss(model, target, task, generator);
            return ++_calls >= poisonFromCall ? loss * double.NaN : loss;
        }
    }
}
