using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Reporting.Contributions;

/// <summary>Figures derived from a run's ledger for reports: credit of every group within a stretch of the run.</summary>
public static class ContributionFigures
{
    /// <summary>Each group's credit earned by tasks in (<paramref name="fromTask"/>, <paramref name="untilTask"/>] (tasks done).</summary>
    public static double[] GroupCreditBetween(ContributionSummary summary, long fromTask, long untilTask)
    {
        var start = CumulativeAt(summary, fromTask);
        var end = CumulativeAt(summary, untilTask);
        return end.Select((e, g) => e - start[g]).ToArray();
    }

    /// <summary>The cumulative credit of every group after <paramref name="tasks"/> tasks (the last timeline point at or before it).</summary>
    public static double[] CumulativeAt(ContributionSummary summary, long tasks)
    {
        var timeline = summary.Timeline;
        int lo = 0, hi = timeline.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (timeline[mid].Tasks <= tasks) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? new double[summary.Groups.Count] : (double[])timeline[found].GroupCredit.Clone();
    }

    /// <summary>J in words: "joint-reverse-kl with 1000 fixed samples", "completion-fid of the generator's moving average on 256 fixed held-out images".</summary>
    public static string Describe(ContributionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Objective == ContributionObjectiveSettings.NameOf(ContributionObjectiveKind.CompletionFid))
            return I($"{summary.Objective} of the generator's moving average on {summary.Samples} fixed held-out images");
        if (summary.Objective == ContributionObjectiveSettings.NameOf(ContributionObjectiveKind.CompletionFidTrained))
            return I($"{summary.Objective}, the trained generator's completion FID on {summary.Samples} fixed held-out images");
        return I($"{summary.Objective} with {summary.Samples} fixed samples");
    }

    /// <summary>At most <paramref name="max"/> timeline points, evenly spaced, the last one always included.</summary>
    public static IReadOnlyList<CreditPoint> Thin(IReadOnlyList<CreditPoint> timeline, int max)
    {
        if (timeline.Count <= max) return timeline;
        var picked = Enumerable.Range(0, max).Select(i => timeline[(int)((long)i * (timeline.Count - 1) / (max - 1))]).ToList();
        return picked.DistinctBy(p => p.Tasks).ToArray();
    }

    /// <summary>
    /// Sentences on who did the work: the shares of each half of the run by group, the leading agent, the alignment.
    /// Sampled ledgers say so.
    /// </summary>
    public static IReadOnlyList<string> Sentences(ContributionSummary summary, long budget)
    {
        var sentences = new List<string>();
        if (summary.MeasuredTasks == 0 || summary.Groups.Count == 0) return ["No task was measured, so no contribution can be reported."];
        string how = summary.Sampled
            ? I($"Credits are sampled: every {summary.Every}-th task was measured and its ΔJ counted {summary.Every} times, so they are estimates. ")
            : "";
        sentences.Add(how + I($"J ({Describe(summary)}) went from {summary.InitialObjective:0.####} to {summary.FinalObjective:0.####}; the credits add up to {summary.TotalCredit:0.####}") +
                      (summary.Sampled ? "." : I($" (ledger balanced to {summary.Imbalance:0.#e+0} relative).")));
        long half = budget / 2;
        foreach (var (name, from, until) in new[] { ("first", 0L, half), ("second", half, budget) })
        {
            if (until <= from) continue;
            var credit = GroupCreditBetween(summary, from, until);
            double total = credit.Sum();
            int best = Array.IndexOf(credit, credit.Max());
            double lowered = credit.Where(c => c > 0).Sum();
            // Shares of the groups that lowered J; groups that raised it are named separately (a share above 100 % reads badly).
            var helped = string.Join(", ", credit.Select((c, g) => (c, g)).Where(x => x.c > 0).OrderByDescending(x => x.c)
                .Select(x => I($"{summary.Groups[x.g].Name} {x.c:0.####} ({x.c / lowered:P0})")));
            var hurt = string.Join(", ", credit.Select((c, g) => (c, g)).Where(x => x.c < 0).OrderBy(x => x.c)
                .Select(x => I($"{summary.Groups[x.g].Name} by {-x.c:0.####}")));
            var idle = string.Join(", ", credit.Select((c, g) => (c, g)).Where(x => x.c == 0).Select(x => summary.Groups[x.g].Name));
            var sentence = lowered > 0
                ? I($"In the {name} half (tasks {from + 1}–{until}) J fell by {total:0.####} net; group {summary.Groups[best].Name} did most of the work. Lowered J: {helped}.")
                : I($"In the {name} half (tasks {from + 1}–{until}) no group lowered J (J rose by {-total:0.####} net).");
            if (hurt.Length > 0) sentence += $" Raised J: {hurt}.";
            if (idle.Length > 0) sentence += $" No credit: {idle}.";
            sentences.Add(sentence);
        }
        var top = summary.Agents.OrderByDescending(a => a.Credit).First();
        sentences.Add(I($"The leading agent is {top.Id} ({top.Group}) with {top.Credit:0.####} ({top.Share:P0} of the total)."));
        var aligned = summary.Groups.Where(g => g.Audits > 0).ToArray();
        if (aligned.Length > 0)
            sentences.Add("Mean alignment of a task's gradient with ∇J at the audits: " +
                          string.Join(", ", aligned.Select(g => I($"{g.Name} {g.Alignment:0.###}"))) + ".");
        return sentences;
    }

    private static string I(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
