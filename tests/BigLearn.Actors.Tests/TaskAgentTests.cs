using Akka.Actor;
using BigLearn.Actors.Agents;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Randomness;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Agents.TaskAgentProtocol;

namespace BigLearn.Actors.Tests;

public sealed class TaskAgentTests(ITestOutputHelper output) : ActorTest(output)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void An_agent_with_k_credits_never_has_more_than_k_proposals_outstanding()
    {
        var model = CreateTestProbe();
        var state = new AgentState(seed: 5, agentId: 2, group: 0);
        var group = new GroupSpec("g", 1, new RandomMarginals(4), innerSteps: 3);
        var agent = Sys.ActorOf(TaskAgent.Props(state, group, model.Ref, credits: 3));

        model.ExpectNoMsg(Quiet); // inactive agents do not propose
        agent.Tell(Activate.Instance);
        var proposals = Enumerable.Range(0, 3).Select(_ => model.ExpectMsg<ModelProtocol.Propose>()).ToList();
        model.ExpectNoMsg(Quiet); // all three credits are spent

        agent.Tell(new TaskResult(proposals[0].ProposalId, new TaskOutcome(1, 0.5, 0.1, 3, null, 3)), model.Ref);
        var refill = model.ExpectMsg<ModelProtocol.Propose>();
        model.ExpectNoMsg(Quiet); // one answer returns exactly one credit

        agent.Tell(GetStats.Instance);
        var stats = ExpectMsg<AgentStats>();
        Assert.Equal(3, stats.MaxInFlight);
        Assert.Equal(3, stats.InFlight);
        Assert.Equal(4, stats.Proposals);
        Assert.Equal(1, stats.Tasks);
        Assert.Equal(3, stats.Steps);
        Assert.Equal(1.0, stats.FirstOwnLoss);
        Assert.Equal(0.5, stats.LastOwnLoss);
        Assert.All(proposals.Append(refill), p => Assert.Equal((2, 0, 3), (p.AgentId, p.Group, p.InnerSteps)));
        Assert.Equal(4, proposals.Append(refill).Select(p => p.ProposalId).Distinct().Count());
    }

    [Fact]
    public void An_agent_draws_its_tasks_and_seeds_from_its_own_stream_in_order()
    {
        var model = CreateTestProbe();
        var agent = Sys.ActorOf(TaskAgent.Props(new AgentState(seed: 11, agentId: 4, group: 0),
            new GroupSpec("g", 1, new RandomMarginals(5)), model.Ref, credits: 2));
        agent.Tell(Activate.Instance);
        var proposals = new[] { model.ExpectMsg<ModelProtocol.Propose>(), model.ExpectMsg<ModelProtocol.Propose>() };

        // The same draws made by hand from Rng.ForStream(seed, agent id): task, then batch seed, per proposal.
        var rng = Rng.ForStream(11, 4);
        var masks = new RandomMarginals(5);
        foreach (var proposal in proposals)
        {
            var task = masks.Sample(rng);
            Assert.Equal(task, proposal.Task.ToLearningTask());
            Assert.Equal(rng.NextSeed(), proposal.BatchSeed);
        }
    }

    [Fact]
    public void A_deactivated_agent_stops_proposing_and_takes_its_credit_back_on_withdrawal()
    {
        var model = CreateTestProbe();
        var agent = Sys.ActorOf(TaskAgent.Props(new AgentState(1, 0, 0), new GroupSpec("g", 1, new RandomMarginals(3)), model.Ref, 1));
        agent.Tell(Activate.Instance);
        var proposal = model.ExpectMsg<ModelProtocol.Propose>();
        agent.Tell(Deactivate.Instance);
        agent.Tell(new ProposalWithdrawn(proposal.ProposalId, "deactivated"));
        model.ExpectNoMsg(Quiet);
        agent.Tell(GetStats.Instance);
        var stats = ExpectMsg<AgentStats>();
        Assert.Equal((0, 1L, 0L), (stats.InFlight, stats.Withdrawals, stats.Tasks));
    }
}
