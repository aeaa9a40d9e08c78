using BigLearn.Core.Training;
using Akka.Actor;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Tasks;
using Xunit.Abstractions;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Tests;

public sealed class ModelActorTests(ITestOutputHelper output) : ActorTest(output)
{
    private static Propose Proposal(int agentId, long id, long seed = 7) =>
        new(agentId, 0, id, TaskDescriptor.From(LearningTask.Marginal(3, [0, 2])), 2, seed);

    [Fact]
    public void A_model_refuses_a_proposal_beyond_the_agents_credits()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, Credits: 3, SchedulingMode.Free, [1.0]), () => new ModelRuntime(new HashingRunner()), supervisor.Ref));
        model.Tell(new SetActive([7], RunUntil: 0)); // active, but nothing may run yet: proposals pile up
        for (long id = 0; id < 4; id++) model.Tell(Proposal(7, id), agent.Ref);

        var refused = agent.ExpectMsg<ProposalRefused>();
        Assert.Equal(3, refused.ProposalId);
        Assert.Contains("credits", refused.Reason);
        model.Tell(GetModelStats.Instance);
        var stats = ExpectMsg<ModelStats>();
        Assert.Equal((3, 1L, 0L), (stats.Pending, stats.Refusals, stats.TasksRun));

        model.Tell(new SetActive([7], RunUntil: 3)); // now the three accepted ones run, oldest first
        Assert.Equal([0L, 1L, 2L], Enumerable.Range(0, 3).Select(_ => agent.ExpectMsg<TaskResult>().ProposalId));
        Assert.Equal([1L, 2L, 3L], Enumerable.Range(0, 3).Select(_ => supervisor.ExpectMsg<TaskCompleted>().Sequence));
    }

    [Fact]
    public void A_proposal_delivered_twice_runs_once()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        var runner = new HashingRunner();
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, Credits: 2, SchedulingMode.Free, [1.0]), () => new ModelRuntime(runner), supervisor.Ref));
        model.Tell(new SetActive([4], RunUntil: 0));
        model.Tell(Proposal(4, 0), agent.Ref);
        model.Tell(Proposal(4, 0), agent.Ref); // a second delivery while the first is pending
        Assert.Contains("proposal 0 of agent 4 is already pending", agent.ExpectMsg<ProposalRefused>().Reason);

        model.Tell(new SetActive([4], RunUntil: 2));
        Assert.Equal(0L, agent.ExpectMsg<TaskResult>().ProposalId);
        model.Tell(Proposal(4, 0), agent.Ref); // a late duplicate of one that has run
        Assert.Contains("proposal 0 of agent 4 was already run", agent.ExpectMsg<ProposalRefused>().Reason);
        model.Tell(Proposal(4, 1), agent.Ref); // the agent's next one runs as usual
        Assert.Equal(1L, agent.ExpectMsg<TaskResult>().ProposalId);

        model.Tell(GetModelStats.Instance);
        var stats = ExpectMsg<ModelStats>();
        Assert.Equal((2L, 2L), (stats.TasksRun, stats.Refusals));
        Assert.Equal([1L, 2L], new[] { supervisor.ExpectMsg<TaskCompleted>().Sequence, supervisor.ExpectMsg<TaskCompleted>().Sequence });
    }

    [Fact]
    public void The_last_run_proposal_of_each_agent_survives_a_checkpoint_so_a_duplicate_stays_refused_after_resume()
    {
        var settings = new ModelSettings(1, Credits: 1, SchedulingMode.Free, [1.0]);
        var state = new ModelState(settings);
        state.SetActive([4, 5], runUntil: 10);
        Assert.Null(state.Accept(Proposal(4, 0), ActorRefs.Nobody, out _));
        state.Pick();
        Assert.Null(state.Accept(Proposal(5, 0), ActorRefs.Nobody, out _));
        state.Pick();
        state.SetActive([4], runUntil: 10); // agent 5 inactive at the checkpoint
        var snapshot = state.TakeCheckpoint(runner: null);
        Assert.Equal(new Dictionary<int, long> { [4] = 0, [5] = 0 }, snapshot.LastRun);

        var resumed = new ModelState(settings, snapshot);
        Assert.Contains("was already run", resumed.Accept(Proposal(4, 0), ActorRefs.Nobody, out _));
        resumed.SetActive([4, 5], runUntil: 10);
        Assert.Contains("was already run", resumed.Accept(Proposal(5, 0), ActorRefs.Nobody, out _));
        Assert.Null(resumed.Accept(Proposal(5, 1), ActorRefs.Nobody, out _));
    }

    [Fact]
    public void A_batch_takes_proposals_of_different_agents_up_to_its_size_and_never_past_the_phase()
    {
        var state = new ModelState(new ModelSettings(1, Credits: 2, SchedulingMode.Lockstep, [1.0], Batch: 5));
        state.SetActive([1, 2, 3], runUntil: 10);
        foreach (int agent in new[] { 1, 2, 3 })
            for (long id = 0; id < 2; id++) Assert.Null(state.Accept(Proposal(agent, id), ActorRefs.Nobody, out _));
        var batch = state.PickBatch(5);
        Assert.Equal([1, 2, 3], batch.Select(p => p.Proposal.AgentId).Order());
        Assert.All(batch, p => Assert.Equal(0L, p.Proposal.ProposalId)); // each agent's oldest
        Assert.Equal(3, state.Pending);

        var phaseEnd = new ModelState(new ModelSettings(1, Credits: 1, SchedulingMode.Lockstep, [1.0], Batch: 5));
        phaseEnd.SetActive([1, 2, 3], runUntil: 2);
        foreach (int agent in new[] { 1, 2, 3 }) phaseEnd.Accept(Proposal(agent, 0), ActorRefs.Nobody, out _);
        Assert.Equal(2, phaseEnd.PickBatch(5).Count);
    }

    [Fact]
    public void A_batch_of_one_draws_exactly_what_pick_draws()
    {
        ModelState Fill()
        {
            var state = new ModelState(new ModelSettings(3, Credits: 1, SchedulingMode.Free, [0.7, 0.3]));
            state.SetActive([0, 1, 2, 3], runUntil: 100);
            for (int agent = 0; agent < 4; agent++)
                state.Accept(Proposal(agent, 0) with { Group = agent % 2 }, ActorRefs.Nobody, out _);
            return state;
        }
        var (single, batched) = (Fill(), Fill());
        var picked = Enumerable.Range(0, 4).Select(_ => single.Pick().Proposal.AgentId).ToArray();
        var drawn = Enumerable.Range(0, 4).Select(_ => Assert.Single(batched.PickBatch(1)).Proposal.AgentId).ToArray();
        Assert.Equal(picked, drawn);
        Assert.Equal(single.Rng.State, batched.Rng.State);
    }

    [Fact]
    public void A_model_refuses_proposals_of_unknown_agents_and_withdraws_those_of_deactivated_ones()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, 2, SchedulingMode.Free, [1.0]), () => new ModelRuntime(new HashingRunner()), supervisor.Ref));
        model.Tell(Proposal(3, 0), agent.Ref);
        Assert.Contains("not active", agent.ExpectMsg<ProposalRefused>().Reason);

        model.Tell(new SetActive([3], 0));
        model.Tell(Proposal(3, 1), agent.Ref);
        model.Tell(Proposal(3, 2), agent.Ref);
        model.Tell(new SetActive([], 0));
        Assert.Equal([1L, 2L], new[] { agent.ExpectMsg<ProposalWithdrawn>().ProposalId, agent.ExpectMsg<ProposalWithdrawn>().ProposalId });
        // A proposal that was on its way when the agent was deactivated is withdrawn too, not refused.
        model.Tell(Proposal(3, 3), agent.Ref);
        Assert.Equal(3L, agent.ExpectMsg<ProposalWithdrawn>().ProposalId);
        model.Tell(GetModelStats.Instance);
        var stats = ExpectMsg<ModelStats>();
        Assert.Equal((0, 3L, 1L), (stats.Pending, stats.Withdrawals, stats.Refusals));
    }

    [Fact]
    public void A_model_must_not_apply_a_nan_step()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        var runner = new HashingRunner(rejectCalls: new HashSet<int> { 1 });
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, 1, SchedulingMode.Free, [1.0]), () => new ModelRuntime(runner), supervisor.Ref));
        model.Tell(new SetActive([0], 2));
        model.Tell(Proposal(0, 0), agent.Ref);
        var rejected = agent.ExpectMsg<TaskRejected>();
        Assert.Equal((0L, "loss is NaN", 0), (rejected.ProposalId, rejected.Outcome.Rejection, rejected.Outcome.AppliedSteps));
        Assert.True(supervisor.ExpectMsg<TaskCompleted>().Outcome.Rejected);

        model.Tell(Proposal(0, 1), agent.Ref);
        Assert.Equal(2, agent.ExpectMsg<TaskResult>().Outcome.AppliedSteps);
        model.Tell(GetModelStats.Instance);
        var stats = ExpectMsg<ModelStats>();
        Assert.Equal((2L, 1L, 1L, 2L), (stats.TasksRun, stats.AppliedTasks, stats.Rejections, stats.Version));
    }

    [Fact]
    public void The_runner_is_created_and_run_on_the_models_own_dedicated_thread()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        HashingRunner? runner = null;
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, 1, SchedulingMode.Free, [1.0]), () => new ModelRuntime(runner = new HashingRunner()), supervisor.Ref));
        model.Tell(new SetActive([0], 5));
        for (int i = 0; i < 5; i++)
        {
            model.Tell(Proposal(0, i), agent.Ref);
            agent.ExpectMsg<TaskResult>();
        }
        Assert.NotNull(runner);
        Assert.False(runner.CreatedOnThreadPool);
        Assert.Equal([runner.CreatedOnThread], runner.RunThreads);
    }

    [Fact]
    public void A_model_answers_an_evaluation_through_its_runtime()
    {
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, 1, SchedulingMode.Free, [1.0]), () =>
        {
            var runner = new HashingRunner();
            return new ModelRuntime(runner, () => new Dictionary<string, double> { ["version-plus-one"] = runner.Version + 1 });
        }, CreateTestProbe().Ref));
        model.Tell(Evaluate.Instance);
        var evaluation = ExpectMsg<Evaluation>();
        Assert.Equal(1.0, evaluation.Values["version-plus-one"]);
        Assert.Equal(0, evaluation.TasksRun);
    }
}
