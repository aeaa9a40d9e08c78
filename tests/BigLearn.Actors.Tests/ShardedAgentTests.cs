using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Cluster;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>
/// Agents as sharded entities on a one-node cluster (loopback, an ephemeral port): a lockstep population whose agents live behind
/// <see cref="AgentProxy"/> runs exactly the tasks of the same population with local agents; a lost entity fails the run naming the
/// agent and its node (and at once when the start is still waiting for its agents); and the hand-over a recovery makes (a new supervisor and model from a checkpoint, new agent entities from its
/// snapshots) continues with exactly the tasks of the uninterrupted run.
/// </summary>
public sealed class ShardedAgentTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("akka.cluster.sharding.passivate-idle-entity-after = off")
        .WithFallback(ConfigurationFactory.ParseString(ClusterStatusActorTests.OneNodeClusterHocon))
        .WithFallback(ModelActor.DispatcherConfig).WithFallback(BigLearnSerializer.Config), output: output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    // 12 agents in two groups, one active only in the middle, lockstep with two credits each.
    private static PopulationSpec Spec(long budget = 400) => new(41, budgetTasks: budget,
        [
            new GroupSpec("wide", 7, new RandomMarginals(4, transformProbability: 0.5), innerSteps: 2, share: 0.6),
            new GroupSpec("middle", 5, new RandomMarginals(4), share: 0.4, start: 0.25, stop: 0.75),
        ],
        SchedulingMode.Lockstep, credits: 2);

    private static string Fingerprint(TaskCompleted t) =>
        $"{t.Sequence}|{t.AgentId}|{t.ProposalId}|{t.Task.Description}|{string.Join(",", t.Task.Transform ?? [])}|{t.InnerSteps}|{t.BatchSeed}|{t.Outcome.Version}";

    [Fact]
    public async Task A_population_with_sharded_agents_runs_the_tasks_of_the_same_population_with_local_agents()
    {
        var region = await StartCluster();
        var local = await Run(LocalAgents.Instance);
        var sharded = await Run(new ShardedAgents(region, "exp", "one", "", "test"));

        Assert.Equal(400, sharded.Tasks.Count);
        Assert.Equal(local.Tasks.Select(Fingerprint), sharded.Tasks.Select(Fingerprint));
        Assert.Equal(local.Result.Agents, sharded.Result.Agents); // the agents' counters came back over the proxies
        // The run's agents were entities of the region (they passivate once the run is over).
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, RunTimeout);
        Assert.True(state.Shards.Count > 1, "the agents were not spread over shards");
    }

    [Fact]
    public async Task An_agent_lost_with_its_entity_fails_the_run_naming_the_agent_and_its_node()
    {
        var region = await StartCluster();
        var observer = CreateTestProbe();
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(Spec(100_000), Runtime,
            observer.Ref, new PopulationOptions { Placement = new ShardedAgents(region, "lost", "one", "", "test") }));
        var answer = supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        observer.FishForMessage(m => m is TaskCompleted { Sequence: 50 }, RunTimeout);

        // The entity of agent 3 stops as it would with its node; its proxy sees it and the run fails into a recovery.
        region.Tell(new ShardingEnvelope(ShardedAgents.EntityId("lost", "one", 3), PoisonPill.Instance));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => answer);
        Assert.StartsWith($"agent 3 was lost with its node {Akka.Cluster.Cluster.Get(Sys).SelfAddress}", failure.Message);
    }

    [Fact]
    public async Task An_agent_lost_while_the_run_waits_for_its_agents_to_be_ready_fails_the_run_at_once()
    {
        // Agents that never become ready; one is lost a moment after the run was asked to start.
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(Spec(), Runtime, null, new PopulationOptions { Placement = new NeverReady() }));
        var answer = supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => answer.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.StartsWith("agent 3 was lost with its node nowhere before the run started", failure.Message);
    }

    // A placement whose children never announce their agent; the child of agent 3 reports it lost after 300 ms.
    private sealed class NeverReady : IAgentPlacement
    {
        public bool AnnouncesAgents => true;

        public Props AgentProps(Agents.AgentState state, GroupSpec group, IActorRef model, IActorRef supervisor, int credits, int maxRejectionsInARow) =>
            Props.Create(() => new SilentAgent(state.AgentId));
    }

    private sealed class SilentAgent : ReceiveActor
    {
        public SilentAgent(int id)
        {
            if (id == 3) Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(300), Context.Parent, new ShardedAgentProtocol.AgentLost(3, "nowhere"), Self);
            ReceiveAny(_ => { });
        }
    }

    [Fact]
    public async Task A_hand_over_from_a_checkpoint_to_a_new_supervisor_and_new_agent_entities_continues_as_the_uninterrupted_run()
    {
        var region = await StartCluster();
        var whole = await Run(new ShardedAgents(region, "whole", "one", "", "test"), checkpoints: true);
        var taken = whole.Checkpoints.Single(c => c.TasksDone == 200);

        // The new incarnation starts from the checkpoint at 200 tasks: model and supervisor anew, agents as new entities.
        var resumed = await Run(new ShardedAgents(region, "whole", "two", "", "test"), checkpoints: true, restore: taken);
        // The fake runner keeps no state in checkpoints, so versions and losses start again; the tasks, their order and the
        // agents' streams and counters are the uninterrupted run's.
        Assert.Equal(whole.Tasks.Skip(200).Select(TaskOnly), resumed.Tasks.Select(TaskOnly));
        Assert.Equal(whole.Result.Agents.Select(Counters), resumed.Result.Agents.Select(Counters));
        Assert.Equal(whole.Result.Groups, resumed.Result.Groups);
    }

    private static string TaskOnly(TaskCompleted t) =>
        $"{t.Sequence}|{t.AgentId}|{t.ProposalId}|{t.Task.Description}|{string.Join(",", t.Task.Transform ?? [])}|{t.InnerSteps}|{t.BatchSeed}";

    private static AgentStats Counters(AgentStats a) => a with { FirstOwnLoss = null, LastOwnLoss = null };

    private static ModelRuntime Runtime() => new(new HashingRunner(), null);

    private sealed record Recorded(RunCompleted Result, List<TaskCompleted> Tasks, List<PopulationCheckpoint> Checkpoints);

    private async Task<Recorded> Run(IAgentPlacement placement, bool checkpoints = false, PopulationCheckpoint? restore = null)
    {
        var observer = CreateTestProbe();
        var options = new PopulationOptions(checkpoints, checkpoints ? 100 : 0, Restore: restore) { Placement = placement };
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(Spec(), Runtime, observer.Ref, options));
        var result = await supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        var tasks = new List<TaskCompleted>();
        var taken = new List<PopulationCheckpoint>();
        while (observer.ReceiveOne(RunTimeout) is { } message and not RunCompleted)
        {
            if (message is TaskCompleted task) tasks.Add(task);
            if (message is CheckpointTaken checkpoint) taken.Add(checkpoint.Checkpoint);
        }
        Sys.Stop(supervisor);
        return new Recorded(result, tasks, taken);
    }

    // Joins itself and starts the agent region, whose entities take their group from Spec() whatever the configuration text.
    private async Task<IActorRef> StartCluster()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(RunTimeout);
        return ShardedAgents.StartRegion(Sys, (_, _) => Spec());
    }
}
