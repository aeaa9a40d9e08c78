using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Reporting.Experiments;
using TorchSharp;

namespace BigLearn.Reporting.Contributions;

/// <summary>
/// The run's scalar curves as TensorBoard event files (TorchSharp's <c>SummaryWriter</c>), so that
/// <c>tensorboard --logdir RUN/tensorboard</c> shows them: the kind's evaluation figures per evaluation point
/// (<see cref="IContributionRun.EvaluationScalars"/>) and, with a ledger, J and every group's cumulative credit (at most <see cref="MaxCreditPoints"/> points) and alignment per audit.
/// The step of every scalar is the number of tasks done.
/// </summary>
public static class TensorBoardExport
{
    /// <summary>The sub-folder of the run folder.</summary>
    public const string Folder = "tensorboard";

    /// <summary>Most points written per credit curve (the writer opens the file once per scalar).</summary>
    public const int MaxCreditPoints = 500;

    /// <summary>The tags a Gaussian-mixture run writes for every evaluation point.</summary>
    public static IReadOnlyList<string> EvaluationTags { get; } =
        ["evaluation/reverse_kl", "evaluation/forward_kl", "evaluation/high_quality_fraction", "evaluation/modes_covered"];

    /// <summary>Writes the event file into <paramref name="folder"/>; returns its name relative to it.</summary>
    public static IReadOnlyList<string> Write(IContributionRun outcome, string folder)
    {
        Directory.CreateDirectory(folder);
        var before = Directory.GetFiles(folder).ToHashSet();
        var writer = torch.utils.tensorboard.SummaryWriter(folder);
        foreach (var e in outcome.EvaluationScalars) Add(writer, e.Tag, e.Value, Step(e.Tasks));
        if (outcome.Contributions is { } summary)
        {
            foreach (var p in ContributionFigures.Thin(summary.Timeline, MaxCreditPoints))
            {
                int step = Step(p.Tasks);
                Add(writer, "ledger/objective", p.Objective, step);
                for (int g = 0; g < p.GroupCredit.Length; g++) Add(writer, $"credit/{summary.Groups[g].Name}", p.GroupCredit[g], step);
            }
            foreach (var a in summary.Audits)
                for (int g = 0; g < a.GroupAlignment.Length; g++)
                    Add(writer, $"alignment/{summary.Groups[g].Name}", a.GroupAlignment[g], Step(a.Tasks));
            // Credit over time: each group's share of a window's credit, at the window's end (the stacked plot's numbers).
            foreach (var w in ContributionWindows.Of(outcome, summary))
                for (int g = 0; g < w.GroupShare.Length; g++)
                    Add(writer, $"credit_share/{summary.Groups[g].Name}", w.GroupShare[g], Step(w.Until));
        }
        return Directory.GetFiles(folder).Where(f => !before.Contains(f)).Select(Path.GetFileName).OfType<string>().ToArray();
    }

    /// <summary>The tags a run of <paramref name="summary"/>'s groups writes besides its evaluation figures (alignment only with audits).</summary>
    public static IReadOnlyList<string> LedgerTags(ContributionSummary summary) =>
        ["ledger/objective", .. summary.Groups.Select(g => $"credit/{g.Name}"),
         .. summary.AuditEvery > 0 ? summary.Groups.Select(g => $"alignment/{g.Name}") : [],
         .. summary.Groups.Select(g => $"credit_share/{g.Name}")];

    // TensorBoard has no NaN-free guarantee to keep; skipping a non-finite value keeps the curves drawable.
    private static void Add(TorchSharp.Modules.SummaryWriter writer, string tag, double value, int step)
    {
        if (double.IsFinite(value)) writer.add_scalar(tag, (float)value, step, walltime: null);
    }

    private static int Step(long tasks) => (int)Math.Min(tasks, int.MaxValue);
}
