using System.Globalization;
using System.Text;
using BigLearn.Reporting.Contributions;
using BigLearn.Reporting;

namespace BigLearn.Reporting.Experiments;

/// <summary>The <c>report.md</c> of a population run: settings, groups, final figures, curves, plots and a few sentences.</summary>
public static class ExperimentReport
{
    /// <summary>The report as markdown; <paramref name="plots"/> are file names inside <paramref name="plotsFolder"/>.</summary>
    public static string Markdown(ExperimentOutcome outcome, string plotsFolder, IReadOnlyList<string> plots)
    {
        var final = outcome.Final;
        var text = new StringBuilder();
        text.AppendLine($"# {outcome.Experiment}");
        text.AppendLine();
        text.AppendLine("## Settings");
        text.AppendLine();
        foreach (var line in outcome.Settings) text.AppendLine($"- {line}");
        text.AppendLine();
        text.AppendLine("| group | agents | masks | inner steps | share | window | tasks | steps | rejections |");
        text.AppendLine("|---|---:|---|---:|---:|---|---:|---:|---:|");
        foreach (var g in outcome.Groups)
            text.AppendLine(Invariant($"| {g.Name} | {g.Agents} | `{g.Masks}` | {g.InnerSteps} | {g.Share:0.###} | [{g.Start:0.###}, {g.Stop:0.###}) | {g.Tasks} | {g.Steps} | {g.Rejections} |"));
        text.AppendLine();
        text.AppendLine("## Result");
        text.AppendLine();
        if (outcome.OnData)
        {
            text.AppendLine("| tasks | steps | held-out NLL | modes covered | high-quality fraction | wall time |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|");
            text.AppendLine(Invariant($"| {outcome.Tasks} | {outcome.Steps} | {FigureText.ThreeDecimals(final.HeldOutNll)} | {Modes(outcome, final)} | {Quality(outcome, final)} | {outcome.WallSeconds:0.#} s |"));
        }
        else
        {
            text.AppendLine("| tasks | steps | modes covered | high-quality fraction | reverse KL | forward KL | wall time |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            text.AppendLine(Invariant($"| {outcome.Tasks} | {outcome.Steps} | {final.ModesCovered} / {final.ModesTotal} | {final.HighQualityFraction:0.###} | {FigureText.ThreeDecimals(final.ReverseKl)} | {FigureText.ThreeDecimals(final.ForwardKl)} | {outcome.WallSeconds:0.#} s |"));
        }
        text.AppendLine();
        foreach (var sentence in Sentences(outcome)) text.AppendLine(sentence);
        text.Append(ContributionOutputs.Markdown(outcome, plotsFolder));
        text.AppendLine();
        text.AppendLine("## Evaluation points");
        text.AppendLine();
        text.AppendLine(outcome.OnData ? "| tasks | steps | held-out NLL | modes covered | high-quality fraction |" : "| tasks | steps | modes covered | high-quality fraction | reverse KL | forward KL |");
        text.AppendLine(outcome.OnData ? "|---:|---:|---:|---:|---:|" : "|---:|---:|---:|---:|---:|---:|");
        foreach (var e in outcome.Evaluations)
            if (outcome.OnData)
                text.AppendLine(Invariant($"| {e.Tasks} | {e.Steps} | {FigureText.ThreeDecimals(e.HeldOutNll)} | {Modes(outcome, e)} | {Quality(outcome, e)} |"));
            else
                text.AppendLine(Invariant($"| {e.Tasks} | {e.Steps} | {e.ModesCovered} | {e.HighQualityFraction:0.###} | {FigureText.ThreeDecimals(e.ReverseKl)} | {FigureText.ThreeDecimals(e.ForwardKl)} |"));
        if (plots.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Plots");
            text.AppendLine();
            foreach (var plot in plots) text.AppendLine($"![{Path.GetFileNameWithoutExtension(plot)}]({plotsFolder}/{plot})");
        }
        return text.ToString();
    }

    /// <summary>A few plain sentences on the outcome: coverage, where the model got to, rejections.</summary>
    public static IReadOnlyList<string> Sentences(ExperimentOutcome outcome)
    {
        var final = outcome.Final;
        var first = outcome.Evaluations[0];
        var sentences = new List<string>();
        if (outcome.OnData)
        {
            sentences.Add(Invariant($"After {outcome.Tasks} tasks ({outcome.Steps} steps) the held-out negative log-likelihood went from {FigureText.ThreeDecimals(first.HeldOutNll)} to {FigureText.ThreeDecimals(final.HeldOutNll)} nats per point (no KL: the data's density is not known)."));
            if (outcome.CountsModes)
                sentences.Add(Invariant($"The model covers {final.ModesCovered} of the {final.ModesTotal} labelled clusters, with {final.HighQualityFraction:P0} of its samples within 3σ of a cluster (its points' mean and covariance)."));
            sentences.Add(outcome.RejectedTasks == 0 ? "No step was rejected."
                : Invariant($"{outcome.RejectedTasks} tasks had a step rejected as non-finite ({outcome.RejectedSteps} steps not applied)."));
            return sentences;
        }
        string coverage = final.ModesCovered == final.ModesTotal ? "every mode of the target"
            : final.ModesCovered <= 1 ? "at most one mode of the target (a collapse onto a single mode)"
            : $"{final.ModesCovered} of the {final.ModesTotal} target modes";
        sentences.Add(Invariant($"After {outcome.Tasks} tasks ({outcome.Steps} steps) the model covers {coverage}, with {final.HighQualityFraction:P0} of its samples within 3σ of a target mean."));
        sentences.Add(Invariant($"The reverse KL went from {FigureText.ThreeDecimals(first.ReverseKl)} to {FigureText.ThreeDecimals(final.ReverseKl)} and the forward KL from {FigureText.ThreeDecimals(first.ForwardKl)} to {FigureText.ThreeDecimals(final.ForwardKl)}."));
        var reached = outcome.Evaluations.FirstOrDefault(e => e.ModesCovered >= final.ModesCovered && final.ModesCovered > first.ModesCovered);
        if (reached is not null && reached.Tasks < final.Tasks)
            sentences.Add(Invariant($"It first covered {final.ModesCovered} modes after {reached.Tasks} tasks."));
        sentences.Add(outcome.RejectedTasks == 0
            ? "No step was rejected."
            : Invariant($"{outcome.RejectedTasks} tasks had a step rejected as non-finite ({outcome.RejectedSteps} steps not applied)."));
        return sentences;
    }

    private static string Modes(ExperimentOutcome outcome, EvaluationPoint e) => outcome.CountsModes ? Invariant($"{e.ModesCovered} / {e.ModesTotal}") : "–";

    private static string Quality(ExperimentOutcome outcome, EvaluationPoint e) => outcome.CountsModes ? Invariant($"{e.HighQualityFraction:0.###}") : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
