using System.Globalization;
using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>inspect --adaptation on a small adaptive run (configs/menu-smoke.conf): its table and JSON equal adaptation.json.</summary>
[Collection(TorchCollection.Name)]
public sealed class InspectAdaptationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("biglearn-cli-adapt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string SmokeConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "configs", "menu-smoke.conf"))) return Path.Combine(dir.FullName, "configs", "menu-smoke.conf");
        throw new InvalidOperationException("configs/menu-smoke.conf not found");
    }

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BigLearn.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Inspect_adaptation_shows_each_familys_mean_shares_and_every_agents_final_shares_as_written()
    {
        var run = Path.Combine(_root, "run");
        Assert.Equal(0, Cli("run", SmokeConfig(), "--set", "budget=60", "--set", "evaluation.every=30", "--out", run).Code);
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "adaptation.json")))!;

        var (code, output, _) = Cli("inspect", run, "--adaptation");

        Assert.Equal(0, code);
        var menu = file["menus"]![0]!;
        Assert.Contains("group agents (pbt, 4 agents, 10 pbt copies): mean shares", output);
        foreach (var family in menu["families"]!.AsArray())
        {
            string end = ((double)family!["share_end"]!).ToString("P1", CultureInfo.InvariantCulture);
            var line = output.Split('\n').First(l => l.StartsWith($"│ {family["family"]} ", StringComparison.Ordinal) && l.Contains("25.0 %", StringComparison.Ordinal));
            Assert.Contains(end, line);
            Assert.Contains($" {family["tasks"]} ", line);
        }
        Assert.Equal(4, menu["agents_end"]!.AsArray().Count);
        Assert.Equal(60, menu["families"]!.AsArray().Sum(f => (long)f!["tasks"]!));

        var (jsonCode, json, _) = Cli("inspect", run, "--adaptation", "--json");
        Assert.Equal(0, jsonCode);
        Assert.True(JsonNode.DeepEquals(file, JsonNode.Parse(json)));
        // The plain inspect appends the menu's table to the ledger's.
        Assert.Contains("group agents (pbt, 4 agents, 10 pbt copies): mean shares", Cli("inspect", run).Output);
    }

    [Fact]
    public void Inspect_adaptation_of_a_run_without_a_menu_or_with_other_options_is_one_line_and_exit_2()
    {
        var folder = Path.Combine(_root, "plain");
        Directory.CreateDirectory(folder);
        var (code, _, error) = Cli("inspect", folder, "--adaptation");
        Assert.Equal(2, code);
        Assert.Contains("no adaptation.json (the run had no group with a menu", error);
        Assert.Single(error.Trim().Split('\n'));
        (code, _, error) = Cli("inspect", folder, "--adaptation", "--windows");
        Assert.Equal(2, code);
        Assert.Contains("--adaptation: give it alone", error);
    }
}
