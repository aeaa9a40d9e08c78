using System.Text.Json.Nodes;
using BigLearn.Core;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Gan;
using BigLearn.Hosting.Kinds.Gan;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Contributions;
using BigLearn.Reporting.Gan;
using TorchSharp;

namespace BigLearn.Hosting.Tests;

/// <summary>
/// Three runs of configs/gan-smoke.conf (40 tasks, seed 888) that differ only in the ledger: exact (<c>ledger.every = 1</c>), the
/// config's sampled ledger (every 4th task) and none, sharing one evaluation classifier.
/// </summary>
public sealed class GanLedgerRuns : IDisposable
{
    public GanLedgerRuns()
    {
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist"))
            throw new InvalidOperationException("Fashion-MNIST is missing: run build/install-test-deps.sh (apt-get install dataset-fashion-mnist)");
        Root = Directory.CreateTempSubdirectory("biglearn-gan-ledger-").FullName;
        Exact = Run("exact", "ledger.every=1");
        Sampled = Run("sampled");
        Off = Run("off", "ledger.every=0");
    }

    public string Root { get; }

    public ExperimentRunOutput Exact { get; }

    public ExperimentRunOutput Sampled { get; }

    public ExperimentRunOutput Off { get; }

    public GanExperimentConfig Config(params string[] sets) =>
        GanExperimentConfig.Load(TestFiles.Config("gan-smoke.conf"), [$"evaluation.classifier-cache={Path.Combine(Root, "cache")}", .. sets]);

    private ExperimentRunOutput Run(string name, params string[] sets)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        return ExperimentRun.RunInto(Config(sets), folder, consoleLog: TextWriter.Null);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

[Collection(TorchCollection.Name)]
public sealed class GanLedgerRunTests(GanLedgerRuns runs) : IClassFixture<GanLedgerRuns>
{
    private static GanOutcome Gan(ExperimentRunOutput run) => Assert.IsType<GanOutcome>(run.Outcome);

    private static ContributionSummary Ledger(ExperimentRunOutput run) => Gan(run).Contributions!;

    [Fact]
    public void The_exact_ledger_balances_and_starts_at_J_recomputed_from_a_fresh_trainer()
    {
        var ledger = Ledger(runs.Exact);
        Assert.False(ledger.Sampled);
        Assert.Equal((40L, 40L), (ledger.Tasks, ledger.MeasuredTasks));

        // J(θ₀) without the ledger or the actors: the experiment's initial weights and a J drawn anew from the config.
        var config = runs.Config("ledger.every=1");
        TorchRuntime.Configure(1);
        var data = config.Data.Load(config.Population.Seed);
        using (var trainer = new GanTrainer(data.Train, config.Gan, config.Population.Seed, torch.CPU))
        {
            trainer.UseContributionObjective(GanRunFactory.CreateObjective(config, data, config.Ledger!.Objective), GanRunFactory.JudgedBy(config.Ledger.Objective));
            Assert.Equal(trainer.EvaluateObjective(), ledger.InitialObjective); // bit for bit
        }

        double drop = ledger.InitialObjective - ledger.FinalObjective;
        Assert.True(ledger.Timeline.Any(p => p.Objective != ledger.InitialObjective), "the run must move J for the balance to mean something");
        Assert.Equal(drop, ledger.TotalCredit, 1e-9 * ledger.InitialObjective);
        Assert.Equal(ledger.TotalCredit, ledger.Agents.Sum(a => a.Credit), 9);
        Assert.Equal(ledger.TotalCredit, ledger.Groups.Sum(g => g.Credit), 9);
        Assert.All(ledger.Groups, g => Assert.Equal(0, g.Audits));
        Assert.Empty(ledger.Audits);
    }

    [Fact]
    public void A_sampled_ledger_books_k_times_the_exact_ledgers_delta_J_of_exactly_the_tasks_it_measures()
    {
        var exact = Ledger(runs.Exact);
        var sampled = Ledger(runs.Sampled);
        Assert.True(sampled.Sampled);
        long[] measured = [1, 5, 9, 13, 17, 21, 25, 29, 33, 37];
        Assert.Equal(measured, sampled.Timeline.Select(p => p.Tasks));

        // The ledger does not touch training, so the sampled run's θ after task n is the exact run's: the same J, bit for bit.
        double JAfter(long task) => exact.Timeline.Single(p => p.Tasks == task).Objective;
        double JBefore(long task) => task == 1 ? exact.InitialObjective : JAfter(task - 1);
        Assert.Equal(measured.Select(JAfter), sampled.Timeline.Select(p => p.Objective));
        Assert.Equal(exact.InitialObjective, sampled.InitialObjective);
        double expected = 4 * measured.Sum(n => JBefore(n) - JAfter(n));
        Assert.Equal(expected, sampled.TotalCredit, 1e-12 * exact.InitialObjective);
        Assert.Equal(4 * sampled.SumOfDeltas, sampled.TotalCredit, 12);
        Assert.Equal(measured.Length, sampled.Agents.Sum(a => a.MeasuredTasks));
    }

