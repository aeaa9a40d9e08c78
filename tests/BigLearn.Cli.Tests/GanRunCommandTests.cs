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

    private static double CompletionOf(string runFolder, string mask) =>
        (double)JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "summary.json")))!["completion_accuracy"]![mask]!;

    private static double FidOf(string runFolder) => (double)JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "summary.json")))!["classifier_fid"]!;

    [Fact]
    public void A_gan_config_is_ablated_on_fid_and_completion_accuracy_and_a_request_it_cannot_answer_is_refused_in_one_line()
    {
        var cache = Path.Combine(_folder, "cache");
        string[] small = ["--set", "budget=8", "--set", "evaluation.every=4", "--set", $"evaluation.classifier-cache={cache}"];
        var folder = Path.Combine(_folder, "ablation");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(["ablate", Config("gan-smoke.conf"), "--groups", "boxes", "--seeds", "1", "--shapley", "--figure", "completion_top_half",
            .. small, "--out", folder], output, error);
        Assert.True(code == 0, error.ToString());
        var ablation = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "ablation.json")))!;
        Assert.Equal(["classifier_fid", "completion_top_half", "completion_left_half", "completion_random_25"],
            ablation["baseline_mean"]!.AsObject().Select(kv => kv.Key));
        // Independently: the variant's summary.json minus the whole population's.
        string whole = Path.Combine(folder, "all", "seed-1"), without = Path.Combine(folder, "without-boxes", "seed-1");
        var effects = ablation["groups"]![0]!["effect_of_removing"]!;
        Assert.Equal(FidOf(without) - FidOf(whole), (double)effects["classifier_fid"]!["per_seed"]![0]!, 5); // summary.json rounds to 6 decimals
        Assert.Equal(CompletionOf(without, "left_half") - CompletionOf(whole, "left_half"), (double)effects["completion_left_half"]!["per_seed"]![0]!, 5); // summary.json rounds to 6 decimals
        // One studied group: its Shapley value is what removing it costs, on the chosen figure.
        Assert.Equal(CompletionOf(whole, "top_half") - CompletionOf(without, "top_half"), (double)ablation["shapley"]!["values"]!["boxes"]!["value"]!, 5); // summary.json rounds to 6 decimals
        Assert.Contains("completion, top half", output.ToString());
        // Each variant is a GAN seed sweep: its table holds each seed's figures as its summary.json has them.
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "all", "sweep.json")))!;
        var run = sweep["runs"]!.AsArray().Single()!;
        Assert.Equal(1, (long)run["seed"]!);
        Assert.Equal(FidOf(whole), (double)run["classifier_fid"]!, 5);
        Assert.Equal(CompletionOf(whole, "random_25"), (double)run["completion_random_25"]!, 5);
        Assert.Contains("| seed | classifier FID |", File.ReadAllText(Path.Combine(folder, "all", "sweep.md")));

        foreach (var (args, expected) in new (string[], string)[]
        {
            (["--figure", "modes_covered"], "--figure modes_covered: not allowed (one of: classifier_fid, completion_top_half, completion_left_half, completion_random_25)"),
            (["--shapley"], "does not evaluate an untrained model"),
        })
        {
            var refusal = new StringWriter();
            var refusedFolder = Path.Combine(_folder, "refused");
            Assert.Equal(2, Cli.Run(["ablate", Config("gan-smoke.conf"), .. args, .. small, "--out", refusedFolder], new StringWriter(), refusal));
            Assert.Contains(expected, refusal.ToString());
            Assert.Single(refusal.ToString().TrimEnd().Split('\n'));
            Assert.False(Directory.Exists(refusedFolder));
        }
    }
}
