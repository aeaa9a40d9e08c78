using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using static BigLearn.Cli.Tests.NodeProcesses;

namespace BigLearn.Cli.Tests;

/// <summary>
/// <c>biglearn run --cluster</c> across real processes on loopback: the same science over the wire (a lockstep run's
/// <c>summary.json</c> equals the single-process run's apart from timings), free scheduling, the agents spread over the
/// agents-role nodes as <c>cluster status</c> shows, and node loss (an agents-only node, then the node holding the model) survived
/// with the summary of an uninterrupted run. Every process is ended by its id; every wait is bounded.
/// </summary>
public sealed class ClusterRunTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("biglearn-cluster-run-").FullName;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private void Log(string line) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {line}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_lockstep_run_on_three_processes_writes_the_summary_of_the_single_process_run_and_free_scheduling_runs_too()
    {
        var (seed, nodes) = await StartCluster(["model,agents", "agents", "agents"]);
        try
        {
            // The smoke config, and the paper's schedule for its first 1,000 tasks, each against the same run in one process.
            foreach (var (config, sets) in new[] { (ValidationTests.SmokeConfig(), Array.Empty<string>()), (Config("gmm25-biglearn.conf"), ["--set", "budget=1000"]) })
            {
                var name = Path.GetFileNameWithoutExtension(config);
                var onCluster = Path.Combine(_root, name + "-cluster");
                var alone = Path.Combine(_root, name + "-local");
                var run = Start(["run", config, .. sets, "--cluster", seed, "--out", onCluster]);
                if (name == "gmm25-biglearn")
                {
                    // While it runs, cluster status shows the experiment, its model on the model node and its 11 agents over several nodes.
                    var placement = await WaitForPlacement(seed, Path.GetFileName(onCluster), 11, run);
                    Assert.Equal(nodes[0].Address, placement.Model);
                    Assert.True(placement.AgentsByNode.Count >= 2, $"all agents on one node: {string.Join(", ", placement.AgentsByNode)}");
                }
                await Succeeds(run);
                await Succeeds(Start(["run", config, .. sets, "--out", alone]));
                Assert.Equal(Summary(alone).ToJsonString(), Summary(onCluster).ToJsonString());
                Assert.Equal([], JsonNode.Parse(File.ReadAllText(Path.Combine(onCluster, "cluster.json")))!["recoveries"]!.AsArray().Select(r => r!.ToString()));
                // The run's own log lines, out of the model node's log: the supervisor's phases and the checkpoints, as in one process.
                var log = File.ReadAllText(Path.Combine(onCluster, "log.jsonl"));
                Assert.Contains("Phase {0}: tasks", log);
                Assert.Contains("Checkpoint at {Step} tasks", log);
                Assert.Equal(File.ReadAllLines(Path.Combine(alone, "log.jsonl")).Count(l => l.Contains("Checkpoint at")),
                    File.ReadAllLines(Path.Combine(onCluster, "log.jsonl")).Count(l => l.Contains("Checkpoint at")));
            }

            var free = Path.Combine(_root, "free");
            await Succeeds(Start(["run", Config("gmm25-biglearn.conf"), "--set", "budget=1000", "--set", "scheduling=free", "--cluster", seed, "--out", free]));
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(free, "summary.json")))!;
            Assert.Equal("free", summary["scheduling"]!.GetValue<string>());
            Assert.Equal(1000, summary["tasks"]!.GetValue<long>());
        }
        finally
        {
            foreach (var node in nodes) End(node.Node.Process);
        }
    }

    [Fact]
    public async Task A_sweep_spreads_over_the_model_nodes_and_a_run_survives_the_loss_of_an_agents_node_then_of_the_node_holding_its_model()
    {
        // Two model-role nodes (the model can move) and one agents-only node.
        var (seed, nodes) = await StartCluster(["model,agents", "model,agents", "agents"]);
        try
        {
            // Two seeds of a sweep run at once, one on each model-role node, each with the summary of its single-process run.
            var sweep = Path.Combine(_root, "sweep");
            await Succeeds(Start(["run", ValidationTests.SmokeConfig(), "--seeds", "888,5079", "--cluster", seed, "--out", sweep]));
            await Succeeds(Start(["run", ValidationTests.SmokeConfig(), "--seeds", "888,5079", "--out", sweep + "-local"]));
            var models = new[] { "seed-888", "seed-5079" }.Select(name =>
            {
                Assert.Equal(Summary(Path.Combine(sweep + "-local", name)).ToJsonString(), Summary(Path.Combine(sweep, name)).ToJsonString());
                return JsonNode.Parse(File.ReadAllText(Path.Combine(sweep, name, "cluster.json")))!["modelNode"]!.GetValue<string>();
            }).ToArray();
            Assert.NotEqual(models[0], models[1]);
            Assert.True(File.Exists(Path.Combine(sweep, "sweep.json")) && File.Exists(Path.Combine(sweep, "sweep.md")));
            Log($"a sweep of two seeds ran on {string.Join(" and ", models)}");

            // SIGKILL of the agents-only node while it holds agents: they come back elsewhere from the newest checkpoint.
            var lostAgents = Path.Combine(_root, "agents-lost");
            var run = Start(["run", Config("gmm25-biglearn.conf"), "--set", "budget=1500", "--cluster", seed, "--out", lostAgents]);
            var placement = await WaitForPlacement(seed, "agents-lost", 11, run);
            var victim = nodes.Single(n => n.Roles == "agents");
            Assert.True(placement.AgentsByNode.ContainsKey(victim.Address), $"no agent on the agents-only node: {string.Join(", ", placement.AgentsByNode)}");
            Log($"killing the agents-only node {victim.Address}");
            victim.Node.Process.Kill(); // SIGKILL, by id
            await Succeeds(run);
            Log("the run survived it");
            AssertRecovered(lostAgents, "budget=1500", $"was lost with its node {victim.Address}");

            // SIGKILL of the node that holds the model: the model comes back on the other model-role node from the newest checkpoint.
            var lostModel = Path.Combine(_root, "model-lost");
            run = Start(["run", Config("gmm25-biglearn.conf"), "--set", "budget=1500", "--cluster", FreeSeed(nodes, victim), "--out", lostModel]);
            placement = await WaitForPlacement(FreeSeed(nodes, victim), "model-lost", 11, run);
            var holder = nodes.Single(n => n.Address == placement.Model);
            await WaitForCheckpoint(lostModel);
            Log($"killing the model's node {holder.Address}");
            holder.Node.Process.Kill();
            await Succeeds(run);
            Log("the run survived it");
            AssertRecovered(lostModel, "budget=1500", $"model node {holder.Address} was lost");
            var survivor = nodes.Single(n => n != holder && n != victim);
            Assert.Equal(survivor.Address, JsonNode.Parse(File.ReadAllText(Path.Combine(lostModel, "cluster.json")))!["modelNode"]!.GetValue<string>());
        }
        finally
        {
            foreach (var node in nodes) End(node.Node.Process);
        }
    }

    // The recovered run's summary is the uninterrupted single-process run's, plus the count of recoveries; cluster.json says why.
    private void AssertRecovered(string folder, string budget, string cause)
    {
        var alone = folder + "-local";
        Succeeds(Start(["run", Config("gmm25-biglearn.conf"), "--set", budget, "--out", alone])).GetAwaiter().GetResult();
        var recovered = Summary(folder);
        Assert.Equal(1, recovered["recoveries"]!.GetValue<int>());
        recovered.Remove("recoveries");
        Assert.Equal(Summary(alone).ToJsonString(), recovered.ToJsonString());
        var recoveries = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "cluster.json")))!["recoveries"]!.AsArray();
        Assert.Contains(cause, Assert.Single(recoveries)!.GetValue<string>());
    }

    private sealed record ClusterNode(Node Node, string Address, string Roles);

    private sealed record Placement(string Model, Dictionary<string, int> AgentsByNode);

    private static async Task<(string Seed, ClusterNode[] Nodes)> StartCluster(string[] roles)
    {
        int port = FreePort();
        string seed = $"127.0.0.1:{port}";
        var nodes = new List<ClusterNode>();
        try
        {
            for (int i = 0; i < roles.Length; i++)
            {
                var node = Start(["node", "--roles", roles[i], "--port", i == 0 ? port.ToString(CultureInfo.InvariantCulture) : "0", "--seed-nodes", seed]);
                var line = await node.FirstLine;
                nodes.Add(new ClusterNode(node, line.Split(' ')[1], roles[i]));
            }
            await WaitForMembers(seed, roles.Length, [.. nodes.Select(n => n.Node)]);
            return (seed, [.. nodes]);
        }
        catch
        {
            foreach (var node in nodes) End(node.Node.Process);
            throw;
        }
    }

    // A surviving node's endpoint, for commands after the first node may have been killed.
    private static string FreeSeed(ClusterNode[] nodes, ClusterNode lost) => nodes.First(n => n != lost).Address["akka.tcp://biglearn@".Length..];

    // Polls cluster status until the experiment shows its model and all its agents, bounded by Patience.
    private static async Task<Placement> WaitForPlacement(string endpoint, string experiment, int agents, Node run)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < Patience)
        {
            if (run.Process.HasExited) Assert.Fail($"the run ended before its placement was seen: {await run.Errors} {last}");
            var (code, output, errors) = await RunAsync(["cluster", "status", "--cluster", endpoint, "--json", "--timeout", "5"]);
            last = output + errors;
            if (code == 0)
            {
                var placement = JsonNode.Parse(output)!["placement"]!.AsArray();
                var model = placement.FirstOrDefault(p => p!["experiments"]!.AsArray().Any(e => e!.GetValue<string>() == experiment));
                var byNode = placement.Where(p => p!["agents"]![experiment] is not null)
                    .ToDictionary(p => p!["node"]!.GetValue<string>(), p => p!["agents"]![experiment]!.GetValue<int>());
                if (model is not null && byNode.Values.Sum() == agents) return new Placement(model["node"]!.GetValue<string>(), byNode);
            }
            await Task.Delay(200);
        }
        Assert.Fail($"no placement of {experiment} within {Patience}: {last}");
        return null!;
    }

    private static async Task WaitForCheckpoint(string folder)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            var checkpoints = Path.Combine(folder, "checkpoints");
            if (Directory.Exists(checkpoints) && Directory.GetDirectories(checkpoints, "ckpt-*").Length > 0) return;
            await Task.Delay(100);
        }
        Assert.Fail($"no checkpoint in {folder} within {Patience}");
    }

    private static async Task Succeeds(Node run)
    {
        try
        {
            await run.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            End(run.Process);
            Assert.Fail($"the run did not end within 3 minutes: {await run.FirstLine}\n{await run.Rest}\n{await run.Errors}");
        }
        var rest = await run.Rest.WaitAsync(TimeSpan.FromMinutes(4));
        await run.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        Assert.True(run.Process.ExitCode == 0, $"exit {run.Process.ExitCode}: {await run.FirstLine}\n{rest}\n{await run.Errors}");
        End(run.Process);
    }

    private static JsonObject Summary(string folder)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
        summary.Remove("timings");
        summary.Remove("provenance");
        return summary;
    }

    private static string Config(string name) => Path.Combine(Path.GetDirectoryName(ValidationTests.SmokeConfig())!, name);
}
