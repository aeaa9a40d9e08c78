using System.Text.Json;
using BigLearn.Actors.Population;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Hosting.Checkpoints;
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
/// It is the checkpoint section <c>"ledger"</c>: every checkpoint saves the ledger's state, and a resumed run continues
/// from it, so its contributions are those of an uninterrupted run.
/// </summary>
internal sealed class LedgerFeed : ICheckpointSection
{
    /// <summary>The section's name in a checkpoint's <c>state.json</c>.</summary>
    public const string SectionName = "ledger";

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

    public string Name => SectionName;

    // Called by the checkpoint sink on the observer's thread, between two Record calls.
    public JsonElement Capture() => JsonSerializer.SerializeToElement(Ledger.CaptureState(), CheckpointStore.Json);

    /// <exception cref="InvalidDataException">The section does not parse or does not fit this run's agents and groups.</exception>
    public void Restore(JsonElement saved)
    {
        try
        {
            Ledger.Restore(saved.Deserialize<LedgerState>(CheckpointStore.Json) ?? throw new InvalidDataException("the section is empty"));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException(e.Message.Split('\n')[0], e);
        }
        _rankedAt = -1; // rank again at the next progress report
    }

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
