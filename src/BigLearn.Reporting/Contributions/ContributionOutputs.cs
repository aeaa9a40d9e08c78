using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Contributions;

/// <summary>
/// The ledger's files in a run folder: <c>groups.csv</c>, <c>contributions.json</c> (what <c>biglearn inspect</c> reads),
/// three plots in <c>plots/</c>, TensorBoard event files in <c>tensorboard/</c>, plus the columns of <c>agents.csv</c>, the
/// <c>contributions</c> object of <c>summary.json</c> and the section of <c>report.md</c>.
/// </summary>
public static class ContributionOutputs
{
    /// <summary>The machine-readable ledger's file name.</summary>
    public const string JsonFile = "contributions.json";

    /// <summary>The group table's file name.</summary>
    public const string GroupsFile = "groups.csv";

    /// <summary>The columns appended to <c>agents.csv</c>.</summary>
    public const string AgentColumns = ",credit,credit_share,alignment,audits,measured_tasks,corrected_credit,advantage";

    /// <summary>The header of <c>groups.csv</c>.</summary>
    public const string GroupsHeader = "group,agents,tasks,steps,rejections,credit,credit_share,alignment,audits,measured_tasks,sampled,credit_cv,corrected_cv,agents_differ_p,shrinkage";

    /// <summary>Writes the ledger's files (none without a ledger); returns them relative to <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Write(IContributionRun outcome, string folder, string plotsFolder)
    {
        if (outcome.Contributions is not { } summary) return [];
        var files = new List<string>();
        File.WriteAllText(Path.Combine(folder, GroupsFile), GroupsCsv(outcome, summary));
        files.Add(GroupsFile);
        File.WriteAllText(Path.Combine(folder, JsonFile), Json(outcome, summary));
        files.Add(JsonFile);
        files.AddRange(ContributionPlots.WriteAll(outcome, summary, Path.Combine(folder, plotsFolder)).Select(p => $"{plotsFolder}/{p}"));
        files.AddRange(TensorBoardExport.Write(outcome, Path.Combine(folder, TensorBoardExport.Folder)).Select(p => $"{TensorBoardExport.Folder}/{p}"));
        return files;
    }

    /// <summary>The ledger columns of agent <paramref name="id"/> for <c>agents.csv</c> (empty fields without a ledger).</summary>
    public static string AgentCells(IContributionRun outcome, int id)
    {
        var a = outcome.Contributions?.Agents.FirstOrDefault(x => x.Id == id);
        return a is null ? ",,,,,,," : I($",{R(a.Credit)},{R(a.Share)},{R(a.Alignment)},{a.Audits},{a.MeasuredTasks},{R(a.CorrectedCredit)},{R(a.Advantage)}");
    }

    /// <summary>One row per group: its tallies and its ledger figures.</summary>
    public static string GroupsCsv(IContributionRun outcome, ContributionSummary summary)
    {
        var text = new StringBuilder(GroupsHeader).Append('\n');
        foreach (var g in outcome.Groups)
        {
            var c = summary.Groups.First(x => x.Name == g.Name);
            text.Append(I($"{g.Name},{g.Agents},{g.Tasks},{g.Steps},{g.Rejections},{R(c.Credit)},{R(c.Share)},{R(c.Alignment)},{c.Audits},{c.MeasuredTasks},{(summary.Sampled ? "true" : "false")},{R(c.CreditCv)},{R(c.CorrectedCv)},{R(c.AgentsDifferP)},{R(c.Shrinkage)}\n"));
        }
        return text.ToString();
    }

