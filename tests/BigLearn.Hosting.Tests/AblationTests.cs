using System.Text.Json.Nodes;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Ablations;

namespace BigLearn.Hosting.Tests;

[Collection(TorchCollection.Name)]
public sealed class AblationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-ablation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Small =
        ["budget=20", "groups.marginal.inner-steps=2", "groups.joint.inner-steps=2", "evaluation.every=10", "evaluation.samples=500", "ledger.every=0"];

    private static AblationRequest Request(IReadOnlyList<string>? groups = null, bool shapley = false) =>
        new(TestFiles.Config("gmm25-smoke.conf"), Small, [1, 2], groups, Replicas: 2, Shapley: shapley);

    [Fact]
    public void Removing_a_group_runs_the_same_seeds_without_it_and_reports_each_figures_paired_change_while_an_unrunnable_removal_says_why()
    {
        var result = ExperimentAblation.Run(Request(), Path.Combine(_folder, "a"));
        Assert.Equal(2, result.Variants); // the whole population and the one without joint
        var marginal = result.Effects.Single(e => e.Group == "marginal");
        Assert.Null(marginal.Effects);
        Assert.Contains("no group is active there", marginal.NotRunnable);
        var joint = result.Effects.Single(e => e.Group == "joint");
        // Independently: the variant's own summaries minus the whole population's, seed by seed.
        double Figure(string variant, long seed, string key) =>
            (double)JsonNode.Parse(File.ReadAllText(Path.Combine(result.Folder, variant, $"seed-{seed}", "summary.json")))![key]!;
        var reverseKl = joint.Effects!.Single(f => f.Figure == "reverse_kl");
        Assert.Equal(new[] { 1L, 2L }.Select(s => Figure("without-joint", s, "reverse_kl") - Figure("all", s, "reverse_kl")), reverseKl.PerSeed);
        Assert.Equal(reverseKl.PerSeed.Average(), reverseKl.Mean, 12);
        Assert.True(reverseKl.Low <= reverseKl.Mean && reverseKl.Mean <= reverseKl.High);
        // The variant really lacks the group: no joint agent in its agents.csv, and its config says so.
        Assert.DoesNotContain(",joint,", File.ReadAllText(Path.Combine(result.Folder, "without-joint", "seed-1", "agents.csv")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(result.Folder, AblationWriter.JsonFile)))!;
        Assert.Contains("no group is active there", (string)json["groups"]![0]!["not_runnable"]!);
        Assert.True(File.Exists(Path.Combine(result.Folder, AblationWriter.PlotFile)));
        Assert.Contains("| joint |", File.ReadAllText(Path.Combine(result.Folder, "ablation.md")));
    }

    [Fact]
    public void A_groups_shapley_value_alone_is_what_removing_it_costs_and_a_coalition_that_cannot_run_is_refused_before_anything_runs()
    {
        var result = ExperimentAblation.Run(Request(["joint"], shapley: true), Path.Combine(_folder, "s"));
        var modes = result.Effects.Single().Effects!.Single(f => f.Figure == "modes_covered");
        Assert.Equal(-modes.Mean, Assert.Single(result.Shapley!).Value, 12); // one player: φ = v(N) − v(∅)

        var refused = Path.Combine(_folder, "refused");
        var error = Assert.Throws<ConfigException>(() => ExperimentAblation.Run(Request(["marginal"], shapley: true), refused));
        Assert.Contains("the coalition without marginal cannot run", error.Message);
        Assert.False(Directory.Exists(refused));
        Assert.Contains("no group nope", Assert.Throws<ConfigException>(() => ExperimentAblation.Run(Request(["nope"]), refused)).Message);
    }
}
