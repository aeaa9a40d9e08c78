using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

[Collection(TorchCollection.Name)]
public sealed class AblateCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("biglearn-cli-ablate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Smoke()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf"))) return Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf");
        throw new InvalidOperationException("configs/gmm25-smoke.conf not found");
    }

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BigLearn.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static readonly string[] Small =
        ["--set", "budget=20", "--set", "groups.marginal.inner-steps=2", "--set", "groups.joint.inner-steps=2", "--set", "evaluation.every=10",
         "--set", "evaluation.samples=500", "--set", "ledger.every=0"];

    [Fact]
    public void Ablate_writes_its_folder_prints_the_table_and_inspect_reads_it_back()
    {
        var folder = Path.Combine(_root, "ablation");
        var (code, output, error) = Cli(["ablate", Smoke(), "--groups", "joint", "--seeds", "1,2", "--shapley", .. Small, "--out", folder]);
        Assert.True(code == 0, error);
        Assert.Contains("group removed", output);
        Assert.Contains("Shapley values on modes_covered", output); // the table title may wrap
        var (inspectCode, table, inspectError) = Cli("inspect", folder);
        Assert.True(inspectCode == 0, inspectError);
        Assert.Contains("the effect of removing each group", table);
        var (_, json, _) = Cli("inspect", folder, "--json");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "ablation.json"))), JsonNode.Parse(json)));
        var (windowsCode, _, windowsError) = Cli("inspect", folder, "--windows");
        Assert.Equal(2, windowsCode);
        Assert.Contains("an ablation folder", windowsError);
    }

    [Theory]
    [InlineData("--figure", "modes", "biglearn: --figure modes: not allowed (one of: modes_covered, high_quality_fraction, reverse_kl, forward_kl)")]
    [InlineData("--samples", "5", "biglearn: --samples 5: only with --shapley")]
    [InlineData("--groups", "joint,nope", "no group nope in")]
    [InlineData("--seeds", "1,x", "biglearn: --seeds 1,x: \"x\" is not allowed")]
    public void A_bad_option_exits_2_with_one_line_and_writes_nothing(string option, string value, string expected)
    {
        var folder = Path.Combine(_root, "bad");
        var (code, _, error) = Cli("ablate", Smoke(), option, value, "--out", folder);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(folder));
    }
}