    /// <summary>The <c>contributions</c> object of <c>summary.json</c>: the ledger's totals and the groups' credits.</summary>
    public static void WriteSummary(Utf8JsonWriter json, ContributionSummary summary)
    {
        json.WriteStartObject("contributions");
        WriteTotals(json, summary);
        json.WriteStartObject("groups");
        foreach (var g in summary.Groups)
        {
            json.WriteStartObject(g.Name);
            ExperimentRunWriter.WriteFinite(json, "credit", g.Credit);
            ExperimentRunWriter.WriteFinite(json, "share", g.Share);
            ExperimentRunWriter.WriteFinite(json, "alignment", g.Alignment);
            ExperimentRunWriter.WriteFinite(json, "agents_differ_p", g.AgentsDifferP);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The whole ledger as indented JSON: totals, groups and agents ranked by credit, halves, windows, timeline, audits.</summary>
    public static string Json(IContributionRun outcome, ContributionSummary summary)
    {
        return IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", outcome.Experiment);
            json.WriteNumber("seed", outcome.Seed);
            json.WriteNumber("budget", outcome.Budget);
            WriteTotals(json, summary);
            json.WriteStartArray("groups");
            foreach (var g in summary.Groups.OrderByDescending(g => g.Credit))
            {
                var row = outcome.Groups.First(x => x.Name == g.Name);
                json.WriteStartObject();
                json.WriteString("name", g.Name);
                json.WriteNumber("agents", row.Agents);
                json.WriteString("masks", row.Masks);
                json.WriteNumber("tasks", row.Tasks);
                json.WriteNumber("steps", row.Steps);
                json.WriteNumber("rejections", row.Rejections);
                ExperimentRunWriter.WriteFinite(json, "credit", g.Credit);
                ExperimentRunWriter.WriteFinite(json, "share", g.Share);
                ExperimentRunWriter.WriteFinite(json, "alignment", g.Alignment);
                json.WriteNumber("audits", g.Audits);
                json.WriteNumber("measured_tasks", g.MeasuredTasks);
                ExperimentRunWriter.WriteFinite(json, "corrected_credit", summary.Agents.Where(a => a.Group == g.Name).Sum(a => a.CorrectedCredit));
                ExperimentRunWriter.WriteFinite(json, "shrinkage", g.Shrinkage);
                ExperimentRunWriter.WriteFinite(json, "credit_cv", g.CreditCv);
                ExperimentRunWriter.WriteFinite(json, "corrected_cv", g.CorrectedCv);
                ExperimentRunWriter.WriteFinite(json, "agents_differ_p", g.AgentsDifferP);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("agents");
            foreach (var a in summary.Agents.OrderByDescending(a => a.Credit).ThenBy(a => a.Id))
            {
                var row = outcome.Agents.FirstOrDefault(x => x.Id == a.Id);
                json.WriteStartObject();
                json.WriteNumber("id", a.Id);
                json.WriteString("group", a.Group);
                ExperimentRunWriter.WriteFinite(json, "credit", a.Credit);
                ExperimentRunWriter.WriteFinite(json, "share", a.Share);
                ExperimentRunWriter.WriteFinite(json, "alignment", a.Alignment);
                json.WriteNumber("audits", a.Audits);
                json.WriteNumber("measured_tasks", a.MeasuredTasks);
                ExperimentRunWriter.WriteFinite(json, "corrected_credit", a.CorrectedCredit);
                ExperimentRunWriter.WriteFinite(json, "advantage", a.Advantage);
                json.WriteNumber("tasks", row?.Tasks ?? 0);
                json.WriteNumber("steps", row?.Steps ?? 0);
                json.WriteNumber("rejections", row?.Rejections ?? 0);
                json.WriteNumber("restarts", row?.Restarts ?? 0);
                ExperimentRunWriter.WriteFinite(json, "first_own_loss", row?.FirstOwnLoss ?? double.NaN);
                ExperimentRunWriter.WriteFinite(json, "last_own_loss", row?.LastOwnLoss ?? double.NaN);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("halves");
            long half = outcome.Budget / 2;
            foreach (var (from, until) in new[] { (0L, half), (half, outcome.Budget) })
            {
                var credit = ContributionFigures.GroupCreditBetween(summary, from, until);
                json.WriteStartObject();
                json.WriteNumber("from_task", from + 1);
                json.WriteNumber("until_task", until);
                json.WriteStartObject("group_credit");
                for (int g = 0; g < credit.Length; g++) ExperimentRunWriter.WriteFinite(json, summary.Groups[g].Name, credit[g]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("windows");
            foreach (var w in ContributionWindows.Of(outcome, summary))
            {
                json.WriteStartObject();
                json.WriteNumber("from_task", w.From + 1);
                json.WriteNumber("until_task", w.Until);
                json.WriteStartObject("group_credit");
                for (int g = 0; g < w.GroupCredit.Length; g++) ExperimentRunWriter.WriteFinite(json, summary.Groups[g].Name, w.GroupCredit[g]);
                json.WriteEndObject();
                json.WriteStartObject("group_share");
                for (int g = 0; g < w.GroupShare.Length; g++) ExperimentRunWriter.WriteFinite(json, summary.Groups[g].Name, w.GroupShare[g]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("timeline");
            foreach (var p in ContributionFigures.Thin(summary.Timeline, 1000))
            {
                json.WriteStartObject();
                json.WriteNumber("tasks", p.Tasks);
                ExperimentRunWriter.WriteFinite(json, "objective", p.Objective);
                json.WriteStartObject("group_credit");
                for (int g = 0; g < p.GroupCredit.Length; g++) ExperimentRunWriter.WriteFinite(json, summary.Groups[g].Name, p.GroupCredit[g]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("audits");
            foreach (var p in summary.Audits)
            {
                json.WriteStartObject();
                json.WriteNumber("tasks", p.Tasks);
                json.WriteStartObject("group_alignment");
                for (int g = 0; g < p.GroupAlignment.Length; g++) ExperimentRunWriter.WriteFinite(json, summary.Groups[g].Name, p.GroupAlignment[g]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>The report's section: how the ledger was measured, the group table, the sentences and the plots.</summary>
    public static string Markdown(IContributionRun outcome, string plotsFolder)
    {
        if (outcome.Contributions is not { } summary) return "";
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("## Per-agent contributions");
        text.AppendLine();
        string audits = summary.AuditEvery > 0
            ? I($"alignment = cosine of a task's gradient with ∇J, audited every {summary.AuditEvery} tasks.")
            : "no alignment audits (ledger.audit-every = 0; GAN runs have none: their J is measured without a gradient).";
        text.AppendLine(summary.Sampled
            ? I($"Credit = ΔJ of a task, J = {ContributionFigures.Describe(summary)}, measured on every {summary.Every}-th task and **scaled by {summary.Every} (sampled estimates)**; {audits}")
            : I($"Credit = ΔJ = J(θ before) − J(θ after) of each task, J = {ContributionFigures.Describe(summary)}, measured on every task (exact: the credits sum to J(θ₀) − J(θ_final)); {audits}"));
        text.AppendLine();
        if (summary.BaselineProbes > 0)
            text.AppendLine(I($"Corrected credit = a typical peer's credit for as many tasks + the group's advantage over typical peers at the same θ (estimated by {summary.BaselineProbes} counterfactual task(s) per task) + the agent's own deviation, kept in the measure its group's agents differ more than chance (permutation test)."));
        text.AppendLine();
        text.AppendLine("| group | agents | tasks | credit | share | corrected | alignment | agents differ more than chance? |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var g in summary.Groups.OrderByDescending(g => g.Credit))
        {
            var row = outcome.Groups.First(x => x.Name == g.Name);
            double corrected = summary.Agents.Where(a => a.Group == g.Name).Sum(a => a.CorrectedCredit);
            string differ = double.IsNaN(g.AgentsDifferP) ? "-" : I($"{(g.AgentsDifferP <= 0.05 ? "yes" : "no")} (p = {g.AgentsDifferP:0.###})");
            text.AppendLine(I($"| {g.Name} | {row.Agents} | {row.Tasks} | {g.Credit:0.####} | {g.Share:P1} | {corrected:0.####} | {(double.IsFinite(g.Alignment) ? I($"{g.Alignment:0.###}") : "–")} | {differ} |"));
        }
        text.AppendLine();
        foreach (var sentence in ContributionFigures.Sentences(summary, outcome.Budget)) text.AppendLine(sentence);
        text.AppendLine();
        foreach (var plot in ContributionPlots.NamesFor(summary)) text.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({plotsFolder}/{plot})");
        return text.ToString();
    }

    private static void WriteTotals(Utf8JsonWriter json, ContributionSummary summary)
    {
        json.WriteString("objective", summary.Objective);
        json.WriteNumber("samples", summary.Samples);
        json.WriteNumber("every", summary.Every);
        json.WriteBoolean("sampled", summary.Sampled);
        json.WriteNumber("audit_every", summary.AuditEvery);
        json.WriteNumber("baseline_probes", summary.BaselineProbes);
        json.WriteNumber("measured_tasks", summary.MeasuredTasks);
        ExperimentRunWriter.WriteFinite(json, "initial_objective", summary.InitialObjective);
        ExperimentRunWriter.WriteFinite(json, "final_objective", summary.FinalObjective);
        ExperimentRunWriter.WriteFinite(json, "total_credit", summary.TotalCredit);
        ExperimentRunWriter.WriteFinite(json, "imbalance", summary.Sampled ? double.NaN : summary.Imbalance);
    }

    private static string R(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
