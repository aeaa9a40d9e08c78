using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Reporting.Contributions;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Reporting.Gan;

/// <summary>
/// Writes an adversarial run's outputs (docs/outputs.md) into a folder being staged: <c>metrics.csv</c> (the quick checks),
/// <c>agents.csv</c>, <c>summary.json</c> (the §4.2 figures under the keys docs/outputs.md names), <c>report.md</c> and
/// <c>plots/</c> (the image grids, the FID curve and the diversity curve), and with a ledger its files as for the GMM
/// (<see cref="ContributionOutputs"/>).
/// </summary>
/// <remarks>
/// <c>summary.json</c> is reproducible in lockstep mode: two runs with the same seed and settings write the same bytes except
/// inside <c>"timings"</c>, which is always the last property.
/// </remarks>
public static class GanRunWriter
{
    /// <summary>The plots' sub-folder.</summary>
    public const string PlotsFolder = "plots";

    /// <summary>The header of <c>metrics.csv</c>.</summary>
    public const string MetricsHeader = "tasks,steps,classifier_fid,discriminator_loss,generator_loss,wall_seconds";

    /// <summary>The completion masks, in the order they are reported.</summary>
    public static readonly IReadOnlyList<string> CompletionMasks = ["top_half", "left_half", "random_25"];

    /// <summary>Writes every output of <paramref name="outcome"/> into <paramref name="folder"/>; returns the files written, relative.</summary>
    public static IReadOnlyList<string> Write(GanOutcome outcome, string folder)
    {
        var files = new List<string>();
        void Text(string name, string text)
        {
            File.WriteAllText(Path.Combine(folder, name), text);
            files.Add(name);
        }
        Text("metrics.csv", MetricsCsv(outcome));
        Text("agents.csv", AgentsCsv(outcome));
        Text("summary.json", SummaryJson(outcome));
        var plots = GanPlots.WriteAll(outcome, Path.Combine(folder, PlotsFolder));
        files.AddRange(plots.Select(p => $"{PlotsFolder}/{p}"));
        files.AddRange(ContributionOutputs.Write(outcome, folder, PlotsFolder));
        Text("report.md", GanReport.Markdown(outcome, PlotsFolder, plots));
        return files;
    }

    /// <summary>One row per quick check.</summary>
    public static string MetricsCsv(GanOutcome outcome)
    {
        var text = new StringBuilder(MetricsHeader).Append('\n');
        foreach (var p in outcome.Curve)
            text.Append(Invariant($"{p.Tasks},{p.Steps},{R(p.ClassifierFid)},{R(p.DiscriminatorLoss)},{R(p.GeneratorLoss)},{p.WallSeconds:0.###}\n"));
        return text.ToString();
    }

    /// <summary>The header of <c>agents.csv</c>: the agent's tallies, then the ledger's columns (empty without a ledger), as for the GMM.</summary>
    public const string AgentsHeader = "id,group,tasks,steps,rejections,restarts,first_generator_loss,last_generator_loss" + ContributionOutputs.AgentColumns;

    /// <summary>One row per agent, by id.</summary>
    public static string AgentsCsv(GanOutcome outcome)
    {
        var text = new StringBuilder(AgentsHeader).Append('\n');
        foreach (var a in outcome.Agents)
            text.Append(Invariant($"{a.Id},{a.Group},{a.Tasks},{a.Steps},{a.Rejections},{a.Restarts},{R(a.FirstOwnLoss)},{R(a.LastOwnLoss)}"))
                .Append(ContributionOutputs.AgentCells(outcome, a.Id)).Append('\n');
        return text.ToString();
    }

    /// <summary>The final figures as indented JSON; timings only inside the last property, <c>"timings"</c>.</summary>
    public static string SummaryJson(GanOutcome outcome)
    {
        var final = outcome.Final;
        return IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", outcome.Experiment);
            json.WriteString("dataset", outcome.DataSet);
            json.WriteNumber("seed", outcome.Seed);
            json.WriteString("scheduling", outcome.Scheduling);
            json.WriteNumber("budget", outcome.Budget);
            json.WriteNumber("tasks", outcome.Tasks);
            json.WriteBoolean("interrupted", outcome.Interrupted);
            json.WriteNumber("steps", outcome.Steps);
            json.WriteNumber("nan_steps", outcome.NanSteps);
            json.WriteNumber("nan_step_fraction", Round(outcome.NanStepFraction));
            json.WriteNumber("rejected_tasks", outcome.RejectedTasks);
            json.WriteNumber("agent_restarts", outcome.AgentRestarts);
            json.WriteNumber("model_restarts", outcome.ModelRestarts);
            Finite(json, "classifier_fid", final.ClassifierFid);
            Finite(json, "classifier_fid_real_floor", final.FidFloor);
            Finite(json, "classifier_test_accuracy", final.ClassifierTestAccuracy);
            Finite(json, "sample_top_class_probability", final.SampleConfidence);
            json.WriteNumber("sample_classes", final.SampleClasses);
            Masks(json, "completion_accuracy", final.CompletionAccuracy);
            Masks(json, "baseline_no_completion_accuracy", final.NoCompletionAccuracy);
            Masks(json, "baseline_nearest_neighbour_accuracy", final.NearestNeighbourAccuracy);
            json.WriteStartObject("diversity");
            foreach (var (ratio, distance) in final.Diversity.OrderBy(kv => kv.Key))
                Finite(json, ratio.ToString("0.##", CultureInfo.InvariantCulture), distance);
            json.WriteEndObject();
            Finite(json, "data_spread", final.DataSpread);
            json.WriteNumber("evaluated_images", final.EvaluatedImages);
            ExperimentRunWriter.WriteGroups(json, outcome.Groups);
            if (outcome.Contributions is { } contributions) ContributionOutputs.WriteSummary(json, contributions);
            json.WriteStartObject("timings");
            json.WriteNumber("wall_seconds", Math.Round(outcome.TrainingSeconds + outcome.EvaluationSeconds, 3));
            json.WriteNumber("training_seconds", Math.Round(outcome.TrainingSeconds, 3));
            json.WriteNumber("evaluation_seconds", Math.Round(outcome.EvaluationSeconds, 3));
            json.WriteNumber("steps_per_second", outcome.TrainingSeconds > 0 ? Math.Round(outcome.Steps / outcome.TrainingSeconds, 2) : 0);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    private static void Masks(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> values)
    {
        json.WriteStartObject(name);
        foreach (var mask in CompletionMasks)
            Finite(json, mask, values.TryGetValue(mask, out var v) ? v : double.NaN);
        json.WriteEndObject();
    }

    private static void Finite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, Round(value));
        else json.WriteNull(name);
    }

    // Six significant decimals: the figures are Monte-Carlo estimates; more digits only add noise to diffs.
    private static double Round(double value) => Math.Round(value, 6);

    private static string R(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string R(double? value) => value is { } v ? R(v) : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
