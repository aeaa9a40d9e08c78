using System.Text.Json;
using System.Text.Json.Serialization;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Evaluation;

public sealed class ContributionLedgerStateTests
{
    // What a checkpoint's state.json uses: shortest round-trip doubles, NaN by name.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly string[] Groups = ["marginal", "joint", "conditional"];
    private static readonly int[] GroupOfAgent = [0, 0, 0, 1, 2, 2];

    // Measured every 2nd task (credits scaled by 2), audited every 3rd; J and the cosines are arbitrary full-precision doubles.
    private static ContributionLedger NewLedger() =>
        new(Groups, GroupOfAgent, new ContributionSchedule(2, 3, ContributionObjectiveSettings.Default));

    private static void Feed(ContributionLedger ledger, long from, long to, Rng rng)
    {
        var schedule = ledger.Schedule;
        for (long n = from; n <= to; n++)
        {
            int agent = rng.NextInt(GroupOfAgent.Length);
            double before = 5 + rng.NextGaussian(), after = before - 0.1 * rng.NextGaussian();
            var audit = schedule.Audits(n)
                ? Enumerable.Range(0, GroupOfAgent.Length).Select(a => new AgentAlignment(a, GroupOfAgent[a], 2 * rng.NextDouble() - 1)).ToArray()
                : [];
            bool measured = schedule.Measures(n);
            var contribution = measured || audit.Length > 0
                ? new TaskContribution(measured, measured ? before : double.NaN, measured ? after : double.NaN, schedule.Every, audit)
                : null;
            ledger.Record(n, agent, contribution);
        }
    }

    private static string Text(ContributionSummary summary) => JsonSerializer.Serialize(summary, Json);

    private static ContributionLedger ThroughJson(ContributionLedger ledger)
    {
        var json = JsonSerializer.Serialize(ledger.CaptureState(), Json);
        var restored = NewLedger();
        restored.Restore(JsonSerializer.Deserialize<LedgerState>(json, Json)!);
        return restored;
    }

    [Fact]
    public void A_ledger_restored_from_its_state_through_json_has_the_same_snapshot_and_continues_like_the_uninterrupted_one()
    {
        var uninterrupted = NewLedger();
        var rng = Rng.ForStream(888, 7);
        Feed(uninterrupted, 1, 37, rng);
        var restored = ThroughJson(uninterrupted);

        Assert.Equal(Text(uninterrupted.Snapshot()), Text(restored.Snapshot()));
        Assert.Equal(uninterrupted.Snapshot().TotalCredit, restored.Snapshot().TotalCredit); // bit for bit, not within a tolerance

        // Both go on with the same tasks (one stream, saved and replayed); everything stays identical.
        var state = rng.State;
        Feed(uninterrupted, 38, 80, rng);
        Feed(restored, 38, 80, Rng.FromState(state));
        var expected = uninterrupted.Snapshot();
        var actual = restored.Snapshot();
        Assert.Equal(Text(expected), Text(actual));
        Assert.Equal(uninterrupted.Ranking(), restored.Ranking());
        Assert.Equal(80, actual.Tasks);
        Assert.Equal(40, actual.MeasuredTasks);                   // tasks 1, 3, …, 79
        Assert.Equal(27, actual.Audits.Count);                    // before tasks 1, 4, …, 79
        Assert.Equal(2 * actual.SumOfDeltas, actual.TotalCredit, 12);
    }

    [Fact]
    public void A_captured_state_is_a_copy_that_later_records_do_not_change()
    {
        var ledger = NewLedger();
        var rng = Rng.ForStream(5079, 1);
        Feed(ledger, 1, 10, rng);
        var captured = ledger.CaptureState();
        var json = JsonSerializer.Serialize(captured, Json);
        Feed(ledger, 11, 30, rng);
        Assert.Equal(json, JsonSerializer.Serialize(captured, Json));
        Assert.Equal(10, captured.Tasks);
        Assert.Equal(5, captured.Timeline.Length);
    }

    [Fact]
    public void A_state_before_any_measurement_keeps_its_undefined_objectives_through_json()
    {
        var ledger = NewLedger();
        ledger.Record(1, 4, null);
        var restored = ThroughJson(ledger);
        Assert.Equal(1, restored.Tasks);
        Assert.True(double.IsNaN(restored.InitialObjective));
        Assert.True(double.IsNaN(restored.LatestObjective));
        Assert.Equal(Text(ledger.Snapshot()), Text(restored.Snapshot()));
    }

    [Fact]
    public void A_state_for_other_agents_or_groups_or_an_inconsistent_one_is_refused()
    {
        var ledger = NewLedger();
        Feed(ledger, 1, 9, Rng.ForStream(1, 1));
        var state = ledger.CaptureState();

        var fewerAgents = new ContributionLedger(Groups, [0, 0, 1], ledger.Schedule);
        Assert.Contains("for 6 agents, this ledger has 3", Assert.Throws<ArgumentException>(() => fewerAgents.Restore(state)).Message);
        var fewerGroups = new ContributionLedger(["marginal", "joint"], [0, 0, 0, 1, 1, 1], ledger.Schedule);
        Assert.Contains("for 3 groups, this ledger has 2", Assert.Throws<ArgumentException>(() => fewerGroups.Restore(state)).Message);
        Assert.Contains("inconsistent", Assert.Throws<ArgumentException>(() => NewLedger().Restore(state with { MeasuredTasks = 4 })).Message);
    }
}
