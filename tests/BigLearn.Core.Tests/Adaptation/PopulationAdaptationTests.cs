using BigLearn.Core.Adaptation;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Adaptation;

/// <summary>The adaptation's signal, bandit and pbt steps against values computed by hand, and its checkpoint round trip.</summary>
public sealed class PopulationAdaptationTests
{
    private static AdaptiveAgent[] Agents(int count, int arms, int group = 0) =>
        Enumerable.Range(0, count).Select(i => new AdaptiveAgent(i, group, Enumerable.Repeat(1.0, arms).ToArray())).ToArray();

    [Fact]
    public void The_signal_is_the_centred_mid_rank_of_the_value_among_the_population_window()
    {
        var adaptation = new PopulationAdaptation(new AdaptationSettings(AdaptMode.Bandit, 1) { Window = 4 }, Agents(1, 2));
        Assert.Equal(0, adaptation.Observe(0, 0, 5.0)); // fewer than two values in the window: no signal yet
        Assert.Equal(0, adaptation.Observe(0, 0, 1.0));
        // window {5, 1}: 3 is above one of two → 1/2 − 1/2 = 0
        Assert.Equal(0, adaptation.Observe(0, 0, 3.0));
        // window {5, 1, 3}: 5 is above 1 and 3 and ties 5 → (2 + 0.5) / 3 − 0.5
        Assert.Equal(2.5 / 3 - 0.5, adaptation.Observe(0, 1, 5.0), 14);
        // window {5, 1, 3, 5}: 0 is below all → −0.5
        Assert.Equal(-0.5, adaptation.Observe(0, 1, 0.0), 14);
        // the window keeps the last 4: {1, 3, 5, 0}; 4 is above 1, 3 and 0 → 3/4 − 1/2
        Assert.Equal(0.25, adaptation.Observe(0, 1, 4.0), 14);
        Assert.True(double.IsNaN(adaptation.Observe(0, 1, double.NaN)));
    }

