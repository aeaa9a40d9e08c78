namespace BigLearn.Cli.Tests;

[Collection(TorchCollection.Name)]
public sealed class LandscapeRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_tiny_landscape_run_writes_every_output_and_prints_the_headline_minima()
    {
        var config = Path.Combine(_folder, "tiny.conf");
        File.WriteAllText(config, "experiment = tiny\ndevice = cpu\nmarginal.angles-deg = [0, 45]\nconditional { angles-deg = [0, 90], values = 2 }\n");
        var outDir = Path.Combine(_folder, "run");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Cli.Run(["landscape", config, "--set", "grid.points=5", "--set", "samples=50", "--out", outDir], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Equal("", error.ToString());
        string[] expected =
        [
            "config.conf", "landscape.csv", "report.md",
            "plots/joint.png", "plots/marginal-000.png", "plots/marginal-045.png", "plots/marginal-sum.png", "plots/conditional-sum.png",
        ];
        foreach (var file in expected) Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        // 1 joint + 2 marginals + 2×2 conditionals + 2 sums.
        Assert.Equal(9, Directory.GetFiles(Path.Combine(outDir, "plots"), "*.png").Length);
        Assert.Equal(1 + 9 * 25, File.ReadLines(Path.Combine(outDir, "landscape.csv")).Count());
        Assert.Contains("points : 5", File.ReadAllText(Path.Combine(outDir, "config.conf")));
        Assert.Contains("--set samples=50", File.ReadAllText(Path.Combine(outDir, "config.conf")));

        var text = output.ToString();
        Assert.Contains($"wrote 12 files to {Path.GetFullPath(outDir)}", text);
        Assert.Contains("joint minima:", text);
        Assert.Contains("conditional-sum minima:", text);
        // Redirected output gets plain progress lines, not a live bar.
        Assert.Contains("computing landscapes: 100%", text);
        Assert.False(text.Contains((char)27), "no ANSI escape codes when output is redirected");
    }
}
