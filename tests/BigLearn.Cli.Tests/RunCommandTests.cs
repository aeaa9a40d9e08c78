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
