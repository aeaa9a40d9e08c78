using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using System.Text.Json.Nodes;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Contributions;
using BigLearn.Reporting.Experiments;
using TorchSharp;

namespace BigLearn.Hosting.Tests;

[Collection(TorchCollection.Name)]
public sealed class ContributionLedgerRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-ledger-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ExperimentConfig Small(params string[] sets) => ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"),
        ["budget=30", "groups.marginal.inner-steps=3", "groups.joint.inner-steps=3", "evaluation.every=10", "evaluation.samples=500",
         "ledger.audit-every=10", "ledger.samples=400", .. sets]);

    private ExperimentRunOutput Run(ExperimentConfig config, string name)
    {
        var folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        return ExperimentRun.RunInto(config, folder, consoleLog: TextWriter.Null);
    }

    [Fact]
    public void An_exact_ledger_balances_against_J_evaluated_independently_at_the_start_and_the_end()
    {
        var config = Small();
        var run = Run(config, "exact");
        var ledger = run.Gmm().Contributions!;

        // J(θ₀) from a fresh trainer, J(θ_final) from the final parameters written by the run: no number from the ledger.
        using var trainer = GmmRunFactory.CreateTrainer(config, torch.CPU);
        double initial = trainer.EvaluateObjective();
        trainer.Model.SetParameterVector(run.Gmm().Final.Parameters);
        double final = trainer.EvaluateObjective();

        Assert.False(ledger.Sampled);
        Assert.Equal(30, ledger.MeasuredTasks);
        Assert.True(Math.Abs(initial - final) > 1e-3, "the run must move J for the balance to mean something");
        Assert.True(Math.Abs(ledger.TotalCredit - (initial - final)) <= 1e-6 * Math.Abs(initial - final),
            $"Σ credits {ledger.TotalCredit} vs J(θ₀) − J(θ_final) = {initial - final}");
        Assert.Equal(ledger.TotalCredit, ledger.Agents.Sum(a => a.Credit), 9);
        Assert.Equal(ledger.TotalCredit, ledger.Groups.Sum(g => g.Credit), 9);

        // Audits before tasks 1, 11 and 21: every active agent once each, cosines within [−1, 1].
        Assert.Equal([0L, 10L, 20L], ledger.Audits.Select(a => a.Tasks));
        Assert.All(ledger.Agents.Where(a => a.Audits > 0), a => Assert.InRange(a.Alignment, -1, 1));
        Assert.Equal(3 * 3 + 1, ledger.Agents.Sum(a => a.Audits)); // 3 marginal agents at 3 audits; the joint agent (from task 15) at the last
    }

    [Fact]
    public void Cooperative_batches_run_the_budget_reproducibly_and_their_split_ledger_still_balances_against_independent_J()
    {
        var config = Small("model.batch=3");
        Assert.Equal(3, config.Population.Batch);
        var run = Run(config, "batch-a");
        var again = Run(config, "batch-b");
        var ledger = run.Gmm().Contributions!;
        Assert.Equal(30, run.Gmm().Tasks);
        Assert.Equal(run.Gmm().Final.Parameters, again.Gmm().Final.Parameters); // lockstep batches are the same every time
        Assert.Equal(ledger.Agents.Select(a => a.Credit), again.Gmm().Contributions!.Agents.Select(a => a.Credit));

        using var trainer = GmmRunFactory.CreateTrainer(config, torch.CPU);
        double initial = trainer.EvaluateObjective();
        trainer.Model.SetParameterVector(run.Gmm().Final.Parameters);
        double final = trainer.EvaluateObjective();
        Assert.True(Math.Abs(ledger.TotalCredit - (initial - final)) <= 1e-6 * Math.Abs(initial - final),
            $"Σ credits {ledger.TotalCredit} vs J(θ₀) − J(θ_final) = {initial - final}");
        Assert.Equal(30, ledger.MeasuredTasks);

        // Batches of three agents apply fewer updates than tasks × inner steps, and move θ elsewhere than one task at a time.
        var sequential = Run(Small(), "sequential");
        Assert.NotEqual(sequential.Gmm().Final.Parameters, run.Gmm().Final.Parameters);
        Assert.True(run.Gmm().Final.Steps < sequential.Gmm().Final.Steps, $"{run.Gmm().Final.Steps} updates vs {sequential.Gmm().Final.Steps}");
    }

    [Fact]
    public void Credit_over_time_cuts_the_run_at_its_evaluations_and_the_windows_add_up_to_each_groups_credit()
    {
        var run = Run(Small(), "windows");
        var outcome = run.Gmm();
        var ledger = outcome.Contributions!;
        var windows = ContributionWindows.Of(outcome, ledger);
        Assert.Equal([(0L, 10L), (10L, 20L), (20L, 30L)], windows.Select(w => (w.From, w.Until))); // evaluation.every = 10
        for (int g = 0; g < ledger.Groups.Count; g++)
            Assert.Equal(ledger.Groups[g].Credit, windows.Sum(w => w.GroupCredit[g]), 9);
        Assert.All(windows, w => Assert.Equal(1.0, w.GroupShare.Sum(Math.Abs), 9));
        Assert.All(windows, w => Assert.All(w.GroupShare.Zip(w.GroupCredit), p => Assert.Equal(p.First, p.Second / w.GroupCredit.Sum(Math.Abs), 12)));
        Assert.Equal(0.0, windows[0].GroupCredit[1]); // the joint agent starts at task 15
        Assert.Equal(ledger.Groups[0].Credit + ledger.Groups[1].Credit, windows.Sum(w => w.GroupCredit.Sum()), 9);

        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, ContributionOutputs.JsonFile)))!["windows"]!.AsArray();
        Assert.Equal([1L, 11L, 21L], written.Select(w => (long)w!["from_task"]!));
        Assert.Equal(windows[2].GroupShare[0], (double)written[2]!["group_share"]!["marginal"]!, 12);
    }

    [Fact]
    public void A_sampled_ledger_with_cooperative_batches_is_refused_in_one_line_naming_both_keys()
    {
        var error = Assert.Throws<ConfigException>(() => Small("model.batch=4", "ledger.every=5"));
        Assert.Contains("ledger.every = 5 is not allowed", error.Message);
        Assert.Contains("model.batch = 4", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<ConfigException>(() => Small("model.batch=0"));
    }

    [Fact]
    public void The_run_folder_holds_the_ledger_columns_the_group_table_and_the_report_section()
    {
        var run = Run(Small(), "files");
        var agents = File.ReadAllLines(Path.Combine(run.Folder, "agents.csv"));
        Assert.Equal("id,group,tasks,steps,rejections,restarts,first_own_loss,last_own_loss,credit,credit_share,alignment,audits,measured_tasks,"
            + "corrected_credit,advantage", agents[0]);
        var rows = agents.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(run.Gmm().Agents.Count, rows.Length);
        Assert.All(rows, r => Assert.Equal(15, r.Length));
        static double Cell(string[] row, int column) => double.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1.0, rows.Sum(r => Cell(r, 9)), 9);
        Assert.Equal(rows.Sum(r => Cell(r, 8)), rows.Sum(r => Cell(r, 13)), 9); // corrected credits sum to the raw total

        var groups = File.ReadAllLines(Path.Combine(run.Folder, ContributionOutputs.GroupsFile));
        Assert.Equal(ContributionOutputs.GroupsHeader, groups[0]);
        Assert.Equal(["marginal", "joint"], groups.Skip(1).Select(l => l.Split(',')[0]));
        int sampled = Array.IndexOf(ContributionOutputs.GroupsHeader.Split(','), "sampled");
        Assert.All(groups.Skip(1), l => Assert.Equal("false", l.Split(',')[sampled]));

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, "summary.json")))!;
        Assert.False((bool)summary["contributions"]!["sampled"]!);
        Assert.InRange((double)summary["contributions"]!["imbalance"]!, 0, 1e-9);
        var report = File.ReadAllText(Path.Combine(run.Folder, "report.md"));
        Assert.Contains("## Per-agent contributions", report);
        Assert.Contains("In the first half (tasks 1–15)", report);
        foreach (var plot in ContributionPlots.Names)
        {
            Assert.Contains($"(plots/{plot})", report);
            Assert.True(new FileInfo(Path.Combine(run.Folder, "plots", plot)).Length > 1000, plot);
        }
    }

    [Fact]
    public void A_sampled_ledger_measures_every_kth_task_scales_it_and_says_so_in_every_output()
    {
        var run = Run(Small("ledger.every=4"), "sampled");
        var ledger = run.Gmm().Contributions!;
        Assert.True(ledger.Sampled);
        Assert.Equal(8, ledger.MeasuredTasks); // tasks 1, 5, …, 29
        Assert.Equal(4 * ledger.SumOfDeltas, ledger.TotalCredit, 9);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Folder, ContributionOutputs.JsonFile)))!;
        Assert.True((bool)json["sampled"]!);
        Assert.Equal(4, (long)json["every"]!);
        Assert.Contains("scaled by 4 (sampled estimates)", File.ReadAllText(Path.Combine(run.Folder, "report.md")));
        int sampled = Array.IndexOf(ContributionOutputs.GroupsHeader.Split(','), "sampled");
        Assert.All(File.ReadAllLines(Path.Combine(run.Folder, ContributionOutputs.GroupsFile)).Skip(1), l => Assert.Equal("true", l.Split(',')[sampled]));
    }

    [Fact]
    public void The_tensorboard_event_file_holds_one_record_per_scalar_with_the_expected_tags()
    {
        var run = Run(Small(), "tensorboard");
        var files = Directory.GetFiles(Path.Combine(run.Folder, TensorBoardExport.Folder));
        var file = Assert.Single(files);
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));
        var events = TensorBoardEvents.Read(file);

        var ledger = run.Gmm().Contributions!;
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).ToArray();
        int groups = ledger.Groups.Count;
        int alignments = ledger.Audits.Sum(a => a.GroupAlignment.Count(double.IsFinite));
        var windows = ContributionWindows.Of(run.Gmm(), ledger);
        int shares = windows.Sum(w => w.GroupShare.Count(double.IsFinite));
        Assert.Equal(4 * run.Gmm().Evaluations.Count + (1 + groups) * ledger.Timeline.Count + alignments + shares, scalars.Length);
        var tags = scalars.Select(e => e.Tag).ToHashSet();
        Assert.Superset(new HashSet<string?>(TensorBoardExport.EvaluationTags) { "ledger/objective", "credit/marginal", "credit/joint", "alignment/marginal", "alignment/joint",
            "credit_share/marginal", "credit_share/joint" }, tags);
        var jointShare = scalars.Where(e => e.Tag == "credit_share/joint").ToArray();
        Assert.Equal(windows.Select(w => w.Until), jointShare.Select(e => e.Step));
        Assert.Equal((float)windows[^1].GroupShare[1], jointShare[^1].Value);
        var reverseKl = scalars.Where(e => e.Tag == "evaluation/reverse_kl").ToArray();
        Assert.Equal(run.Gmm().Evaluations.Select(e => e.Tasks), reverseKl.Select(e => e.Step));
        Assert.Equal((float)run.Gmm().Final.ReverseKl, reverseKl[^1].Value);
    }

    [Theory]
    [InlineData("ledger.objective=kl", "ledger.objective = kl is not allowed")]
    [InlineData("ledger.every=-1", "ledger.every = -1 is not allowed")]
    [InlineData("ledger.samples=0", "ledger.samples = 0 is not allowed")]
    [InlineData("ledger.baseline-probes=-1", "ledger.baseline-probes = -1 is not allowed")]
    [InlineData("ledger.baseline-probes=65", "ledger.baseline-probes = 65 is not allowed")]
    public void A_bad_ledger_key_is_one_line_naming_it(string set, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Small(set));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Ledger_every_zero_turns_the_ledger_off_and_the_defaults_are_exact()
    {
        Assert.Null(Small("ledger.every=0").Ledger);
        Assert.Null(Small("ledger.every=0").Population.Contributions);
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-biglearn.conf"));
        Assert.Equal(1, config.Ledger!.Every);
        Assert.Equal(500, config.Ledger.AuditEvery);
        Assert.Equal("joint-reverse-kl", config.Ledger.Objective.Name);
        Assert.Equal(888, config.Ledger.Objective.Seed);
        Assert.Equal(0, config.Ledger.BaselineProbes); // the corrected credit is asked for: it costs a task per task
    }

    [Fact]
    public void Baseline_probes_leave_the_training_untouched_and_the_corrected_credits_sum_to_the_total_credit()
    {
        var probed = Run(Small("ledger.baseline-probes=2"), "probed");
        var plain = Run(Small("ledger.baseline-probes=0"), "plain");
        // The counterfactual tasks put θ back exactly: the same parameters, evaluations and raw credits bit for bit.
        Assert.Equal(plain.Gmm().Final.Parameters, probed.Gmm().Final.Parameters);
        Assert.Equal(plain.Gmm().Evaluations.Select(e => e.ReverseKl), probed.Gmm().Evaluations.Select(e => e.ReverseKl));
        var ledger = probed.Gmm().Contributions!;
        Assert.Equal(plain.Gmm().Contributions!.Agents.Select(a => a.Credit), ledger.Agents.Select(a => a.Credit));
        Assert.Equal(2, ledger.BaselineProbes);
        Assert.Equal(ledger.TotalCredit, ledger.Agents.Sum(a => a.CorrectedCredit), 9);
        // With peers pending the advantages are measured, not zero; without probes every task is its own baseline.
        Assert.Contains(ledger.Agents, a => Math.Abs(a.Advantage) > 1e-6);
        Assert.All(plain.Gmm().Contributions!.Agents, a => Assert.Equal((0.0, double.NaN), (a.Advantage, a.CorrectedCredit)));
        Assert.All(plain.Gmm().Contributions!.Groups, g => Assert.True(double.IsNaN(g.AgentsDifferP)));
        var marginal = ledger.Groups.Single(g => g.Name == "marginal");
        Assert.InRange(marginal.AgentsDifferP, 1e-3, 1);
        Assert.InRange(marginal.Shrinkage, 0, 1);
        Assert.True(double.IsNaN(ledger.Groups.Single(g => g.Name == "joint").AgentsDifferP)); // one agent: no test
    }
}
