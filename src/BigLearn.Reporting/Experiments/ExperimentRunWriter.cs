using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Reporting.Contributions;

namespace BigLearn.Reporting.Experiments;

/// <summary>
/// Writes a population run's outputs (docs/outputs.md) into a folder that is being staged: <c>config.conf</c>,
/// <c>metrics.csv</c>, <c>agents.csv</c>, <c>summary.json</c>, <c>plots/*.png</c> and <c>report.md</c>. The caller owns the
/// <see cref="StagedFolder"/> (the run's <c>log.jsonl</c> is written there while the run is going on) and commits it.
/// </summary>
/// <remarks>
/// <c>summary.json</c> is reproducible: in lockstep mode two runs with the same seed and settings write the same bytes
/// except inside the <c>"timings"</c> object (wall-clock figures), which is always the last property.
/// </remarks>
public static class ExperimentRunWriter
{
    /// <summary>The plots' sub-folder.</summary>
    public const string PlotsFolder = "plots";

    /// <summary>The header of <c>metrics.csv</c>.</summary>
    public const string MetricsHeader = "tasks,steps,reverse_kl,forward_kl,high_quality_fraction,modes_covered,wall_seconds";

    /// <summary>The header of <c>metrics.csv</c> of a samples target (no KLs: no density is known).</summary>
    public const string DataMetricsHeader = "tasks,steps,held_out_nll,high_quality_fraction,modes_covered,wall_seconds";

    /// <summary>The header of <c>agents.csv</c>.</summary>
    public const string AgentsHeader = "id,group,tasks,steps,rejections,restarts,first_own_loss,last_own_loss" + ContributionOutputs.AgentColumns;

    /// <summary>Writes every output of <paramref name="outcome"/> into <paramref name="folder"/>; returns the files written, relative.</summary>
    public static IReadOnlyList<string> Write(ExperimentOutcome outcome, string folder, string? configText)
    {
        var files = new List<string>();
        if (configText is not null)
        {
            File.WriteAllText(Path.Combine(folder, "config.conf"), configText);
            files.Add("config.conf");
        }
        File.WriteAllText(Path.Combine(folder, "metrics.csv"), MetricsCsv(outcome));
        files.Add("metrics.csv");
        File.WriteAllText(Path.Combine(folder, "agents.csv"), AgentsCsv(outcome));
        files.Add("agents.csv");
        File.WriteAllText(Path.Combine(folder, "summary.json"), SummaryJson(outcome));
        files.Add("summary.json");
        var plots = ExperimentPlots.WriteAll(outcome, Path.Combine(folder, PlotsFolder));
        files.AddRange(plots.Select(p => $"{PlotsFolder}/{p}"));
        files.AddRange(ContributionOutputs.Write(outcome, folder, PlotsFolder));
        if (outcome.Adaptation is { } adaptation) files.AddRange(Adaptation.AdaptationOutputs.Write(outcome.Experiment, adaptation, folder, PlotsFolder));
        File.WriteAllText(Path.Combine(folder, "report.md"), ExperimentReport.Markdown(outcome, PlotsFolder, plots));
        files.Add("report.md");
        return files;
    }

    /// <summary>One row per evaluation point.</summary>
    public static string MetricsCsv(ExperimentOutcome outcome)
    {
        var text = new StringBuilder(outcome.OnData ? DataMetricsHeader : MetricsHeader).Append('\n');
        foreach (var e in outcome.Evaluations)
            if (outcome.OnData)
                text.Append(Invariant($"{e.Tasks},{e.Steps},{R(e.HeldOutNll)},{R(e.HighQualityFraction)},{e.ModesCovered},{e.WallSeconds:0.###}\n"));
            else
                text.Append(Invariant($"{e.Tasks},{e.Steps},{R(e.ReverseKl)},{R(e.ForwardKl)},{R(e.HighQualityFraction)},{e.ModesCovered},{e.WallSeconds:0.###}\n"));
        return text.ToString();
    }

    /// <summary>One row per agent, by id; losses empty when the agent had no applied task.</summary>
    public static string AgentsCsv(ExperimentOutcome outcome)
    {
        var text = new StringBuilder(AgentsHeader).Append('\n');
        foreach (var a in outcome.Agents)
            text.Append(Invariant($"{a.Id},{a.Group},{a.Tasks},{a.Steps},{a.Rejections},{a.Restarts},{R(a.FirstOwnLoss)},{R(a.LastOwnLoss)}")).Append(ContributionOutputs.AgentCells(outcome, a.Id)).Append('\n');
        return text.ToString();
    }

    /// <summary>The final figures as indented JSON; timings only inside the last property, <c>"timings"</c>.</summary>
    public static string SummaryJson(ExperimentOutcome outcome)
    {
        var final = outcome.Final;
        return IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", outcome.Experiment);
            json.WriteNumber("seed", outcome.Seed);
            json.WriteString("scheduling", outcome.Scheduling);
            json.WriteNumber("budget", outcome.Budget);
            json.WriteNumber("tasks", outcome.Tasks);
            json.WriteNumber("steps", outcome.Steps);
            // Cooperative batches (model.batch > 1) apply several tasks' steps as one update: then the model's own count differs.
            if (final.Steps != outcome.Steps) json.WriteNumber("model_updates", final.Steps);
            json.WriteNumber("rejected_tasks", outcome.RejectedTasks);
            json.WriteNumber("rejected_steps", outcome.RejectedSteps);
            json.WriteNumber("agent_restarts", outcome.AgentRestarts);
            json.WriteNumber("model_restarts", outcome.ModelRestarts);
            json.WriteStartArray("stopped_agents");
            foreach (int id in outcome.StoppedAgents) json.WriteNumberValue(id);
            json.WriteEndArray();
            // A samples target has no density: its held-out NLL stands where the KLs would, and modes only when the rows are labelled.
            if (outcome.OnData) WriteFinite(json, "held_out_nll", final.HeldOutNll);
            if (outcome.CountsModes)
            {
                json.WriteNumber("modes_covered", final.ModesCovered);
                json.WriteNumber("modes_total", final.ModesTotal);
                WriteFinite(json, "high_quality_fraction", final.HighQualityFraction);
            }
            if (!outcome.OnData)
            {
                WriteFinite(json, "reverse_kl", final.ReverseKl);
                WriteFinite(json, "forward_kl", final.ForwardKl);
            }
            WriteGroups(json, outcome.Groups);
            if (outcome.Contributions is { } contributions) ContributionOutputs.WriteSummary(json, contributions);
            json.WriteStartObject("timings");
            json.WriteNumber("wall_seconds", Math.Round(outcome.WallSeconds, 3));
            json.WriteNumber("steps_per_second", outcome.WallSeconds > 0 ? Math.Round(outcome.Steps / outcome.WallSeconds, 1) : 0);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    /// <summary>Writes the <c>"groups"</c> object: per group its agents, tasks, applied steps and rejections.</summary>
    internal static void WriteGroups(Utf8JsonWriter json, IReadOnlyList<GroupRow> groups)
    {
        json.WriteStartObject("groups");
        foreach (var g in groups)
        {
            json.WriteStartObject(g.Name);
            json.WriteNumber("agents", g.Agents);
            json.WriteNumber("tasks", g.Tasks);
            json.WriteNumber("steps", g.Steps);
            json.WriteNumber("rejections", g.Rejections);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>Writes a number, or null when it is not finite (JSON has no NaN or infinity; a diverged model's KL can be).</summary>
    internal static void WriteFinite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string R(double? value) => value is { } v ? R(v) : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
