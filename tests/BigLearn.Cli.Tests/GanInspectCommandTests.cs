using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>configs/gan-smoke.conf run once through the command line (its sampled ledger on), shared by the tests below.</summary>
public sealed class GanInspectRunFixture : IDisposable
{
    public GanInspectRunFixture()
    {
        Root = Directory.CreateTempSubdirectory("biglearn-cli-gan-inspect-").FullName;
        Run = Path.Combine(Root, "run");
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist"))
            throw new InvalidOperationException("Fashion-MNIST is missing: run build/install-test-deps.sh (apt-get install dataset-fashion-mnist)");
        var error = new StringWriter();
        int code = Cli.Run(["run", Config, "--set", $"evaluation.classifier-cache={Path.Combine(Root, "cache")}", "--out", Run], new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException(error.ToString());
    }

    public static string Config
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "configs", "gan-smoke.conf"))) return Path.Combine(dir.FullName, "configs", "gan-smoke.conf");
            throw new InvalidOperationException("configs/gan-smoke.conf not found");
        }
    }

    public string Root { get; }

    public string Run { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[Collection(TorchCollection.Name)]
public sealed class GanInspectCommandTests(GanInspectRunFixture fixture) : IClassFixture<GanInspectRunFixture>
{
    private static (int Code, string Output, string Error) Biglearn(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private JsonNode Ledger() => JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Run, "contributions.json")))!;

    [Fact]
    public void Inspect_ranks_a_gan_runs_groups_and_agents_and_says_how_J_was_measured()
    {
        var (code, output, error) = Biglearn("inspect", fixture.Run);
        Assert.True(code == 0, error);
        Assert.StartsWith("gan-smoke (seed 888): J = completion-fid, sampled: every 4-th task measured, credits scaled; J ", output);
        Assert.Contains("groups by credit", output);
        Assert.Contains("agents by group", output); // one agent per group: nothing to rank within a group
        var ledger = Ledger();
        Assert.Equal(["boxes", "halves", "joint", "patches", "pixels"], ledger["groups"]!.AsArray().Select(g => (string)g!["name"]!).Order());
        foreach (var name in new[] { "boxes", "halves", "joint", "patches", "pixels" }) Assert.Contains(name, output);
        var agents = ledger["agents"]!.AsArray();
        Assert.Equal(agents.Select(a => (double)a!["credit"]!).OrderByDescending(c => c), agents.Select(a => (double)a!["credit"]!));
        Assert.Equal(10, agents.Sum(a => (long)a!["measured_tasks"]!)); // tasks 1, 5, …, 37
        Assert.Equal(40, agents.Sum(a => (long)a!["tasks"]!));
    }

    [Fact]
    public void Inspect_json_and_windows_read_a_gan_run_folder_as_a_mixture_runs()
    {
        var (code, output, _) = Biglearn("inspect", fixture.Run, "--json");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        Assert.True(JsonNode.DeepEquals(Ledger(), json));
        Assert.Equal("completion-fid", (string)json["objective"]!);
        Assert.Equal((double)json["total_credit"]!, json["agents"]!.AsArray().Sum(a => (double)a!["credit"]!), 9);
        Assert.Null(json["imbalance"]); // a sampled ledger has no balance to report

        var (windowsCode, windows, windowsError) = Biglearn("inspect", fixture.Run, "--windows");
        Assert.True(windowsCode == 0, windowsError);
        Assert.Contains("1–20", windows); // cut at the quick checks, every 20 tasks
        Assert.Contains("21–40", windows);
        var (_, windowsJson, _) = Biglearn("inspect", fixture.Run, "--windows", "--json");
        Assert.True(JsonNode.DeepEquals(Ledger()["windows"], JsonNode.Parse(windowsJson)));

        var (groupCode, group, _) = Biglearn("inspect", fixture.Run, "--group", "halves", "--json");
        Assert.Equal(0, groupCode);
        Assert.Equal([2], JsonNode.Parse(group)!["agents"]!.AsArray().Select(a => (int)a!["id"]!));
        var (agentCode, agent, _) = Biglearn("inspect", fixture.Run, "--agent", "0");
        Assert.Equal(0, agentCode);
        Assert.Contains("first_own_loss", agent);
    }

    [Theory]
    [InlineData("ledger.audit-every=10", "ledger.audit-every = 10 is not allowed (0 for a gan run: alignment audits need ∇J")]
    [InlineData("ledger.objective=joint-reverse-kl", "ledger.objective = joint-reverse-kl is not allowed (one of: completion-fid, completion-fid-trained for a gan run)")]
    [InlineData("ledger.samples=500", "ledger.samples = 500 is not allowed (an integer in [2, 200])")]
    public void A_ledger_a_gan_run_cannot_keep_exits_with_2_and_one_line_before_anything_runs(string set, string expected)
    {
        var outDir = Path.Combine(fixture.Root, "refused");
        foreach (var (code, output, error) in new[] { Biglearn("validate", GanInspectRunFixture.Config, "--set", set), Biglearn("run", GanInspectRunFixture.Config, "--set", set, "--out", outDir) })
        {
            Assert.Equal(2, code);
            Assert.DoesNotContain("wrote", output);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected, line);
            Assert.Contains("gan-smoke.conf (--set): ", line);
        }
        Assert.False(Directory.Exists(outDir));
    }
}
