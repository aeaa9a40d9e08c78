using BigLearn.Core.Mixtures.Targets;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;

namespace BigLearn.Hosting.Tests;

/// <summary>target.kind = grid | ring | mixture in configs: parsing, refusals in one line, and runs in up to 10 dimensions.</summary>
[Collection(TorchCollection.Name)]
public sealed class TargetConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-targets-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Config(string target, string groups = """marginal { count = 2, masks = "haar(marginal(k=1))", inner-steps = 3 }""") =>
        Write("pop.conf", $$"""
            kind = population
            budget = 30
            evaluation { every = 15, samples = 500 }
            target { {{target}} }
            groups { {{groups}} }
            """);

    [Fact]
    public void The_shipped_ring_and_mixture_configs_parse_to_their_families()
    {
        var ring = ExperimentConfig.Load(TestFiles.Config("ring8-biglearn.conf"));
        Assert.Equal(new RingTarget(2, 8, 4, 0.05), ring.Target);
        Assert.Equal(8, ring.Model.Components);
        var mixture = Assert.IsType<MixtureTarget>(ExperimentConfig.Load(TestFiles.Config("mixture5-biglearn.conf")).Target);
        Assert.Equal((5, 2), (mixture.Components, mixture.Dimension));
        Assert.Equal([0.3, 0.2, 0.2, 0.15, 0.15], mixture.Weights);
        Assert.Equal(0.08, mixture.Covariances[1][0, 1]);
        Assert.EndsWith(Path.Combine("configs", "targets", "five-ellipses.json"), mixture.Source);
    }

    [Fact]
    public void A_mixture_written_in_the_config_equals_the_same_mixture_read_from_a_file()
    {
        Write("m.json", """{ "weights": [1, 3], "means": [[0, 1], [2, -1]], "covariances": [[[1, 0.5], [0.5, 2]], [[0.3, 0], [0, 0.3]]] }""");
        var fromFile = (MixtureTarget)ExperimentConfig.Load(Config("""kind = mixture, file = "m.json" """)).Target;
        var inline = (MixtureTarget)ExperimentConfig.Load(Config(
            "kind = mixture, weights = [1, 3], means = [[0, 1], [2, -1]], covariances = [[[1, 0.5], [0.5, 2]], [[0.3, 0], [0, 0.3]]]")).Target;
        Assert.Equal(fromFile.Weights, inline.Weights);
        Assert.Equal(fromFile.Means.SelectMany(m => m), inline.Means.SelectMany(m => m));
        Assert.Equal(fromFile.Covariances.SelectMany(c => c.Cast<double>()), inline.Covariances.SelectMany(c => c.Cast<double>()));
    }

    [Theory]
    [InlineData("kind = ring, size = 5", "target.size is not allowed with target.kind = ring")]
    [InlineData("kind = torus", "target.kind = torus is not allowed (one of: grid, ring, mixture, samples)")]
    [InlineData("kind = ring, dim = 11", "target.dim = 11 is not allowed")]
    [InlineData("kind = ring, dim = 1", "target.dim = 1 is not allowed")]
    [InlineData("dim = 4, size = 20", "at most 10000")]
    [InlineData("kind = mixture", "needs either target.file (a JSON file) or all of")]
    [InlineData("kind = mixture, weights = [1]", "needs target.means too")]
    [InlineData("kind = mixture, weights = [1, 1], means = [[0, 0]], covariances = [[[1, 0], [0, 1]]]", "must be a list of 2 vectors")]
    [InlineData("kind = mixture, weights = [1], means = [[0, 0]], covariances = [[[1, 2], [2, 1]]]", "not positive definite")]
    [InlineData("kind = mixture, weights = [1], means = [[0, 0]], covariances = [[[1, 0]]]", "must be a 2×2 matrix")]
    [InlineData("kind = mixture, weights = [-1], means = [[0]], covariances = [[[1]]]", "weights must be positive")]
    [InlineData("kind = mixture, weights = [1], means = [[0, x]], covariances = [[[1]]]", "target.means = ")]
    [InlineData("kind = mixture, file = \"nowhere.json\"", "nowhere.json: no such mixture file")]
    public void A_bad_target_is_refused_in_one_line_naming_what_is_wrong(string target, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config(target)));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("{ \"weights\": [1], \"means\": [[0]] }", "no \"covariances\"")]
    [InlineData("{ \"weights\": [1], \"means\": [[0]], \"covariances\": [[[\"a\"]]] }", "only numbers and lists of numbers")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{ weights: ", "not valid JSON")]
    public void A_bad_mixture_file_is_refused_in_one_line_naming_the_file(string json, string expected)
    {
        var path = Write("bad.json", json);
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("""kind = mixture, file = "bad.json" """)));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_ring_in_ten_dimensions_runs_every_task_kind_and_is_evaluated_against_its_components()
    {
        // Transformed 1-D marginals, plain 3-D marginals, transformed conditionals and joint tasks, all in 10-D.
        var config = ExperimentConfig.Load(Config("kind = ring, dim = 10, components = 4, radius = 3", """
            marginal { count = 1, masks = "haar(marginal(k=1))", inner-steps = 3 }
            subset { count = 1, masks = "marginal(k=3)", inner-steps = 3 }
            conditional { count = 1, masks = "haar(conditional(observed=1..5))", inner-steps = 3 }
            joint { count = 1, masks = "joint", inner-steps = 3 }
            """));
        var folder = Path.Combine(_folder, "run10");
        Directory.CreateDirectory(folder);
        var run = ExperimentRun.RunInto(config, folder, consoleLog: TextWriter.Null);
        var outcome = run.Gmm();
        Assert.Equal(30, outcome.Tasks);
        Assert.Equal(4, outcome.Final.ModesTotal);
        Assert.Equal(10 * 4 + 4 * 100 + 4, outcome.Final.Parameters.Length); // means, Cholesky factors (dense 10×10 each), logits
        Assert.True(double.IsFinite(outcome.Final.ReverseKl) && double.IsFinite(outcome.Final.ForwardKl));
        Assert.True(outcome.Final.ReverseKl < outcome.Evaluations[0].ReverseKl, "30 tasks lower the reverse KL from the start");
        Assert.Contains("ring(4 in 10-D, radius 3, variance 0.05)", File.ReadAllText(Path.Combine(folder, "report.md")));
    }
}
