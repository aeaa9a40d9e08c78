using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>One small run (30 tasks) shared by the inspect tests.</summary>
public sealed class InspectRunFixture : IDisposable
{
    public InspectRunFixture()
    {
        Root = Directory.CreateTempSubdirectory("biglearn-cli-inspect-").FullName;
        Run = Path.Combine(Root, "run");
        string config = "";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && config == ""; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf"))) config = Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf");
        var error = new StringWriter();
        int code = Cli.Run(["run", config, "--set", "budget=30", "--set", "evaluation.every=15", "--set", "ledger.audit-every=10", "--out", Run], new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException(error.ToString());
    }

    public string Root { get; }

    public string Run { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[Collection(TorchCollection.Name)]
public sealed class InspectCommandTests(InspectRunFixture fixture) : IClassFixture<InspectRunFixture>
{
    private static (int Code, string Output, string Error) Inspect(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(["inspect", .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private JsonNode Ledger() => JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Run, "contributions.json")))!;

    // The agent table's rows as (group, rank in group, id).
    private static (string Group, string Rank, int Id)[] AgentRows(string output)
    {
        var section = output[output.IndexOf("agents by group", StringComparison.Ordinal)..];
        return section.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .Where(c => c.Length > 4 && int.TryParse(c[3], out _)).Select(c => (c[1], c[2], int.Parse(c[3]))).ToArray();
    }

    [Fact]
    public void Inspect_ranks_groups_by_credit_and_lists_agents_by_group_unranked_where_they_do_not_differ_more_than_chance()
    {
        var (code, output, error) = Inspect(fixture.Run);
        Assert.True(code == 0, error);
        Assert.Contains("groups by credit", output);
        Assert.Contains("agents differ?", output);
        Assert.False(output.Contains((char)27), "no ANSI escape codes when output is redirected");
        var groups = Ledger()["groups"]!.AsArray().Select(g => g!.AsObject()).ToArray();
        var marginal = groups.Single(g => (string)g["name"]! == "marginal");
        double p = (double)marginal["agents_differ_p"]!;
        Assert.Contains($"{(p <= 0.05 ? "yes" : "no")} (p = {p.ToString(System.Globalization.CultureInfo.InvariantCulture)})", output);
        // Agents by group in the groups' order; a group whose agents do not differ more than chance is listed by id, unranked.
        var rows = AgentRows(output);
        Assert.Equal(groups.Select(g => (string)g["name"]!), rows.Select(r => r.Group).Distinct());
        if (p > 0.05)
        {
            var members = rows.Where(r => r.Group == "marginal").ToArray();
            Assert.Equal(members.Select(r => r.Id).Order(), members.Select(r => r.Id));
            Assert.All(members, r => Assert.Equal("-", r.Rank));
        }
    }

    [Fact]
    public void Inspect_ranks_a_groups_agents_by_corrected_credit_when_its_test_says_they_differ()
    {
        // The fixture's ledger with the marginal group's test edited to p = 0.001: its agents are then ranked by corrected credit.
        var folder = Path.Combine(fixture.Root, "differ");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(fixture.Run, "config.conf"), Path.Combine(folder, "config.conf"), overwrite: true);
        var ledger = Ledger().AsObject();
        ledger["groups"]!.AsArray().Single(g => (string)g!["name"]! == "marginal")!["agents_differ_p"] = 0.001;
        File.WriteAllText(Path.Combine(folder, "contributions.json"), ledger.ToJsonString());
        var (code, output, error) = Inspect(folder);
        Assert.True(code == 0, error);
        Assert.Contains("yes (p = 0.001)", output);
        var expected = ledger["agents"]!.AsArray().Where(a => (string)a!["group"]! == "marginal")
            .OrderByDescending(a => (double)a!["corrected_credit"]!).ThenBy(a => (int)a!["id"]!).Select(a => (int)a!["id"]!);
        var members = AgentRows(output).Where(r => r.Group == "marginal").ToArray();
        Assert.Equal(expected, members.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(1, members.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), members.Select(r => r.Rank));
    }

    [Fact]
    public void Inspect_windows_prints_each_groups_share_per_window_and_its_json_is_the_files_windows()
    {
        var (code, output, error) = Inspect(fixture.Run, "--windows");
        Assert.True(code == 0, error);
        Assert.Contains("each group's share of the credit per window", output);
        var windows = Ledger()["windows"]!.AsArray();
        Assert.Equal(2, windows.Count); // 30 tasks, evaluated every 15
        Assert.Contains("1–15", output);
        Assert.Contains("16–30", output);
        var (jsonCode, json, _) = Inspect(fixture.Run, "--windows", "--json");
        Assert.Equal(0, jsonCode);
        Assert.True(JsonNode.DeepEquals(windows, JsonNode.Parse(json)));
        var (both, _, bothError) = Inspect(fixture.Run, "--windows", "--agent", "0");
        Assert.Equal(2, both);
        Assert.Equal("biglearn: --agent, --group and --windows: give at most one of them", bothError.TrimEnd());
    }

    [Fact]
    public void Inspect_json_parses_back_to_the_ledger_whose_credits_sum_to_its_total()
    {
        var (code, output, _) = Inspect(fixture.Run, "--json");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        var agents = json["agents"]!.AsArray();
        Assert.Equal(4, agents.Count);
        Assert.Equal((double)json["total_credit"]!, agents.Sum(a => (double)a!["credit"]!), 9);
        Assert.Equal((double)json["total_credit"]!, (double)json["initial_objective"]! - (double)json["final_objective"]!, 9);
        Assert.Equal(["marginal", "joint"], json["groups"]!.AsArray().Select(g => (string)g!["name"]!).OrderBy(n => n == "joint"));
    }

    [Fact]
    public void Inspect_agent_shows_that_agent_and_its_rank()
    {
        var (code, output, _) = Inspect(fixture.Run, "--agent", "3", "--json");
        Assert.Equal(0, code);
        var agent = JsonNode.Parse(output)!;
        Assert.Equal(3, (int)agent["id"]!);
        Assert.Equal("joint", (string)agent["group"]!);
        var ranked = Ledger()["agents"]!.AsArray().Select(a => (int)a!["id"]!).ToList();
        Assert.Equal(ranked.IndexOf(3) + 1, (int)agent["rank"]!);

        var (tableCode, table, _) = Inspect(fixture.Run, "--agent", "3");
        Assert.Equal(0, tableCode);
        Assert.Contains("first_own_loss", table);
    }

    [Fact]
    public void Inspect_group_lists_only_its_agents()
    {
        var (code, output, _) = Inspect(fixture.Run, "--group", "marginal", "--json");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("marginal", (string)json["group"]!["name"]!);
        Assert.Equal([0, 1, 2], json["agents"]!.AsArray().Select(a => (int)a!["id"]!).Order());
    }

    [Theory]
    [InlineData("missing", new string[0], "no such folder")]
    [InlineData("", new[] { "--agent", "99" }, "--agent 99: no such agent")]
    [InlineData("", new[] { "--agent", "x" }, "--agent x: no such agent")]
    [InlineData("", new[] { "--group", "nope" }, "--group nope: no such group")]
    [InlineData("plots", new string[0], "not a run folder (no config.conf")]
    public void Bad_input_exits_with_2_and_one_line(string sub, string[] options, string expected)
    {
        var (code, output, error) = Inspect([Path.Combine(fixture.Run, sub), .. options]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
