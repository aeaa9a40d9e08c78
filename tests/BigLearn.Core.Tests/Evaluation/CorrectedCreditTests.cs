using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Core.Tests.Evaluation;

/// <summary>The ledger's corrected credit: task advantages over a typical peer, a fair share, and the group's shrinkage.</summary>
public sealed class CorrectedCreditTests
{
    private static ContributionSchedule Schedule => new(1, 0, ContributionObjectiveSettings.Default);

    private static TaskContribution Task(double before, double after, double baseline) => new(true, before, after, 1, [], Baseline: baseline);

    [Fact]
    public void A_tasks_advantage_is_its_credit_minus_its_baseline_credit_and_a_task_without_baseline_is_its_own()
    {
        var withBaseline = Task(10, 7, 1.25);
        Assert.Equal((3.0, 1.25, 1.75), (withBaseline.Credit, withBaseline.BaselineCredit, withBaseline.Advantage));
        var scaled = new TaskContribution(true, 10, 7, 4, [], Baseline: 1.25); // a sampled ledger scales both by k
        Assert.Equal((12.0, 5.0, 7.0), (scaled.Credit, scaled.BaselineCredit, scaled.Advantage));
        var without = Task(10, 7, double.NaN);
        Assert.Equal((3.0, 0.0), (without.BaselineCredit, without.Advantage));
        Assert.Equal(0, new TaskContribution(false, double.NaN, double.NaN, 1, []).Advantage);
    }

    [Fact]
    public void Agents_whose_advantages_are_the_same_get_the_same_credit_per_task_and_the_credits_still_sum_to_the_total()
    {
        // Group a: agents 0 and 1 alternate, each task with the same advantage sequence, but agent 0 ran the big first task.
        // Group b: agent 2, two tasks.
        var ledger = new ContributionLedger(["a", "b"], [0, 0, 1], Schedule);
        ledger.Record(1, 0, Task(40, 20, 19));  // advantage 1, baseline 19
        ledger.Record(2, 1, Task(20, 18, 1));   // advantage 1, baseline 1
        ledger.Record(3, 2, Task(18, 17, 0.5)); // advantage 0.5
        ledger.Record(4, 0, Task(17, 16.5, 1)); // advantage −0.5
        ledger.Record(5, 1, Task(16.5, 16, 1)); // advantage −0.5
        ledger.Record(6, 2, Task(16, 15, 1));   // advantage 0
        var summary = ledger.Snapshot();
        Assert.Equal([20.5, 2.5, 2.0], summary.Agents.Select(a => a.Credit));
        Assert.Equal([0.5, 0.5, 0.5], summary.Agents.Select(a => a.Advantage));
        // The two agents of group a have identical advantages: no spread beyond chance, nothing singled out.
        Assert.Equal(0, summary.Groups[0].Shrinkage);
        // Typical credit per task: Σ baselines / 6 = 23.5 / 6. Group a's advantage per task 1/4, group b's 1/4.
        double typical = 23.5 / 6;
        Assert.All(summary.Agents, a => Assert.Equal(2 * (typical + 0.25), a.CorrectedCredit, 12));
        Assert.Equal(summary.TotalCredit, summary.Agents.Sum(a => a.CorrectedCredit), 12);
        Assert.Equal(25.0, summary.TotalCredit, 12);
        Assert.True(summary.Groups[0].CreditCv > 1);
        Assert.Equal(0, summary.Groups[0].CorrectedCv, 12);
    }

    [Fact]
    public void An_agent_that_beats_its_peers_by_far_more_than_chance_keeps_its_advantage()
    {
        // Ten agents in one group, 40 rounds; agent 3 beats the baseline by 1 every task, the others by ±0.01.
        var ledger = new ContributionLedger(["a"], Enumerable.Repeat(0, 10).ToArray(), Schedule);
        long n = 0;
        double j = 1000;
        for (int round = 0; round < 40; round++)
            for (int agent = 0; agent < 10; agent++)
            {
                double advantage = agent == 3 ? 1 : (round + agent) % 2 == 0 ? 0.01 : -0.01;
                ledger.Record(++n, agent, Task(j, j - 2 - advantage, 2));
                j -= 2 + advantage;
            }
        var summary = ledger.Snapshot();
        var group = summary.Groups[0];
        Assert.Equal(1.0 / 1000, group.AgentsDifferP, 12);
        // Nearly all the spread is agent 3's: the null keeps about (k − 1)/(N − 1) = 9/399 of it.
        Assert.InRange(group.Shrinkage, 0.97, 0.985);
        var best = summary.Agents.MaxBy(a => a.CorrectedCredit)!;
        Assert.Equal(3, best.Id);
        // Its corrected credit: 40 tasks × (typical 2 + group mean advantage 0.1) + shrinkage × (40 − 40 × 0.1).
        Assert.Equal(40 * 2.1 + group.Shrinkage * 36, best.CorrectedCredit, 9);
        Assert.Equal(summary.TotalCredit, summary.Agents.Sum(a => a.CorrectedCredit), 9);
    }

    [Fact]
    public void The_corrected_parts_survive_a_capture_and_restore()
    {
        var ledger = new ContributionLedger(["a"], [0, 0], Schedule);
        ledger.Record(1, 0, Task(10, 7, 1));
        var copy = new ContributionLedger(["a"], [0, 0], Schedule);
        copy.Restore(ledger.CaptureState());
        ledger.Record(2, 1, Task(7, 6, 2));
        copy.Record(2, 1, Task(7, 6, 2));
        Assert.Equal(ledger.Snapshot().Agents.Select(a => (a.Advantage, a.CorrectedCredit)), copy.Snapshot().Agents.Select(a => (a.Advantage, a.CorrectedCredit)));
        Assert.Equal([2.0, -1.0], copy.Snapshot().Agents.Select(a => a.Advantage));
        Assert.Equal(2, copy.BaselinedTasks);
    }

    [Fact]
    public void A_ledger_without_any_baseline_has_no_corrected_credit_and_no_test()
    {
        var ledger = new ContributionLedger(["a"], [0, 0], Schedule);
        ledger.Record(1, 0, Task(10, 7, double.NaN));
        ledger.Record(2, 1, Task(7, 6, double.NaN));
        var summary = ledger.Snapshot();
        Assert.All(summary.Agents, a => Assert.True(double.IsNaN(a.CorrectedCredit)));
        Assert.True(double.IsNaN(summary.Groups[0].AgentsDifferP));
        Assert.Equal(0, ledger.BaselinedTasks);
    }
}
