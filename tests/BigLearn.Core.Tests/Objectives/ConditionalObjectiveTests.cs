using BigLearn.Core.Mixtures;
using BigLearn.Core.Objectives;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Core.Tests.Objectives;

/// <summary>
/// The objective of conditional tasks (<see cref="GmmTrainer.ConditionalObjective"/>): why a mass-covering one pulls a
/// doubled component into an empty mode where the reverse KL does not, and that the trainer uses it on conditional
/// tasks only.
/// </summary>
[Collection(TorchCollection.Name)]
public class ConditionalObjectiveTests
{
    public ConditionalObjectiveTests() => TorchRuntime.Configure(threads: 1);

    [Fact]
    public void Two_components_on_one_mode_are_pulled_towards_the_empty_mode_by_a_forward_kl_conditional_and_not_by_a_reverse_kl_one()
    {
        using var target = SharedModeState.Target();
        using var model = SharedModeState.Model();
        var task = LearningTask.Conditional(2, observed: [1], target: [0]); // given x2, match x1

        // Forward KL: q(x1 | x2) = ½N(−1, 0.1) + ½N(1, 0.1) whatever x2; the model's conditional is N(−1, 0.1), each
        // component responsible for half of every point, so ∂/∂m_k E_q[−log p(x1 | x2)] = −½ (E_q x1 − m_k) / 0.1 = −5
        // for each component's x1-mean: −10 on their sum.
        var forward = EstimatorAverages.Measure(new ForwardKlObjective(), model, target, task, seeds: 400);
        double forwardPull = forward.Gradient[0] + forward.Gradient[2];
        double forwardError = Math.Sqrt(forward.GradientError[0] * forward.GradientError[0] + forward.GradientError[2] * forward.GradientError[2]);
        Assert.True(Math.Abs(forwardPull + 10) < 4 * forwardError, $"forward KL: ∂/∂m_x {forwardPull} ± {forwardError} vs −10");

        // Reverse KL: only the model's tail reaches the right mode: −E_{x~N(−1, 0.1)} ∂_x log q(x), by quadrature (−0.024).
        double expected = SharedModeState.ReverseKlPull(0.1);
        var reverse = EstimatorAverages.Measure(new ReverseKlObjective(), model, target, task, seeds: 400);
        double reversePull = reverse.Gradient[0] + reverse.Gradient[2];
        double reverseError = Math.Sqrt(reverse.GradientError[0] * reverse.GradientError[0] + reverse.GradientError[2] * reverse.GradientError[2]);
        Assert.True(Math.Abs(reversePull - expected) < 4 * reverseError + 1e-12, $"reverse KL: ∂/∂m_x {reversePull} ± {reverseError} vs quadrature {expected}");
        Assert.InRange(expected, -0.03, -0.02);
        Assert.True(forwardPull < 100 * reversePull, $"forward {forwardPull} vs reverse {reversePull}"); // both negative: 400 times stronger
    }

    [Fact]
    public void The_trainer_steps_conditional_tasks_with_the_conditional_objective_and_the_rest_with_its_objective()
    {
        var conditional = LearningTask.Conditional(2, [1], [0]);
        var joint = LearningTask.Joint(2);
        double[] StepOnce(ObjectiveKind objective, ObjectiveKind? conditionalObjective, LearningTask task)
        {
            var model = SharedModeState.Model();
            using var trainer = conditionalObjective is { } kind
                ? new GmmTrainer(model, SharedModeState.Target(), objective) { ConditionalObjective = MixtureObjectives.Create(kind, 100) }
                : new GmmTrainer(model, SharedModeState.Target(), objective);
            Assert.Null(trainer.Run(task, innerSteps: 3, batchSeed: 17).Rejection);
            return trainer.Model.GetParameterVector();
        }

        var mixed = StepOnce(ObjectiveKind.ReverseKl, ObjectiveKind.ForwardKl, conditional);
        Assert.Equal(StepOnce(ObjectiveKind.ForwardKl, null, conditional), mixed);
        Assert.NotEqual(StepOnce(ObjectiveKind.ReverseKl, null, conditional), mixed);
        Assert.Equal(StepOnce(ObjectiveKind.ReverseKl, null, joint), StepOnce(ObjectiveKind.ReverseKl, ObjectiveKind.ForwardKl, joint));

        using var plain = new GmmTrainer(SharedModeState.Model(), SharedModeState.Target());
        Assert.Same(plain.Objective, plain.ConditionalObjective); // unset: one objective for every task
        Assert.Same(plain.Objective, plain.ObjectiveFor(joint));
    }
}
