using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Mixtures;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using TorchSharp;

namespace BigLearn.Core.Tests.Evaluation;

[Collection(TorchCollection.Name)]
public sealed class ContributionProbeTests
{
    private static GmmTrainer Trainer(ContributionObjectiveKind kind = ContributionObjectiveKind.JointReverseKl)
    {
        var trainer = new GmmTrainer(new GaussianMixtureModel(2, 25, 888, initialMean: 0, initialSpread: 2), TargetMixture.Grid());
        trainer.UseContributionObjective(new ContributionObjectiveSettings(kind, 500, 7));
        return trainer;
    }

    private static LearningTask HaarMarginal(long seed) => LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, Rng.ForStream(seed, 0)));

    [Fact]
    public void A_large_population_is_audited_a_rotating_share_at_a_time_and_every_agent_once_per_round()
    {
        var schedule = new ContributionSchedule(1, 500, ContributionObjectiveSettings.Default) { AuditAgents = 100 };
        // 250 agents, at most 100 per audit: every third agent, a different third at each of three consecutive audits.
        var rounds = Enumerable.Range(0, 3).Select(a => Enumerable.Range(0, 250).Where(i => schedule.AuditsAgent(1 + a * 500L, i, 250)).ToArray()).ToArray();
        Assert.Equal([84, 83, 83], rounds.Select(r => r.Length));
        Assert.Equal(Enumerable.Range(0, 250), rounds.SelectMany(r => r).Order());
        Assert.Equal(rounds[0], Enumerable.Range(0, 250).Where(i => schedule.AuditsAgent(1 + 3 * 500L, i, 250))); // the fourth starts over
        // Up to AuditAgents, or with 0 (all), every agent at every audit.
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(schedule.AuditsAgent(501, i, 100)));
        Assert.All(Enumerable.Range(0, 250), i => Assert.True((schedule with { AuditAgents = 0 }).AuditsAgent(501, i, 250)));
    }

    [Fact]
    public void The_cosine_of_a_task_gradient_with_itself_is_one_and_with_its_negative_minus_one()
    {
        using var trainer = Trainer();
        var gradient = trainer.TaskGradient(HaarMarginal(1), seed: 11);
        Assert.Equal(trainer.Model.ParameterCount, gradient.Length);
        Assert.Equal(1.0, ContributionSchedule.Cosine(gradient, gradient), 12);
        Assert.Equal(-1.0, ContributionSchedule.Cosine(gradient, gradient.Select(g => -g).ToArray()), 12);
        Assert.True(double.IsNaN(ContributionSchedule.Cosine(gradient, new double[gradient.Length])));
    }

    [Fact]
    public void The_objective_gradient_matches_central_finite_differences_of_the_objective()
    {
        foreach (var kind in new[] { ContributionObjectiveKind.JointReverseKl, ContributionObjectiveKind.JointNll })
        {
            using var trainer = Trainer(kind);
            var gradient = trainer.ObjectiveGradient();
            var theta = trainer.Model.GetParameterVector();
            const double h = 1e-5;
            // A mean coordinate, an off-diagonal and a log-diagonal Cholesky entry of two components.
            foreach (int i in new[] { 0, 7, 50 + 2, 50 + 4 * 9 + 3 })
            {
                var plus = (double[])theta.Clone();
                plus[i] += h;
                trainer.Model.SetParameterVector(plus);
                double up = trainer.EvaluateObjective();
                var minus = (double[])theta.Clone();
                minus[i] -= h;
                trainer.Model.SetParameterVector(minus);
                double down = trainer.EvaluateObjective();
                trainer.Model.SetParameterVector(theta);
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"{kind} θ[{i}]: autograd {gradient[i]}, finite differences {numeric}");
            }
        }
    }

    [Fact]
    public void The_plain_arithmetic_objective_equals_libtorchs_on_random_and_trained_parameters()
    {
        foreach (var kind in new[] { ContributionObjectiveKind.JointReverseKl, ContributionObjectiveKind.JointNll })
        {
            using var trainer = Trainer(kind);
            var rng = new Rng(3);
            for (int trial = 0; trial < 4; trial++)
            {
                if (trial > 0)
                {
                    var theta = trainer.Model.GetParameterVector();
                    for (int i = 0; i < theta.Length; i++) theta[i] += 0.3 * rng.NextGaussian();
                    trainer.Model.SetParameterVector(theta);
                }
                if (trial == 3) trainer.Run(HaarMarginal(4), 20, 9);
                double viaLibtorch;
                using (torch.NewDisposeScope())
                using (torch.no_grad())
                    viaLibtorch = trainer.ContributionObjective.Value(trainer.Model, trainer.Target).item<double>();
                double plain = trainer.EvaluateObjective();
                Assert.True(Math.Abs(plain - viaLibtorch) <= 1e-12 * Math.Max(1, Math.Abs(viaLibtorch)), $"{kind}, trial {trial}: plain {plain}, libtorch {viaLibtorch}");
            }
        }
    }

    [Fact]
    public void The_joint_reverse_kl_objective_is_zero_when_the_model_is_the_target()
    {
        using var trainer = Trainer();
        trainer.Model.CopyFrom(trainer.Target);
        Assert.Equal(0.0, trainer.EvaluateObjective(), 10);
    }

    [Fact]
    public void Probing_is_deterministic_and_leaves_training_exactly_as_without_it()
    {
        using var probed = Trainer();
        using var plain = Trainer();
        var task = HaarMarginal(2);
        double j = probed.EvaluateObjective();
        Assert.Equal(j, probed.EvaluateObjective());
        var first = probed.TaskGradient(task, 5);
        Assert.Equal(first, probed.TaskGradient(task, 5));
        probed.ObjectiveGradient();
        Assert.Equal(plain.Model.GetParameterVector(), probed.Model.GetParameterVector());

        var a = probed.Run(task, 3, 5);
        var b = plain.Run(task, 3, 5);
        Assert.Equal(b, a);
        Assert.Equal(plain.Model.GetParameterVector(), probed.Model.GetParameterVector());
        Assert.NotEqual(j, probed.EvaluateObjective()); // J follows θ
    }
}
