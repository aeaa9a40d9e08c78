using BigLearn.Core;
using BigLearn.Core.Landscapes;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Tests;

public sealed class ConfigSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string text, string name = "exp.conf")
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static ConfigException Refused(string path, params string[] sets) =>
        Assert.Throws<ConfigException>(() => LandscapeConfig.Load(path, sets));

    [Fact]
    public void An_empty_landscape_file_takes_the_papers_settings()
    {
        var config = LandscapeConfig.Load(File("", "my-study.conf"));
        var paper = LandscapeSpec.Paper;
        Assert.Equal("my-study", config.Experiment);
        Assert.Equal((-2.0, 2.0, 100, 2000, 888L), (config.Spec.GridMin, config.Spec.GridMax, config.Spec.GridPoints, config.Spec.Samples, config.Spec.Seed));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 15.0 * i), config.Spec.MarginalAnglesDeg);
        Assert.Equal(new[] { 0.0, 15, 30, 45, 60, 75, 90 }, config.Spec.ConditionalAnglesDeg);
        Assert.Equal(7, config.Spec.ConditionalValues);
        Assert.Equal(paper.MarginalAnglesDeg, config.Spec.MarginalAnglesDeg);
        Assert.Equal(DeviceChoice.Auto, config.Device);
        Assert.Equal(1, config.Threads);
    }

    [Fact]
    public void The_shipped_gmm2_config_is_valid_and_holds_the_papers_settings()
    {
        var path = Path.Combine(RepoRoot(), "configs", "gmm2-landscape.conf");
        var config = LandscapeConfig.Load(path);
        Assert.Equal("gmm2-landscape", config.Experiment);
        Assert.Equal(LandscapeSpec.Paper.GridPoints, config.Spec.GridPoints);
        Assert.Equal(LandscapeSpec.Paper.MarginalAnglesDeg, config.Spec.MarginalAnglesDeg);
        Assert.Equal(LandscapeSpec.Paper.ConditionalAnglesDeg, config.Spec.ConditionalAnglesDeg);
    }

    [Fact]
    public void A_set_override_wins_over_the_file_and_nested_blocks_read_as_dotted_keys()
    {
        var path = File("experiment = e1\ngrid { points = 40, min = -3 }\nsamples = 500\ndevice = cpu\nthreads = 2\n");
        var config = LandscapeConfig.Load(path, ["grid.points=7", "marginal.angles-deg=[0, 45.5, 90]", "device=CUDA"]);
        Assert.Equal(7, config.Spec.GridPoints);
        Assert.Equal(-3, config.Spec.GridMin);
        Assert.Equal(500, config.Spec.Samples);
        Assert.Equal(new[] { 0, 45.5, 90 }, config.Spec.MarginalAnglesDeg);
        Assert.Equal(DeviceChoice.Cuda, config.Device);
        Assert.Equal(2, config.Threads);
    }

    [Fact]
    public void The_later_of_two_overrides_of_one_key_wins()
    {
        var config = LandscapeConfig.Load(File("grid.points = 40"), ["grid.points=9", "grid.points=11"]);
        Assert.Equal(11, config.Spec.GridPoints);
    }

    [Fact]
    public void The_resolved_text_parses_back_to_the_same_settings()
    {
        var first = LandscapeConfig.Load(File("grid.points = 40\nseed = 5"), ["samples=123", "conditional.angles-deg=[10,20]"]);
        var again = LandscapeConfig.Load(File(first.Source.ResolvedText, "again.conf"));
        Assert.Equal((40, 123, 5L), (again.Spec.GridPoints, again.Spec.Samples, again.Spec.Seed));
        Assert.Equal(new[] { 10.0, 20 }, again.Spec.ConditionalAnglesDeg);
        Assert.Contains("--set samples=123", first.Source.ResolvedText);
    }

    [Theory]
    [InlineData("grid.points = -3", "grid.points = -3", "an integer in [2, 2000]")]
    [InlineData("grid.points = 1", "grid.points = 1", "an integer in [2, 2000]")]
    [InlineData("grid.points = 2.5", "grid.points = 2.5", "an integer in [2, 2000]")]
    [InlineData("grid.points = many", "grid.points = many", "an integer in [2, 2000]")]
    [InlineData("samples = 9", "samples = 9", "an integer in [10, 10000000]")]
    [InlineData("threads = 0", "threads = 0", "an integer in [1, 1024]")]
    [InlineData("grid.min = abc", "grid.min = abc", "a number in [-1000, 1000]")]
    [InlineData("grid.max = [1, 2]", "grid.max = [1, 2]", "a number in [-1000, 1000]")]
    [InlineData("device = gpu", "device = gpu", "one of: auto, cpu, cuda")]
    [InlineData("kind = run", "kind = run", "one of: landscape")]
    [InlineData("experiment = \"a b\"", "experiment = a b", "a name of letters, digits")]
    [InlineData("marginal.angles-deg = [0, 360]", "marginal.angles-deg = [0, 360]", "each in [0, 360)")]
    [InlineData("conditional.angles-deg = [-15, 0]", "conditional.angles-deg = [-15, 0]", "each in [0, 360)")]
    [InlineData("marginal.angles-deg = 30", "marginal.angles-deg = 30", "a non-empty list of numbers")]
    [InlineData("marginal.angles-deg = []", "marginal.angles-deg = (empty)", "a non-empty list of numbers")]
    [InlineData("conditional.values = 0", "conditional.values = 0", "an integer in [1, 1000]")]
    [InlineData("seed = -1", "seed = -1", "an integer in [0, ")]
    public void A_bad_value_is_refused_naming_the_file_the_key_the_value_and_what_is_allowed(string text, string keyAndValue, string allowed)
    {
        var path = File(text);
        var error = Refused(path);
        Assert.StartsWith($"{path}: {keyAndValue} is not allowed (", error.Message);
        Assert.Contains(allowed, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_bad_override_names_the_file_marked_as_set()
    {
        var path = File("grid.points = 40");
        var error = Refused(path, "grid.points=-3");
        Assert.Equal($"{path} (--set): grid.points = -3 is not allowed (an integer in [2, 2000])", error.Message);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_the_nearest_known_key()
    {
        var path = File("grid { pionts = 50 }");
        var error = Refused(path);
        Assert.Equal($"{path}: unknown key grid.pionts = 50 (did you mean grid.points?)", error.Message);
    }

    [Fact]
    public void An_unknown_override_key_is_refused_with_the_nearest_known_key()
    {
        var error = Refused(File(""), "sample=20");
        Assert.Contains("unknown key sample = 20 (did you mean samples?)", error.Message);
    }

    [Fact]
    public void A_far_fetched_unknown_key_lists_the_known_keys_instead_of_guessing()
    {
        var error = Refused(File("learning-rate-schedule = cosine"));
        Assert.Contains("unknown key learning-rate-schedule = cosine (known keys: experiment, kind,", error.Message);
    }

    [Theory]
    [InlineData("grid.min = 2\ngrid.max = 2")]
    [InlineData("grid.min = 1\ngrid.max = -1")]
    public void A_grid_whose_min_is_not_below_its_max_is_refused(string text)
    {
        var path = File(text);
        var error = Refused(path);
        Assert.StartsWith($"{path}: grid.min = ", error.Message);
        Assert.Contains("grid.min must be less than grid.max", error.Message);
    }

    [Theory]
    [InlineData("grid.points", "malformed override")]
    [InlineData("=5", "malformed override")]
    [InlineData("grid..points=5", "malformed key \"grid..points\"")]
    [InlineData("grid.points=", "malformed value \"\"")]
    [InlineData("marginal.angles-deg=[0, 15", "malformed value \"[0, 15\"")]
    [InlineData("grid.points=5 # hidden", "malformed value \"5 # hidden\"")]
    [InlineData("grid={points=5}", "malformed value \"{points=5}\"")]
    public void A_malformed_set_is_refused_quoting_it(string set, string problem)
    {
        var error = Refused(File(""), set);
        Assert.StartsWith($"--set {set}: {problem}", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var path = Path.Combine(_folder, "nope.conf");
        var error = Refused(path);
        Assert.Equal($"{path}: no such config file", error.Message);
    }

    [Fact]
    public void Typed_getters_read_numbers_with_the_invariant_culture_and_exponents()
    {
        var source = ConfigSource.Parse("a = 1.5e3\nb = \"-0.25\"\nc = [1, 2.5, 3e-1]", "inline.conf");
        Assert.Equal(1500, source.GetDouble("a", 0, -1e4, 1e4));
        Assert.Equal(-0.25, source.GetDouble("b", 0, -1, 1));
        Assert.Equal(new[] { 1, 2.5, 0.3 }, source.GetDoubleList("c", [], 0, 10));
        Assert.Equal(7, source.GetInt("absent", 7, 0, 10));
    }

    [Theory]
    [InlineData("grid.points", "grid.points", 0)]
    [InlineData("grid.pionts", "grid.points", 2)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void The_edit_distance_is_levenshtein(string a, string b, int expected) =>
        Assert.Equal(expected, KeySuggester.Distance(a, b));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "BigLearn.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
