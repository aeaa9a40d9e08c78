using System.Globalization;
using System.Text;
using BigLearn.Reporting.Contributions;

namespace BigLearn.Reporting.Gan;

/// <summary>The <c>report.md</c> of an adversarial run: settings, the §4.2 figures beside their baselines, the plots.</summary>
public static class GanReport
{
    private static readonly Dictionary<string, string> MaskNames = new()
    {
        ["top_half"] = "top half observed",
        ["left_half"] = "left half observed",
        ["random_25"] = "25 % random pixels observed",
    };

    /// <summary>The report as Markdown; <paramref name="plots"/> are file names under <paramref name="plotsFolder"/>.</summary>
    public static string Markdown(GanOutcome outcome, string plotsFolder, IReadOnlyList<string> plots)
    {
        var f = outcome.Final;
        var md = new StringBuilder();
        md.Append($"# {outcome.Experiment}: BigLearn-GAN on {outcome.DataSet}\n\n");
        foreach (var line in outcome.Settings) md.Append($"- {line}\n");
        md.Append(Invariant($"\n{outcome.Tasks} tasks, {outcome.Steps} adversarial steps applied, {outcome.NanSteps} not applied as non-finite ({100 * outcome.NanStepFraction:0.##}%); "));
        md.Append(Invariant($"training {outcome.TrainingSeconds:0} s, evaluation {outcome.EvaluationSeconds:0} s.\n\n"));

        md.Append("## Generation\n\n| figure | model | real data |\n|---|---|---|\n");
        md.Append(Invariant($"| classifier FID ({f.EvaluatedImages} joint samples vs test images) | {f.ClassifierFid:0.##} | {f.FidFloor:0.##} (real vs real) |\n"));
        md.Append(Invariant($"| evaluation classifier accuracy on test images | | {f.ClassifierTestAccuracy:0.###} |\n\n"));

        md.Append(Invariant($"## Completion (classifier accuracy on {f.EvaluatedImages} completed test images)\n\n"));
        md.Append("| mask | model | no completion (background) | nearest neighbour |\n|---|---|---|---|\n");
        foreach (var mask in GanRunWriter.CompletionMasks)
            md.Append($"| {MaskNames[mask]} | {A(f.CompletionAccuracy, mask)} | {A(f.NoCompletionAccuracy, mask)} | {A(f.NearestNeighbourAccuracy, mask)} |\n");

        md.Append("\n## Adaptive diversity (mean L2 distance between 8 completions of one input)\n\n| observed ratio | diversity | share of the data's spread |\n|---|---|---|\n");
        foreach (var (ratio, distance) in f.Diversity.OrderBy(kv => kv.Key))
            md.Append(Invariant($"| {ratio:0.##} | {distance:0.###} | {100 * distance / f.DataSpread:0}% |\n"));
        md.Append(Invariant($"\nData spread (mean distance between two random test images): {f.DataSpread:0.###}.\n\n"));

        md.Append("## Groups\n\n| group | agents | masks | share | window | tasks | steps | rejections |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var g in outcome.Groups)
            md.Append(Invariant($"| {g.Name} | {g.Agents} | `{g.Masks}` | {g.Share} | [{g.Start}, {g.Stop}) | {g.Tasks} | {g.Steps} | {g.Rejections} |\n"));
        md.Append(ContributionOutputs.Markdown(outcome, plotsFolder));
        md.Append('\n');
        foreach (var plot in plots) md.Append($"![{plot}]({plotsFolder}/{plot})\n\n");
        return md.ToString();
    }

    private static string A(IReadOnlyDictionary<string, double> values, string mask) =>
        values.TryGetValue(mask, out var v) && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
