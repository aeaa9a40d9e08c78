using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using BigLearn.Actors.Population;
using BigLearn.Core.Objectives;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Tests;

public sealed class ExperimentConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-population-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string TwoGroups = """
        kind = population
        budget = 100
        groups {
          marginal { count = 2, masks = "haar(marginal(k=1))", inner-steps = 5, share = 0.9 }
          joint { count = 1, masks = "joint", inner-steps = 5, share = 0.1, start = 0.5 }
        }
        """;

    private string Write(string text)
    {
        var path = Path.Combine(_folder, "pop.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_biglearn_config_reproduces_the_papers_schedule()
    {
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-biglearn.conf"));
        var spec = config.Population;
        Assert.Equal(("gmm25-biglearn", 888L, 10_000L, SchedulingMode.Lockstep), (config.Experiment, spec.Seed, spec.BudgetTasks, spec.Mode));
        Assert.Equal(new[] { "marginal", "joint" }, spec.Groups.Select(g => g.Name));
        Assert.Equal(new[] { "haar(marginal(k=1))", "joint" }, config.Masks);
        Assert.All(spec.Groups, g => Assert.Equal(20, g.InnerSteps));
        Assert.Equal((0.9, 0.1), (spec.Groups[0].Share, spec.Groups[1].Share));
        // Before half the budget only the marginal agents work; from task 5000 both groups.
        Assert.Equal(2, spec.Phases.Count);
        Assert.Equal((0L, 5000L), (spec.Phases[0].FromTask, spec.Phases[0].UntilTask));
        Assert.Equal(new[] { 0 }, spec.Phases[0].ActiveGroups);
        Assert.Equal((5000L, 10_000L), (spec.Phases[1].FromTask, spec.Phases[1].UntilTask));
        Assert.Equal(new[] { 0, 1 }, spec.Phases[1].ActiveGroups);
        Assert.Equal((25, 0.1, ObjectiveKind.ReverseKl, 100, -5.0, 0.1),
            (config.Model.Components, config.Model.LearningRate, config.Model.Objective, config.Model.SamplesPerStep, config.Model.InitMean, config.Model.InitSpread));
        Assert.Equal(new BigLearn.Core.Mixtures.Targets.GridTarget(2, 5, 2.0, 0.05), config.Target);
        Assert.Equal((500L, 10_000), (config.Evaluation.Every, config.Evaluation.Samples));
    }

    [Fact]
    public void The_joint_conditional_noisy_and_smoke_configs_are_valid()
    {
        var joint = ExperimentConfig.Load(TestFiles.Config("gmm25-joint.conf"));
        Assert.Equal(new[] { "joint" }, joint.Population.Groups.Select(g => g.Name));
        Assert.Equal((10_000L, 20, 0.1), (joint.Population.BudgetTasks, joint.Population.Groups[0].InnerSteps, joint.Model.LearningRate));

        var conditional = ExperimentConfig.Load(TestFiles.Config("gmm25-conditional.conf"));
        Assert.Equal(new[] { "marginal", "conditional", "joint" }, conditional.Population.Groups.Select(g => g.Name));
        Assert.Equal("haar(conditional(observed=1))", conditional.Masks[1]);
        // Likelihood on the conditionals, the paper's reverse KL on the rest.
        Assert.Equal((ObjectiveKind.ReverseKl, ObjectiveKind.ForwardKl), (conditional.Model.Objective, conditional.Model.ConditionalObjective));
        // Conditional agents join after the marginal phase has spread the components (a quarter of the budget),
        // the joint group at half.
        Assert.Equal(new[] { 0 }, conditional.Population.Phases[0].ActiveGroups);
        Assert.Equal((0L, 2_500L), (conditional.Population.Phases[0].FromTask, conditional.Population.Phases[0].UntilTask));
        Assert.Equal(new[] { 0, 1 }, conditional.Population.Phases[1].ActiveGroups);
        Assert.Equal(new[] { 0, 1, 2 }, conditional.Population.Phases[2].ActiveGroups);

        foreach (var name in new[] { "gmm25-interleaved.conf", "gmm25-interleaved-conditional.conf" })
        {
            var interleaved = ExperimentConfig.Load(TestFiles.Config(name));
            // The same 200,000 SGD steps as the paper's schedule, in tasks of 2 inner steps.
            Assert.Equal(200_000L, interleaved.Population.BudgetTasks * interleaved.Population.Groups[0].InnerSteps);
        }

        var coarseToFine = ExperimentConfig.Load(TestFiles.Config("gmm25-coarse-to-fine.conf"));
        Assert.Equal(new[] { "marginal", "coarse", "medium", "fine", "joint" }, coarseToFine.Population.Groups.Select(g => g.Name));
        Assert.Equal(new[] { "haar(marginal(k=1))", "noisy(joint, sd=2)", "noisy(joint, sd=1)", "noisy(joint, sd=0.5)", "joint" }, coarseToFine.Masks);
        // Noise sd 2, 1, 0.5 in turn beside the marginals; the paper's joint agent from half the budget.
        Assert.Equal(new[] { (0L, 2_500L), (2_500L, 5_000L), (5_000L, 7_500L), (7_500L, 10_000L) },
            coarseToFine.Population.Phases.Select(p => (p.FromTask, p.UntilTask)));
        Assert.Equal(new[] { new[] { 0, 1 }, new[] { 0, 2 }, new[] { 0, 2, 4 }, new[] { 0, 3, 4 } },
            coarseToFine.Population.Phases.Select(p => p.ActiveGroups.ToArray()));
        // The paper's budget of 200,000 SGD steps, and its model.
        Assert.All(coarseToFine.Population.Groups, g => Assert.Equal(20, g.InnerSteps));
        Assert.Equal((10_000L, 0.1, 25), (coarseToFine.Population.BudgetTasks, coarseToFine.Model.LearningRate, coarseToFine.Model.Components));

        var noisyJoint = ExperimentConfig.Load(TestFiles.Config("gmm25-noisy-joint.conf"));
        Assert.Equal(new[] { "haar(marginal(k=1))", "noisy(joint, sd=1)", "joint" }, noisyJoint.Masks);
        Assert.Equal(new[] { new[] { 0, 1 }, new[] { 0, 1, 2 } }, noisyJoint.Population.Phases.Select(p => p.ActiveGroups.ToArray()));
        Assert.Equal(200_000L, noisyJoint.Population.BudgetTasks * noisyJoint.Population.Groups.Max(g => g.InnerSteps));

        var smoke = ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"));
        Assert.Equal((60L, 20L, 2000), (smoke.Population.BudgetTasks, smoke.Evaluation.Every, smoke.Evaluation.Samples));
        Assert.Equal(2, smoke.Population.Phases.Count); // the window switch is exercised
    }

    [Fact]
    public void Overrides_change_a_group_without_moving_it()
    {
        var config = ExperimentConfig.Load(Write(TwoGroups), ["groups.joint.share=0.3", "groups.marginal.count=4", "budget=40"]);
        Assert.Equal(new[] { "marginal", "joint" }, config.Population.Groups.Select(g => g.Name));
        Assert.Equal((0.3, 4, 40L), (config.Population.Groups[1].Share, config.Population.Groups[0].Count, config.Population.BudgetTasks));
        Assert.Contains("--set groups.joint.share=0.3", config.Source.ResolvedText);
    }

    [Fact]
    public void Absent_keys_take_the_papers_values()
    {
        var config = ExperimentConfig.Load(Write("groups.only { masks = \"joint\" }"));
        Assert.Equal(("pop", 888L, 10_000L, 1, 20, 1.0), (config.Experiment, config.Population.Seed, config.Population.BudgetTasks,
            config.Population.Groups[0].Count, config.Population.Groups[0].InnerSteps, config.Population.Groups[0].Share));
        Assert.Equal(500L, config.Evaluation.Every); // a twentieth of the budget
    }

    [Theory]
    [InlineData(null, 5.0)]
    [InlineData("model.conditional-gradient-clip=2.5", 2.5)]
    [InlineData("model.conditional-gradient-clip=0", double.PositiveInfinity)]
    public void The_conditional_trust_region_is_five_by_default_and_zero_switches_it_off(string? set, double expected)
    {
        var config = ExperimentConfig.Load(Write(TwoGroups), set is null ? [] : [set]);
        Assert.Equal(expected, config.Model.ConditionalGradientClip);
    }

    [Theory]
    [InlineData(new string[0], ObjectiveKind.ReverseKl, ObjectiveKind.ReverseKl)]
    [InlineData(new[] { "model.objective=forward-kl" }, ObjectiveKind.ForwardKl, ObjectiveKind.ForwardKl)]
    [InlineData(new[] { "model.conditional-objective=forward-kl" }, ObjectiveKind.ReverseKl, ObjectiveKind.ForwardKl)]
    [InlineData(new[] { "model.objective=forward-kl", "model.conditional-objective=reverse-kl" }, ObjectiveKind.ForwardKl, ObjectiveKind.ReverseKl)]
    public void The_conditional_objective_is_the_models_unless_set(string[] sets, ObjectiveKind objective, ObjectiveKind conditional)
    {
        var config = ExperimentConfig.Load(Write(TwoGroups), sets);
        Assert.Equal((objective, conditional), (config.Model.Objective, config.Model.ConditionalObjective));
        // validate and report.md name both when they differ.
        string expected = objective == conditional
            ? (objective == ObjectiveKind.ForwardKl ? "forward-kl" : "reverse-kl")
            : (objective == ObjectiveKind.ForwardKl ? "forward-kl, reverse-kl on conditional tasks" : "reverse-kl, forward-kl on conditional tasks");
        Assert.Equal(expected, config.Model.ObjectiveText);
        Assert.Contains($"GMM in 2-D, {expected}, evaluation", config.Summary());
    }

    [Theory]
    [InlineData("groups.marginal.masks=\"haar(marginal(k=3))\"", "groups.marginal.masks = \"haar(marginal(k=3))\" is not allowed (marginal(k=3): k must be in [1, 2]")]
    [InlineData("groups.joint.masks=\"jont\"", "groups.joint.masks = \"jont\" is not allowed (")]
    [InlineData("groups.joint.share=0", "groups.joint.share = 0 is not allowed (a number in [")]
    [InlineData("groups.joint.share=-1", "groups.joint.share = -1 is not allowed")]
    [InlineData("groups.joint.start=1", "groups.joint.start = 1 is not allowed (a fraction of the budget in [0, 1))")]
    [InlineData("groups.joint.stop=0.5", "groups.joint.start = 0.5 and groups.joint.stop = 0.5 are not allowed (the window [start, stop) needs start < stop ≤ 1)")]
    [InlineData("groups.marginal.start=0.2", "no group is active there")]
    [InlineData("groups.joint.inner-step=3", "unknown key groups.joint.inner-step = 3 (did you mean groups.joint.inner-steps?)")]
    [InlineData("budgett=5", "unknown key budgett = 5 (did you mean budget?)")]
    [InlineData("budget=0", "budget = 0 is not allowed (an integer in [1, 100000000])")]
    [InlineData("groups.marginal.count=0", "groups.marginal.count = 0 is not allowed (an integer in [1, 1000000])")]
    [InlineData("scheduling=sometimes", "scheduling = sometimes is not allowed (one of: lockstep, free)")]
    [InlineData("model.objective=js", "model.objective = js is not allowed (one of: reverse-kl, forward-kl)")]
    [InlineData("model.conditional-objective=nll", "model.conditional-objective = nll is not allowed (one of: reverse-kl, forward-kl)")]
    [InlineData("credits=0", "credits = 0 is not allowed (an integer in [1, 1000]")]
    [InlineData("model.conditional-gradient-clip=-1", "model.conditional-gradient-clip = -1 is not allowed (a number in [0, 1000000])")]
    [InlineData("evaluation.samples=5", "evaluation.samples = 5 is not allowed (an integer in [10, 10000000])")]
    [InlineData("kind=landscape", "kind = landscape is not allowed (one of: population, gan)")]
    [InlineData("groups=3", "groups = 3 is not allowed (an object of groups")]
    public void A_bad_population_setting_fails_with_one_line_naming_the_key_value_and_whats_allowed(string set, string expected)
    {
        var path = Write(TwoGroups);
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(path, [set]));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_group_without_masks_or_a_config_without_groups_is_refused()
    {
        var noMasks = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Write("groups.a { count = 2 }")));
        Assert.Contains("groups.a.masks is missing", noMasks.Message);
        var noGroups = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Write("budget = 10")));
        Assert.Contains("at least one group is required", noGroups.Message);
    }

    public static TheoryData<string, string[]> Gmm25Variants => new()
    {
        { "gmm25-joint.conf", [] },
        { "gmm25-noisy-joint.conf", [] },
        { "gmm25-coarse-to-fine.conf", [] },
        { "gmm25-conditional.conf", ["model.conditional-objective"] },
        { "gmm25-interleaved.conf", ["budget", "evaluation.every"] },
        { "gmm25-interleaved-conditional.conf", ["budget", "evaluation.every"] },
    };

    [Theory]
    [MemberData(nameof(Gmm25Variants))]
    public void Each_gmm25_variant_is_the_papers_config_outside_its_groups_except_for_the_keys_it_overrides(string file, string[] overridden)
    {
        var paper = ConfigSource.Load(TestFiles.Config("gmm25-biglearn.conf"));
        var variant = ConfigSource.Load(TestFiles.Config(file));

        // Every key outside the groups has the paper's value, but for the ones the variant states (set or removed).
        static string[] Shared(ConfigSource s, string[] except) =>
            s.Keys.Where(k => !k.StartsWith("groups.", StringComparison.Ordinal) && !except.Contains(k)).Select(k => $"{k} = {s.RawText(k)}").Order().ToArray();
        Assert.Equal(Shared(paper, overridden), Shared(variant, overridden));
        Assert.All(overridden, k => Assert.NotEqual(paper.RawText(k), variant.RawText(k)));
        Assert.Contains("include \"gmm25-", File.ReadAllText(TestFiles.Config(file)));

        // It is a valid experiment named after its own file, whose groups differ from the paper's.
        var config = ExperimentConfig.From(variant);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), config.Experiment);
        static string[] Groups(ConfigSource s) => s.Keys.Where(k => k.StartsWith("groups.", StringComparison.Ordinal)).Select(k => $"{k} = {s.RawText(k)}").ToArray();
        Assert.NotEqual(Groups(paper), Groups(variant));
    }
}
