using Akka.Actor;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>The model's controls (the dashboard's pause, resume and group shares), answered between two tasks.</summary>
public sealed class ModelActorControlTests(ITestOutputHelper output) : ActorTest(output)
{
    private static Propose Proposal(long id) => new(7, 0, id, TaskDescriptor.From(LearningTask.Marginal(3, [0, 2])), 2, 7);

    [Fact]
    public void A_paused_model_queues_proposals_and_runs_them_once_resumed()
    {
        var supervisor = CreateTestProbe();
        var agent = CreateTestProbe();
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, Credits: 2, SchedulingMode.Free, [1.0]), () => new ModelRuntime(new HashingRunner()), supervisor.Ref));
        model.Tell(PauseRun.Instance);
        var paused = ExpectMsg<RunControlled>();
        Assert.Equal((true, 0L), (paused.Paused, paused.TasksRun));
        model.Tell(new SetActive([7], RunUntil: 2));
        model.Tell(Proposal(0), agent.Ref);
        model.Tell(Proposal(1), agent.Ref);
        model.Tell(GetModelStats.Instance);
        var stats = ExpectMsg<ModelStats>(); // handled after both proposals: nothing ran while paused
        Assert.Equal((2, 0L), (stats.Pending, stats.TasksRun));
        agent.ExpectNoMsg(TimeSpan.Zero);

        model.Tell(ResumeRun.Instance);
        var resumed = ExpectMsg<RunControlled>();
        Assert.Equal((false, 0L), (resumed.Paused, resumed.TasksRun));
        Assert.Equal([1.0], resumed.GroupShares);
        Assert.Equal([0L, 1L], new[] { agent.ExpectMsg<TaskResult>().ProposalId, agent.ExpectMsg<TaskResult>().ProposalId });
    }

    [Fact]
    public void A_share_must_be_a_known_group_and_a_positive_finite_number()
    {
        var supervisor = CreateTestProbe();
        var model = Sys.ActorOf(ModelActor.Props(new ModelSettings(1, Credits: 1, SchedulingMode.Lockstep, [0.9, 0.1]), () => new ModelRuntime(new HashingRunner()), supervisor.Ref));
        model.Tell(new SetGroupShare(2, 0.5));
        Assert.Equal("group 2 is unknown (the model has groups 0..1)", ExpectMsg<ControlRefused>().Reason);
        model.Tell(new SetGroupShare(1, double.NaN));
        Assert.Equal("share NaN is not allowed (a finite number greater than 0)", ExpectMsg<ControlRefused>().Reason);
        model.Tell(new SetGroupShare(1, 0));
        Assert.Equal("share 0 is not allowed (a finite number greater than 0)", ExpectMsg<ControlRefused>().Reason);
        model.Tell(new SetGroupShare(1, 0.5));
        Assert.Equal([0.9, 0.5], ExpectMsg<RunControlled>().GroupShares);
    }

    [Fact]
    public void The_supervisor_forwards_controls_to_its_model()
    {
        var spec = new PopulationSpec(1, 10, [new GroupSpec("g", 1, MaskDistributions.Parse("joint", 2))], SchedulingMode.Lockstep);
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(spec, () => new ModelRuntime(new HashingRunner())));
        supervisor.Tell(PauseRun.Instance);
        Assert.True(ExpectMsg<RunControlled>().Paused);
        supervisor.Tell(new SetGroupShare(0, 3));
        Assert.Equal([3.0], ExpectMsg<RunControlled>().GroupShares);
    }
}
