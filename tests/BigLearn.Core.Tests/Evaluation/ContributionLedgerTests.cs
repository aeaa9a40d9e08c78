using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Core.Tests.Evaluation;

public sealed class ContributionLedgerTests
{
    private static ContributionSchedule Schedule(long every) => new(every, 0, ContributionObjectiveSettings.Default);

    [Fact]
    public void An_exact_ledger_credits_each_proposer_and_its_groups_and_telescopes()
    {
        // J: 10 → 7 (agent 0) → 7.5 (agent 2, made it worse) → 4 (agent 1).
        var ledger = new ContributionLedger(["a", "b"], [0, 0, 1], Schedule(1));
        ledger.Record(1, 0, new TaskContribution(true, 10, 7, 1, []));
        ledger.Record(2, 2, new TaskContribution(true, 7, 7.5, 1, []));
        ledger.Record(3, 1, new TaskContribution(true, 7.5, 4, 1, []));
        var summary = ledger.Snapshot();
        Assert.Equal([3.0, 3.5, -0.5], summary.Agents.Select(a => a.Credit));
        Assert.Equal([6.5, -0.5], summary.Groups.Select(g => g.Credit));
        Assert.Equal(6.0, summary.TotalCredit, 12);
        Assert.Equal(10 - 4, summary.ObjectiveDrop, 12);
        Assert.Equal(0, summary.Imbalance, 12);
        Assert.Equal(3.5 / 6, summary.Agents[1].Share, 12);
        Assert.False(summary.Sampled);
        Assert.Equal([(1L, 3.0), (2L, 3.0), (3L, 6.5)], summary.Timeline.Select(p => (p.Tasks, p.GroupCredit[0])));
        Assert.Equal((2, "b", -0.5), ledger.Ranking()[^1]);
    }

    [Fact]
    public void A_sampled_ledger_scales_the_measured_tasks_and_says_it_is_sampled()
    {
        var schedule = Schedule(3);
        Assert.Equal([1L, 4L, 7L], Enumerable.Range(1, 9).Select(i => (long)i).Where(schedule.Measures));
        var ledger = new ContributionLedger(["a"], [0, 0], schedule);
        for (long n = 1; n <= 9; n++)
            ledger.Record(n, (int)(n % 2), schedule.Measures(n) ? new TaskContribution(true, 10 - n, 9.5 - n, 3, []) : null);
        var summary = ledger.Snapshot();
        Assert.True(summary.Sampled);
        Assert.Equal(3, summary.MeasuredTasks);
        Assert.Equal(9, summary.Tasks);
        Assert.Equal(3 * 0.5 * 3, summary.TotalCredit, 12);        // three measured ΔJ of 0.5, each counted 3 times
        Assert.Equal(1.5, summary.SumOfDeltas, 12);
        Assert.Equal([1.5, 3.0], summary.Agents.Select(a => a.Credit)); // tasks 4 → agent 0; 1 and 7 → agent 1
    }

    [Fact]
    public void Audits_average_cosines_per_agent_and_group_and_skip_undefined_ones()
    {
        var ledger = new ContributionLedger(["a", "b"], [0, 1, 1], new ContributionSchedule(1, 5, ContributionObjectiveSettings.Default));
        ledger.Record(1, 0, new TaskContribution(false, double.NaN, double.NaN, 1,
            [new AgentAlignment(0, 0, 0.5), new AgentAlignment(1, 1, -1), new AgentAlignment(2, 1, double.NaN)]));
        ledger.Record(6, 1, new TaskContribution(false, double.NaN, double.NaN, 1, [new AgentAlignment(1, 1, 0.2), new AgentAlignment(2, 1, 0.4)]));
        var summary = ledger.Snapshot();
        Assert.Equal(0.5, summary.Agents[0].Alignment, 12);
        Assert.Equal(-0.4, summary.Agents[1].Alignment, 12);
        Assert.Equal(1, summary.Agents[2].Audits);
        Assert.Equal((-1 + 0.2 + 0.4) / 3, summary.Groups[1].Alignment, 12);
        Assert.Equal([0L, 5L], summary.Audits.Select(a => a.Tasks));
        Assert.Equal(0, summary.MeasuredTasks);
    }
}
