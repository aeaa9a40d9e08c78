using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

[Collection(TorchCollection.Name)]
public sealed class RunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-population-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string SmokeConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf");
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException("configs/gmm25-smoke.conf not found");
    }

    [Fact]
    public void Run_on_the_smoke_config_writes_the_run_folder_and_prints_the_summary()
    {
        var outDir = Path.Combine(_folder, "run");
        var output = new StringWriter();
        var error = new StringWriter();

        // Evaluated at 0, 15 and, asked by the run itself, at the end (20 is not a multiple of 15).
        var code = Cli.Run(["run", SmokeConfig(), "--set", "budget=20", "--set", "evaluation.every=15", "--out", outDir], output, error);

        Assert.True(code == 0, error.ToString());
        foreach (var file in new[] { "config.conf", "metrics.csv", "agents.csv", "summary.json", "report.md", "log.jsonl", "plots/model-final.png", "plots/density-final.png" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        Assert.Equal(20, (long)summary["tasks"]!);
        var text = output.ToString();
        Assert.Contains($"to {Path.GetFullPath(outDir)}", text);
        Assert.Contains("seed 888: 100% (20/20 tasks)", text); // plain progress lines when redirected
        // The last progress line shows the figures of the end, which the summary has too.
        var last = text.Split('\n').Last(l => l.StartsWith("seed 888: "));
        Assert.StartsWith("seed 888: done (20/20 tasks)", last);
        Assert.Contains(FormattableString.Invariant($"modes covered {(int)summary["modes_covered"]!}, reverse KL {Reporting.FigureText.ThreeDecimals((double)summary["reverse_kl"]!)};"), last);
        Assert.False(text.Contains((char)27), "no ANSI escape codes when output is redirected");
    }

    [Theory]
    [InlineData("groups.joint.masks=\"haar(jont)\"", "groups.joint.masks = \"haar(jont)\" is not allowed")]
    [InlineData("groups.joint.shares=0.5", "unknown key groups.joint.shares = 0.5 (did you mean groups.joint.share?)")]
    [InlineData("budget=0", "budget = 0 is not allowed")]
    public void A_bad_config_exits_with_2_and_one_line_and_leaves_no_folder(string set, string expected)
    {
        var outDir = Path.Combine(_folder, "bad");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Cli.Run(["run", SmokeConfig(), "--set", set, "--out", outDir], output, error);

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("biglearn: ", line);
        Assert.Contains(expected, line);
        Assert.Empty(Directory.GetFileSystemEntries(_folder)); // neither the folder nor a staging folder
    }

    [Fact]
    public void Bad_seeds_exit_with_2()
    {
        var error = new StringWriter();
        var code = Cli.Run(["run", SmokeConfig(), "--seeds", "1,x", "--out", Path.Combine(_folder, "s")], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("--seeds 1,x: \"x\" is not allowed", error.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("")]
    public void Bad_replicas_exit_with_2_and_one_line_naming_the_value(string value)
    {
        var error = new StringWriter();
        var code = Cli.Run(["run", SmokeConfig(), "--seeds", "1,2", "--replicas", value, "--out", Path.Combine(_folder, "r")], new StringWriter(), error);

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"biglearn: --replicas {value}: not allowed (auto, or how many seeds run at the same time: a whole number, at least 1)", line);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("--replicas 2", "--replicas 2: only with --seeds")]
    [InlineData("--replicas auto", "--replicas auto: only with --seeds")]
    [InlineData("--seeds 1,2 --replicas 2 --cluster 127.0.0.1:4053", "--replicas 2: not with --cluster")]
    public void Replicas_without_seeds_or_with_a_cluster_exit_with_2(string arguments, string expected)
    {
        var error = new StringWriter();
        var code = Cli.Run(["run", SmokeConfig(), .. arguments.Split(' '), "--out", Path.Combine(_folder, "r")], new StringWriter(), error);

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"biglearn: {expected} (", line);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Run_with_replicas_runs_the_seeds_side_by_side_into_the_same_sweep()
    {
        var outDir = Path.Combine(_folder, "replicas");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Cli.Run(["run", SmokeConfig(), "--set", "budget=10", "--set", "evaluation.every=10", "--seeds", "2,1", "--replicas", "2", "--out", outDir],
            output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("seeds 2,1, 2 at a time", text);
        Assert.Contains("2 replicas side by side", text);
        // Both replicas' progress lines come out whole, each seed's in its own order.
        foreach (var seed in new[] { 2, 1 })
        {
            var lines = text.Split('\n').Where(l => l.StartsWith($"seed {seed}: ", StringComparison.Ordinal)).ToArray();
            Assert.StartsWith($"seed {seed}: 0% (0/10 tasks)", lines[0]);
            Assert.Contains(lines, l => l.StartsWith($"seed {seed}: 100% (10/10 tasks)", StringComparison.Ordinal));
            Assert.Equal(seed, (long)JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, $"seed-{seed}", "summary.json")))!["seed"]!);
        }
        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!["runs"]!.AsArray();
        Assert.Equal(new long[] { 2, 1 }, runs.Select(r => (long)r!["seed"]!)); // the order of --seeds
    }

    [Fact]
    public void Run_help_lists_replicas()
    {
        var output = new StringWriter();
        Assert.Equal(0, Cli.Run(["run", "--help"], output, new StringWriter()));
        Assert.Contains("--replicas <auto|R>", output.ToString());
    }

    [Fact]
    public void Run_with_two_seeds_writes_one_folder_per_seed_and_the_sweep_table()
    {
        var outDir = Path.Combine(_folder, "sweep");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Cli.Run(["run", SmokeConfig(), "--set", "budget=10", "--set", "evaluation.every=10", "--seeds", "1,2", "--out", outDir], output, error);

        Assert.True(code == 0, error.ToString());
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        var runs = sweep["runs"]!.AsArray();
        Assert.Equal(new long[] { 1, 2 }, runs.Select(r => (long)r!["seed"]!));
        foreach (var seed in new[] { 1, 2 })
        {
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, $"seed-{seed}", "summary.json")))!;
            Assert.Equal(seed, (long)summary["seed"]!);
        }
        double meanModes = runs.Average(r => (double)r!["modes_covered"]!);
        Assert.Equal(meanModes, (double)sweep["mean"]!["modes_covered"]!, 12);
        Assert.Contains("| **mean** |", File.ReadAllText(Path.Combine(outDir, "sweep.md")));
        Assert.Contains("mean", output.ToString());
    }
}