    [Fact]
    public void Bandit_shares_are_the_floored_softmax_of_each_arms_moving_average_signal()
    {
        var settings = new AdaptationSettings(AdaptMode.Bandit, 1) { Window = 1000, StepSize = 0.1, Temperature = 0.2, Floor = 0.1 };
        var adaptation = new PopulationAdaptation(settings, Agents(1, 3));
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], adaptation.SharesOf(0)!);
        // Values rising by one each time: the first two get no signal (the window holds fewer than two values); after that every
        // value is above all n − 1 in the window, so its signal is (n − 1)/(n − 1) − ½ = ½.
        double q = 0;
        for (int i = 0; i < 12; i++)
        {
            double signal = adaptation.Observe(0, 2, i);
            Assert.Equal(i < 2 ? 0 : 0.5, signal, 14);
            q += 0.1 * (signal - q);
        }
        double e = Math.Exp(q / 0.2), total = 2 + e;
        double[] expected = [0.9 / total + 0.1 / 3, 0.9 / total + 0.1 / 3, 0.9 * e / total + 0.1 / 3];
        var shares = adaptation.SharesOf(0)!;
        for (int a = 0; a < 3; a++) Assert.Equal(expected[a], shares[a], 12);
        Assert.Equal([0L, 0L, 12L], adaptation.ArmTasksOf(0)!);
    }

    [Fact]
    public void A_pbt_step_has_the_lowest_agents_copy_perturbed_shares_of_the_highest_within_their_group()
    {
        var settings = new AdaptationSettings(AdaptMode.Pbt, 7) { Window = 1000, PbtEvery = 8, PbtFraction = 0.25, PbtPerturb = 0.5, Floor = 0.1 };
        var adaptation = new PopulationAdaptation(settings, [.. Agents(4, 3, group: 0), new AdaptiveAgent(4, 1, [1, 1, 1])]);
        var start = Enumerable.Range(0, 5).Select(a => adaptation.SharesOf(a)!).ToArray();
        Assert.All(start, s => Assert.Equal(1, s.Sum(), 12));
        Assert.NotEqual(start[0], start[1]); // agents start from the menu's shares perturbed, so selection has something to act on
        // Agent a's tasks have value a: agent 3 ranks highest, agent 0 lowest.
        long sequence = 0;
        IReadOnlyList<PbtCopy> copies = [];
        for (int round = 0; round < 2; round++)
            for (int a = 0; a < 4; a++)
            {
                adaptation.Observe(a, 0, a + 0.01 * round);
                copies = adaptation.AfterTask(++sequence);
                if (sequence < 8) Assert.Empty(copies);
            }
        // 25 % of group 0's four agents: the lowest, agent 0, copies one of the highest 25 %, agent 3; group 1's lone agent copies nobody.
        Assert.Equal(new PbtCopy(0, 3), Assert.Single(copies));
        Assert.Equal(1, adaptation.Copies);
        var copied = adaptation.SharesOf(0)!;
        Assert.NotEqual(start[0], copied);
        // The copy is a log-normal perturbation of agent 3's shares, renormalised and floored: every share keeps the floor.
        Assert.All(copied, s => Assert.True(s >= 0.1 / 3 - 1e-15));
        Assert.Equal(1, copied.Sum(), 12);
        Assert.Equal(start[3], adaptation.SharesOf(3)!); // the copied agent keeps its shares
        Assert.Equal(start[4], adaptation.SharesOf(4)!);
    }

    [Fact]
    public void The_pbt_step_reports_who_copied_whom_at_multiples_of_its_period_only()
    {
        var settings = new AdaptationSettings(AdaptMode.Pbt, 3) { PbtEvery = 4, PbtFraction = 0.5 };
        var adaptation = new PopulationAdaptation(settings, Agents(4, 2));
        for (int a = 0; a < 4; a++) adaptation.Observe(a, 1, 10 * a);
        Assert.Empty(adaptation.AfterTask(3));
        var copies = adaptation.AfterTask(4);
        Assert.Equal(2, copies.Count);
        Assert.Equal([0, 1], copies.Select(c => c.AgentId).Order());
        Assert.All(copies, c => Assert.Contains(c.From, new[] { 2, 3 }));
    }

    [Fact]
    public void A_restored_adaptation_continues_exactly_as_the_one_it_was_captured_from()
    {
        foreach (var mode in new[] { AdaptMode.Bandit, AdaptMode.Pbt })
        {
            var settings = new AdaptationSettings(mode, 11) { Window = 16, PbtEvery = 5 };
            var first = new PopulationAdaptation(settings, Agents(3, 4));
            var rng = new Rng(99);
            var steps = Enumerable.Range(0, 60).Select(_ => (Agent: rng.NextInt(3), Arm: rng.NextInt(4), Value: rng.NextGaussian())).ToArray();
            for (int i = 0; i < 30; i++)
            {
                first.Observe(steps[i].Agent, steps[i].Arm, steps[i].Value);
                first.AfterTask(i + 1);
            }
            var second = new PopulationAdaptation(settings, Agents(3, 4));
            second.Restore(System.Text.Json.JsonSerializer.Deserialize<AdaptationState>(System.Text.Json.JsonSerializer.Serialize(first.Capture()))!);
            for (int i = 30; i < 60; i++)
            {
                Assert.Equal(first.Observe(steps[i].Agent, steps[i].Arm, steps[i].Value), second.Observe(steps[i].Agent, steps[i].Arm, steps[i].Value));
                Assert.Equal(first.AfterTask(i + 1), second.AfterTask(i + 1));
            }
            for (int a = 0; a < 3; a++) Assert.Equal(first.SharesOf(a)!, second.SharesOf(a)!);
            Assert.Equal(first.Copies, second.Copies);
        }
    }

    [Fact]
    public void A_state_of_other_agents_or_menus_is_refused_and_changes_nothing()
    {
        var settings = new AdaptationSettings(AdaptMode.Bandit, 1);
        var saved = new PopulationAdaptation(settings, Agents(2, 3)).Capture();
        var other = new PopulationAdaptation(settings, Agents(3, 3));
        Assert.Contains("agents 0,1, not 0,1,2", Assert.Throws<ArgumentException>(() => other.Restore(saved)).Message);
        var wider = new PopulationAdaptation(settings, Agents(2, 4));
        Assert.Contains("3 families; this run's has 4", Assert.Throws<ArgumentException>(() => wider.Restore(saved)).Message);
        Assert.Equal([0.25, 0.25, 0.25, 0.25], wider.SharesOf(0)!);
    }

    [Fact]
    public void NextIndex_picks_each_family_with_its_share()
    {
        double[] shares = [0.1, 0.6, 0.3];
        var rng = new Rng(5);
        const int n = 30_000;
        var counts = new int[3];
        for (int i = 0; i < n; i++) counts[rng.NextIndex(shares)]++;
        for (int a = 0; a < 3; a++)
            Assert.InRange(counts[a], n * shares[a] - 4 * Math.Sqrt(n * shares[a] * (1 - shares[a])), n * shares[a] + 4 * Math.Sqrt(n * shares[a] * (1 - shares[a])));
    }

    [Theory]
    [InlineData("Window", "population.adapt-window")]
    [InlineData("Temperature", "population.adapt-temperature")]
    [InlineData("Floor", "population.adapt-floor")]
    [InlineData("PbtFraction", "population.pbt-fraction")]
    public void Settings_out_of_range_are_refused_naming_their_key(string knob, string key)
    {
        var settings = new AdaptationSettings(AdaptMode.Bandit, 1);
        settings = knob switch
        {
            "Window" => settings with { Window = 1 },
            "Temperature" => settings with { Temperature = 0 },
            "Floor" => settings with { Floor = 1 },
            _ => settings with { PbtFraction = 0.75 },
        };
        Assert.StartsWith(key, Assert.Throws<ArgumentException>(() => new PopulationAdaptation(settings, Agents(1, 2))).Message);
    }
}
