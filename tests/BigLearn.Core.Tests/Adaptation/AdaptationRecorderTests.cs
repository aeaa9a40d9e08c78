using BigLearn.Core.Adaptation;

namespace BigLearn.Core.Tests.Adaptation;

/// <summary>The history of shares and families: rows at the recording points, counts per interval, and its checkpoint.</summary>
public sealed class AdaptationRecorderTests
{
    private static MenuRecord Menu() => new(1, "agents", ["a", "b"], [2, 3], [0.5, 0.5]);

    [Fact]
    public void Rows_are_written_at_every_recording_point_and_at_the_budget_with_the_tasks_of_each_interval()
    {
        var recorder = new AdaptationRecorder("bandit", [Menu()], recordEvery: 3, budget: 7);
        // Tasks 1..7, alternating agents 2 and 3; agent 2 always draws family 0, agent 3 family 1; agent 0 is not a menu agent.
        for (long t = 1; t <= 7; t++)
        {
            int agent = t % 2 == 1 ? 2 : 3;
            recorder.Record(t, agent, 1, agent - 2, agent == 2 ? [t / 10.0, 1 - t / 10.0] : null, t == 5 ? [new CopyEvent(5, 3, 2)] : null);
        }
        recorder.Record(8, 0, 0, -1, null, null); // another group's task: ignored by the counts
        var history = recorder.History();
        Assert.Equal([0L, 3, 6, 7], history.Shares.Select(r => r.Task).Distinct());
        Assert.Equal([0.3, 0.7], history.Shares.Single(r => r.Task == 3 && r.AgentId == 2).Shares);
        Assert.Equal([0.5, 0.5], history.Shares.Single(r => r.Task == 6 && r.AgentId == 3).Shares);
        Assert.Equal([0.7, 0.3], history.Shares.Single(r => r.Task == 7 && r.AgentId == 2).Shares, new ToleranceComparer());
        Assert.Equal([[2L, 1], [1L, 2], [1L, 0]], history.Tasks.Select(r => r.Tasks));
        Assert.Equal([4L, 3], history.TotalTasks(Menu()));
        Assert.Equal(new CopyEvent(5, 3, 2), Assert.Single(history.Copies));
        var mean = history.MeanShares(Menu()).Single(m => m.Task == 3).Mean;
        Assert.Equal((0.3 + 0.5) / 2, mean[0], 14);
    }

    [Fact]
    public void A_restored_recorder_writes_the_history_of_an_uninterrupted_one()
    {
        var whole = new AdaptationRecorder("pbt", [Menu()], 2, 9);
        var cut = new AdaptationRecorder("pbt", [Menu()], 2, 9);
        void Feed(AdaptationRecorder r, long t) => r.Record(t, 2 + (int)(t % 2), 1, (int)(t % 2), [t, -t], null);
        for (long t = 1; t <= 9; t++) Feed(whole, t);
        for (long t = 1; t <= 5; t++) Feed(cut, t);
        var state = System.Text.Json.JsonSerializer.Deserialize<AdaptationRecorderState>(System.Text.Json.JsonSerializer.Serialize(cut.Capture()))!;
        var resumed = new AdaptationRecorder("pbt", [Menu()], 2, 9);
        resumed.Restore(state);
        for (long t = 6; t <= 9; t++) Feed(resumed, t);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(whole.History()), System.Text.Json.JsonSerializer.Serialize(resumed.History()));
        var other = new AdaptationRecorder("pbt", [Menu() with { Families = ["a", "c"] }], 2, 9);
        Assert.Throws<ArgumentException>(() => other.Restore(state));
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;
        public int GetHashCode(double obj) => 0;
    }
}
