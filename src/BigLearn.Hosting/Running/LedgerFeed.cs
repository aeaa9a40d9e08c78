using BigLearn.Actors.Population;
using BigLearn.Core.Evaluation.Contributions;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>One agent's credit so far, for live displays.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Group">Its group.</param>
/// <param name="Credit">Its credit (ΔJ summed, scaled in sampled mode).</param>
public sealed record AgentCredit(int AgentId, string Group, double Credit);

/// <summary>
/// Feeds a run's <see cref="ContributionLedger"/> from the model's <see cref="TaskCompleted"/> notifications (on the
/// observer's thread) and adds the leading agents to progress reports, re-ranking at most a few hundred times per run.
/// </summary>
internal sealed class LedgerFeed
{
    private const int Shown = 5;
    private readonly long _rankEvery;
    private IReadOnlyList<AgentCredit> _top = [];
    private long _rankedAt = -1;

    public LedgerFeed(PopulationSpec spec, ContributionSchedule schedule)
    {
        Ledger = new ContributionLedger(spec.Groups.Select(g => g.Name).ToArray(), spec.GroupOfAgents(), schedule);
        _rankEvery = Math.Max(1, spec.BudgetTasks / 200);
    }

    public ContributionLedger Ledger { get; }

    public void Record(TaskCompleted completed) => Ledger.Record(completed.Sequence, completed.AgentId, completed.Contribution);

    public RunProgress Decorate(RunProgress progress)
    {
        if (_rankedAt < 0 || Ledger.Tasks - _rankedAt >= _rankEvery || Ledger.Tasks == progress.Budget)
        {
            _top = Ledger.Ranking().Take(Shown).Select(r => new AgentCredit(r.AgentId, r.Group, r.Credit)).ToArray();
            _rankedAt = Ledger.Tasks;
        }
        return progress with { TopAgents = _top, CreditsSampled = Ledger.Schedule.Every > 1 };
    }
}
