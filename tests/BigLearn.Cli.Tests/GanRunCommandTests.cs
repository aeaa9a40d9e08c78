using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

[Collection(TorchCollection.Name)]
public sealed class GanRunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-gan-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Config(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "configs", name);
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException($"configs/{name} not found");
    }

    [Fact]
    public void The_gan_smoke_config_runs_end_to_end_through_the_actors_and_its_summary_is_sane()
    {
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist"))
            Assert.Fail("Fashion-MNIST is missing: run build/install-test-deps.sh (apt-get install dataset-fashion-mnist)");
        var outDir = Path.Combine(_folder, "run");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Cli.Run(["run", Config("gan-smoke.conf"), "--set", $"evaluation.classifier-cache={Path.Combine(_folder, "cache")}", "--out", outDir],
            output, error);

        Assert.True(code == 0, error.ToString());
        foreach (var file in new[] { "config.conf", "metrics.csv", "agents.csv", "summary.json", "report.md", "log.jsonl",
                     "plots/samples.png", "plots/completions-regions.png", "plots/completions-ratios.png", "plots/diversity.png",
                     "contributions.json", "groups.csv", "plots/credit-by-group.png" }) // the smoke config keeps a sampled ledger
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.False(File.Exists(Path.Combine(outDir, ".incomplete")));

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        Assert.Equal(40, (long)summary["tasks"]!);
        Assert.Equal(40, (long)summary["steps"]! + (long)summary["nan_steps"]!);
        Assert.InRange((double)summary["classifier_fid"]!, (double)summary["classifier_fid_real_floor"]!, 1e5);
        foreach (var key in new[] { "completion_accuracy", "baseline_no_completion_accuracy", "baseline_nearest_neighbour_accuracy" })
            foreach (var mask in new[] { "top_half", "left_half", "random_25" })
                Assert.InRange((double)summary[key]![mask]!, 0, 1);
        // Nearest-neighbour completion from real training images beats leaving pixels black: a check of the evaluation itself.
        Assert.True((double)summary["baseline_nearest_neighbour_accuracy"]!["random_25"]! > (double)summary["baseline_no_completion_accuracy"]!["random_25"]!);
        var diversity = summary["diversity"]!.AsObject();
        Assert.Equal(new[] { "0", "0.25", "0.5", "0.75" }, diversity.Select(kv => kv.Key));
        Assert.All(diversity, kv => Assert.True((double)kv.Value! > 0));
        Assert.InRange((double)summary["data_spread"]!, 5, 20);
        Assert.Equal(5, summary["groups"]!.AsObject().Count);

        var text = output.ToString();
        Assert.Contains("seed 888: 100% (40/40 tasks)", text);
        Assert.Contains("completion accuracy", text);
        Assert.Contains("classifier FID", text);
    }

    [Fact]
    public void Two_lockstep_runs_with_the_same_seed_write_the_same_summary_apart_from_timings()
    {
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist"))
            Assert.Fail("Fashion-MNIST is missing: run build/install-test-deps.sh (apt-get install dataset-fashion-mnist)");
        string cache = Path.Combine(_folder, "cache");
        string Summary(string name, params string[] sets)
        {
            var outDir = Path.Combine(_folder, name);
            var error = new StringWriter();
            string[] args = ["run", Config("gan-smoke.conf"), "--set", "budget=12", "--set", "evaluation.every=6", "--set", $"evaluation.classifier-cache={cache}",
                .. sets.SelectMany(s => new[] { "--set", s }), "--out", outDir];
            Assert.True(Cli.Run(args, new StringWriter(), error) == 0, error.ToString());
            var text = File.ReadAllText(Path.Combine(outDir, "summary.json"));
            return text[..text.IndexOf("\"timings\"", StringComparison.Ordinal)];
        }

        // The first run trains the classifier into the cache, the second reads it back: the figures must not change.
        var first = Summary("a");
        Assert.Equal(first, Summary("b"));
        Assert.NotEqual(first, Summary("c", "seed=889"));
    }

    [Fact]
    public void A_missing_data_set_exits_with_2_naming_the_install_command_and_leaves_no_folder()
    {
        var outDir = Path.Combine(_folder, "run");
        var error = new StringWriter();

        var code = Cli.Run(["run", Config("gan-smoke.conf"), "--set", $"data.path={Path.Combine(_folder, "nowhere")}", "--out", outDir],
            new StringWriter(), error);

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("apt-get install dataset-fashion-mnist", line);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Seeds_are_refused_for_a_gan_run_with_the_alternative()
    {
        var error = new StringWriter();
        var code = Cli.Run(["run", Config("gan-smoke.conf"), "--seeds", "1,2", "--out", Path.Combine(_folder, "run")], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("--set seed=N", error.ToString());
    }
}
