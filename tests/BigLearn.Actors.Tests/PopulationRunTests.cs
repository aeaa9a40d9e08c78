using Akka.Actor;
using BigLearn.Actors.Population;
using Xunit.Abstractions;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Tests;

public sealed class PopulationRunTests(ITestOutputHelper output) : ActorTest(output)
{
    [Fact]
    public async Task The_budget_ends_the_run_with_exactly_budget_tasks()
    {
        var spec = new PopulationSpec(3, budgetTasks: 1000,
            [new GroupSpec("a", 30, new RandomMarginals(4)), new GroupSpec("b", 20, new RandomMarginals(4), share: 2)],
            SchedulingMode.Free, credits: 3);
        var run = await RunAsync(spec, () => new HashingRunner());

        Assert.Equal(1000, run.Result.TotalTasks);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), run.Tasks.Select(t => t.Sequence));
        Assert.Equal(1000, run.Result.Groups.Sum(g => g.Tasks));
        Assert.Equal(1000, run.Result.Agents.Sum(a => a.Tasks));
        // The model holds at the budget: nothing else runs, and every pending proposal was handed back.
        var model = await Sys.ActorSelection(run.Supervisor.Path / "model").ResolveOne(RunTimeout);
        var stats = await model.Ask<ModelStats>(GetModelStats.Instance, RunTimeout);
        Assert.Equal((1000L, 0), (stats.TasksRun, stats.Pending));
    }

    [Fact]
    public async Task Credits_bound_the_outstanding_proposals_of_every_agent_in_a_run()
    {
        var spec = new PopulationSpec(4, 400, [new GroupSpec("a", 10, new RandomMarginals(3))], SchedulingMode.Free, credits: 2);
        var run = await RunAsync(spec, () => new HashingRunner());
        // Each agent spends both credits at activation, never more; no proposal is refused (those still on their way
        // when the budget ran out are withdrawn), and every proposal is accounted for.
        Assert.All(run.Result.Agents, a => Assert.Equal(2, a.MaxInFlight));
        Assert.All(run.Result.Agents, a => Assert.Equal(0, a.Refusals));
        Assert.All(run.Result.Agents, a => Assert.Equal(a.Proposals, a.Tasks + a.Withdrawals + a.Refusals + a.InFlight));
    }

    [Fact]
    public async Task Group_shares_are_respected_within_four_binomial_sigmas()
    {
        const int budget = 2000;
        var spec = new PopulationSpec(21, budget,
            [new GroupSpec("major", 5, new RandomMarginals(3), share: 0.9), new GroupSpec("minor", 5, new RandomMarginals(3), share: 0.1)]);
        var run = await RunAsync(spec, () => new HashingRunner());

        // In lockstep both groups always have pending work, so each pick is Bernoulli(0.9) for "major".
        double sigma = Math.Sqrt(budget * 0.9 * 0.1); // ≈ 13.4
        long major = run.Tasks.Count(t => t.Group == 0);
        Assert.InRange(major, budget * 0.9 - 4 * sigma, budget * 0.9 + 4 * sigma);
        Assert.Equal(major, run.Result.Groups[0].Tasks);
        Assert.Equal(budget - major, run.Result.Groups[1].Tasks);
    }

    [Fact]
    public async Task A_group_with_window_from_one_half_runs_nothing_before_half_the_budget_and_its_share_after()
    {
        const int budget = 1000;
        var spec = new PopulationSpec(8, budget,
            [new GroupSpec("early", 3, new RandomMarginals(3), share: 1), new GroupSpec("late", 3, new RandomMarginals(3), share: 3, start: 0.5)]);
        var run = await RunAsync(spec, () => new HashingRunner());

        Assert.DoesNotContain(run.Tasks.Take(budget / 2), t => t.Group == 1);
        long late = run.Tasks.Skip(budget / 2).Count(t => t.Group == 1);
        double sigma = Math.Sqrt(500 * 0.75 * 0.25); // ≈ 9.7; the late share is 3 / (1 + 3)
        Assert.InRange(late, 375 - 4 * sigma, 375 + 4 * sigma);
        // The late agents proposed nothing before their window, so their only withdrawal is the proposal still
        // pending when the budget ran out, and nothing is left in flight.
        Assert.All(run.Result.Agents.Where(a => a.Group == 1), a => Assert.Equal((1L, 0), (a.Withdrawals, a.InFlight)));
    }

    [Fact]
    public async Task A_group_that_stops_early_has_its_pending_proposals_withdrawn_and_runs_nothing_after()
    {
        var spec = new PopulationSpec(9, 600,
            [new GroupSpec("main", 4, new RandomMarginals(3)), new GroupSpec("warmup", 4, new RandomMarginals(3), stop: 0.25)],
            SchedulingMode.Free, credits: 2);
        var run = await RunAsync(spec, () => new HashingRunner());
        Assert.DoesNotContain(run.Tasks.Skip(150), t => t.Group == 1);
        Assert.Contains(run.Tasks.Take(150), t => t.Group == 1);
        // Every proposal of the warm-up agents was answered: run, or handed back when the window closed.
        Assert.All(run.Result.Agents.Where(a => a.Group == 1), a => Assert.Equal(a.Proposals, a.Tasks + a.Withdrawals + a.Refusals));
        Assert.All(run.Result.Agents.Where(a => a.Group == 1), a => Assert.Equal(0, a.InFlight));
    }

    [Fact]
    public async Task A_crashing_agent_is_restarted_with_its_counters_intact_and_the_run_finishes()
    {
        var fragile = new RandomMarginals(3, failOnDraw: 5);
        var spec = new PopulationSpec(12, 200, [new GroupSpec("fragile", 1, fragile), new GroupSpec("steady", 3, new RandomMarginals(3))]);
        var run = await RunAsync(spec, () => new HashingRunner());

        Assert.Equal(200, run.Result.TotalTasks);
        Assert.Equal((1, 0), (run.Result.Restarts, run.Result.ModelRestarts));
        var agent0 = run.Result.Agents[0];
        Assert.Equal(1, agent0.Restarts);
        long ranForAgent0 = run.Tasks.Count(t => t.AgentId == 0);
        // Four tasks ran before the crash (draw 5 failed); a reset counter would miss them.
        Assert.True(ranForAgent0 > 4, $"agent 0 ran {ranForAgent0} tasks");
        Assert.Equal(ranForAgent0, agent0.Tasks);
        // Every proposal ran or is still out (the run's end hands it back); the failed draw was never proposed.
        Assert.Equal(ranForAgent0 + agent0.InFlight + agent0.Withdrawals, agent0.Proposals);
        Assert.Equal(fragile.Draws, agent0.Proposals + 1);
    }

    [Fact]
    public async Task A_nan_step_is_not_applied_and_the_agent_counts_the_rejection()
    {
        var spec = new PopulationSpec(13, 100, [new GroupSpec("a", 4, new RandomMarginals(3), innerSteps: 2)]);
        HashingRunner? runner = null;
        var run = await RunAsync(spec, () => runner = new HashingRunner(rejectCalls: new HashSet<int> { 3, 10, 11 }));

        var rejected = run.Tasks.Where(t => t.Outcome.Rejected).ToList();
        Assert.Equal([3L, 10L, 11L], rejected.Select(t => t.Sequence));
        Assert.Equal((3L, 97L, 194L), (run.Result.Rejections, run.Result.AppliedTasks, run.Result.Steps));
        Assert.Equal(194, runner!.Version);
        foreach (var agent in run.Result.Agents)
        {
            Assert.Equal(rejected.Count(t => t.AgentId == agent.AgentId), agent.Rejections);
            Assert.Equal(2 * run.Tasks.Count(t => t.AgentId == agent.AgentId && !t.Outcome.Rejected), agent.Steps);
        }
    }

    [Fact]
    public async Task A_failing_model_is_restarted_with_a_fresh_runner_and_the_failed_task_counts_as_rejected()
    {
        int created = 0;
        var spec = new PopulationSpec(14, 50, [new GroupSpec("a", 3, new RandomMarginals(3))]);
        var run = await RunAsync(spec, () => ++created == 1 ? new HashingRunner(throwOnCall: 7) : new HashingRunner());

        Assert.Equal(2, created);
        Assert.Equal((1, 1), (run.Result.Restarts, run.Result.ModelRestarts));
        Assert.Equal(50, run.Result.TotalTasks);
        var failed = Assert.Single(run.Tasks, t => t.Outcome.Rejected);
        Assert.Equal(7, failed.Sequence);
        Assert.StartsWith("model failed: InvalidOperationException", failed.Outcome.Rejection);
    }
}