    [Fact]
    public void The_ledger_does_not_change_the_training_or_its_figures()
    {
        static string Figures(ExperimentRunOutput run)
        {
            var text = File.ReadAllText(Path.Combine(run.Folder, "summary.json"));
            int cut = text.IndexOf("\"contributions\"", StringComparison.Ordinal) is var c and >= 0 ? c : text.IndexOf("\"timings\"", StringComparison.Ordinal);
            return text[..cut];
        }
        Assert.Equal(Figures(runs.Off), Figures(runs.Exact));
        Assert.Equal(Figures(runs.Off), Figures(runs.Sampled));
        Assert.Null(Gan(runs.Off).Contributions);
        Assert.False(File.Exists(Path.Combine(runs.Off.Folder, ContributionOutputs.JsonFile)));
        var agents = File.ReadAllLines(Path.Combine(runs.Off.Folder, "agents.csv"));
        Assert.Equal(GanRunWriter.AgentsHeader, agents[0]);
        Assert.All(agents.Skip(1), row => Assert.EndsWith(",,,,,", row));
    }

    [Fact]
    public void A_gan_run_folder_holds_every_ledger_output_a_mixture_run_folder_does()
    {
        var run = runs.Exact;
        var ledger = Ledger(run);
        var agents = File.ReadAllLines(Path.Combine(run.Folder, "agents.csv"));
        Assert.Equal("id,group,tasks,steps,rejections,restarts,first_generator_loss,last_generator_loss,credit,credit_share,alignment,audits,measured_tasks,"
            + "corrected_credit,advantage", agents[0]);
        var rows = agents.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.Equal(ledger.TotalCredit, rows.Sum(r => double.Parse(r[8], System.Globalization.CultureInfo.InvariantCulture)), 9);
        Assert.Equal(40, rows.Sum(r => long.Parse(r[12], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal(("", "0"), (r[10], r[11]))); // no audits: no alignment
        Assert.All(rows, r => Assert.Equal("", r[13])); // no counterfactual tasks for a GAN: no corrected credit

        var groups = File.ReadAllLines(Path.Combine(run.Folder, ContributionOutputs.GroupsFile));
        Assert.Equal(ContributionOutputs.GroupsHeader, groups[0]);
        Assert.Equal(["joint", "pixels", "halves", "patches", "boxes"], groups.Skip(1).Select(l => l.Split(',')[0]));

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, "summary.json")))!["contributions"]!;
        Assert.Equal(("completion-fid", 128, false, 0L), ((string)summary["objective"]!, (int)summary["samples"]!, (bool)summary["sampled"]!, (long)summary["audit_every"]!));
        Assert.InRange((double)summary["imbalance"]!, 0, 1e-9);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, ContributionOutputs.JsonFile)))!;
        Assert.Equal([1L, 21L], json["windows"]!.AsArray().Select(w => (long)w!["from_task"]!)); // cut at the quick checks, every 20 tasks

        var windows = ContributionWindows.Of(Gan(run), ledger);
        for (int g = 0; g < ledger.Groups.Count; g++) Assert.Equal(ledger.Groups[g].Credit, windows.Sum(w => w.GroupCredit[g]), 9);

        var report = File.ReadAllText(Path.Combine(run.Folder, "report.md"));
        Assert.Contains("## Per-agent contributions", report);
        Assert.Contains("completion-fid of the generator's moving average on 128 fixed held-out images", report);
        Assert.Contains("no alignment audits", report);
        foreach (var plot in ContributionPlots.NamesFor(ledger))
        {
            Assert.Contains($"(plots/{plot})", report);
            Assert.True(new FileInfo(Path.Combine(run.Folder, "plots", plot)).Length > 1000, plot);
        }
        Assert.Equal(3, ContributionPlots.NamesFor(ledger).Count);
        Assert.False(File.Exists(Path.Combine(run.Folder, "plots", "alignment.png")));
    }

    [Fact]
    public void The_tensorboard_file_of_a_gan_run_holds_its_quick_checks_J_and_the_credits()
    {
        var run = runs.Exact;
        var ledger = Ledger(run);
        var events = TensorBoardEvents.Read(Assert.Single(Directory.GetFiles(Path.Combine(run.Folder, TensorBoardExport.Folder))));
        var scalars = events.Skip(1).ToArray();
        var windows = ContributionWindows.Of(Gan(run), ledger);
        int evaluationValues = Gan(run).EvaluationScalars.Count(s => double.IsFinite(s.Value));
        Assert.Equal(evaluationValues + (1 + ledger.Groups.Count) * ledger.Timeline.Count + windows.Sum(w => w.GroupShare.Count(double.IsFinite)), scalars.Length);
        var tags = scalars.Select(e => e.Tag).ToHashSet();
        Assert.Superset(new HashSet<string?>(GanOutcome.EvaluationTags) { "ledger/objective", "credit/joint", "credit/boxes", "credit_share/halves" }, tags);
        Assert.DoesNotContain(tags, t => t!.StartsWith("alignment/", StringComparison.Ordinal));
        var objective = scalars.Where(e => e.Tag == "ledger/objective").ToArray();
        Assert.Equal(ledger.Timeline.Select(p => p.Tasks), objective.Select(e => e.Step));
        Assert.Equal((float)ledger.FinalObjective, objective[^1].Value);
    }
}
