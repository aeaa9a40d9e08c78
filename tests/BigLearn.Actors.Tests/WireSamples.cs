using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Messages;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;
using static BigLearn.Actors.Cluster.ExperimentProtocol;
using static BigLearn.Actors.Cluster.ShardedAgentProtocol;
using static BigLearn.Actors.Checkpoints.CheckpointProtocol;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>
/// One fully populated instance of every protocol record (every member set, no member at its default, awkward doubles and
/// non-ASCII text where a record has room for them), for the wire tests.
/// </summary>
internal static class WireSamples
{
    /// <summary>The typical proposal's task: a 1-D marginal of the 2-D GMM seen through a Haar-random 2×2 rotation.</summary>
    public static TaskDescriptor TransformedMarginal() =>
        TaskDescriptor.From(LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(7))));

    /// <summary>A proposal as an agent sends it.</summary>
    public static Propose TypicalPropose() => new(AgentId: 12, Group: 1, ProposalId: 4_000_017, TransformedMarginal(), InnerSteps: 5, BatchSeed: 7_368_421_054_917_203_311);

    /// <summary>A non-rejected outcome, as in most results.</summary>
    public static TaskOutcome TypicalOutcome() => new(FirstLoss: 2.8372610940328253, LastLoss: 2.7916043305397034, GradientNorm: 0.41822739105439186,
        AppliedSteps: 5, Rejection: null, Version: 1_204_311);

    private static TaskOutcome RejectedOutcome() => new(1.5, double.NaN, double.PositiveInfinity, 2, "non-finite loss at step 3 (σ = ∞)", 77);

    private static TaskContribution Contribution() => new(Measured: true, ObjectiveBefore: 2.4180339887498949, ObjectiveAfter: 2.4172, Scale: 4,
        [new AgentAlignment(3, 0, 0.53125), new AgentAlignment(4, 1, double.NaN), new AgentAlignment(12, 1, -1)]);

    private static RngState Rng() => new(ulong.MaxValue, 1, 0x9E3779B97F4A7C15UL, 42, SpareGaussian: -0.7071067811865476);

    private static RunnerState Runner() => new(480, [0.1, -2.5, 3e-300, double.Epsilon, -0.0],
        new Dictionary<string, double[]> { ["lr"] = [1e-3], ["m"] = [0.01, -0.02, 1.0 / 3], ["v"] = [] });

    private static Evaluation Eval() => new(100, 480, new Dictionary<string, double> { ["state"] = 12345, ["nll"] = 1.5, ["w2"] = double.NaN });

    private static AgentStats Stats() => new(12, 1, 50, 48, 240, 2, 1, 3, 1, 2, 2, FirstOwnLoss: 3.5, LastOwnLoss: double.NegativeInfinity);

    private static PendingSnapshot Pending() => new(TypicalPropose(), 17, 18);

    private static ModelSnapshot Model() => new(100, 95, 5, 2, 3, 1, 200, 120, Rng(), [1, 2, 12], [Pending()], Runner(),
        new Dictionary<int, long> { [1] = 40, [2] = 38, [7] = 11 });

    private static AgentSnapshot Agent() => new(12, 1, Rng(), true, true, [4_000_017, 4_000_018], 4_000_019, 50, 48, 240, 2, 1, 3, 1, 2,
        FirstOwnLoss: 3.5, LastOwnLoss: 0.25, RejectionsInARow: 1);

    private static PopulationCheckpoint Checkpoint() => new(100, 1, [60, 40], [58, 40], [290, 200], [2, 0], 1, [9],
        [EvaluationSnapshot.From(Eval())], Model(), [Agent()], Final: true);

    /// <summary>One instance of every record, by type.</summary>
    public static IReadOnlyDictionary<Type, IBigLearnMessage> Every() => new IBigLearnMessage[]
    {
        TransformedMarginal() with { Noise = 0.05 },
        TypicalPropose(),
        new SetActive([1, 2, 12], 300),
        Evaluate.Instance,
        GetModelStats.Instance,
        new TaskCompleted(12, 12, 1, 4_000_017, TransformedMarginal(), 5, -3, RejectedOutcome(), Contribution()),
        Eval(),
        new ModelStats(100, 95, 5, 2, 3, 4, 1, 480),
        PauseRun.Instance,
        ResumeRun.Instance,
        new SetGroupShare(1, 0.25),
        new RunControlled(true, [0.9, 0.25], 48),
        new ControlRefused("group 7 is unknown (the model has 2)"),
        Activate.Instance,
        Deactivate.Instance,
        new TaskResult(4_000_017, TypicalOutcome()),
        new TaskRejected(4_000_018, RejectedOutcome()),
        new ProposalRefused(4_000_019, "credit exceeded"),
        new ProposalWithdrawn(4_000_020, "deactivated"),
        GetStats.Instance,
        Stats(),
        StartRun.Instance,
        new GroupTally(1, "late ünïcode", 40, 40, 200, 1),
        new RunCompleted(100, 98, 490, 2, 1, 1, [new GroupTally(0, "marginal", 60, 58, 290, 2)], [Stats()], [Eval()]) { StoppedAgents = [9], Interrupted = true },
        new AgentLocated(12, "akka.tcp://biglearn@127.0.0.1:4054"),
        Pending(),
        Model(),
        Agent(),
        EvaluationSnapshot.From(Eval()),
        Checkpoint(),
        new CheckpointPlan(100),
        new CheckpointNow(true),
        new CheckpointPoint(Model()),
        ResumeAfterCheckpoint.Instance,
        new RestorePending(Pending()),
        GetAgentSnapshot.Instance,
        new AgentStopped(12, 1, 3, "non-finite gradient"),
        new CheckpointTaken(Checkpoint()),
        new Interrupt("Ctrl+C — interrupted"),
        GetClusterStatus.Instance,
        new ClusterStatus("akka.tcp://biglearn@127.0.0.1:4053", Leader: "akka.tcp://biglearn@127.0.0.1:4053",
        [
            new ClusterMember("akka.tcp://biglearn@127.0.0.1:4053", "Up", ["agents", "model"], Reachable: true),
            new ClusterMember("akka.tcp://biglearn@127.0.0.1:4054", "Joining", ["agents"], Reachable: false),
        ], [Placement()]),
        GetLocalEntities.Instance,
        new LocalEntities(Placement()),
        new StartAgent("20261206T190000Z-a1b2c3", "0badcafe", "budget = 60\ngroups { … }\n", "configs/gmm25-smoke.conf", Agent(),
            "akka.tcp://biglearn@127.0.0.1:4053/user/run-x-population/model#123", "akka.tcp://biglearn@127.0.0.1:4053/user/run-x-population#456", 2, 5),
        new AgentStarted(12, "0badcafe"),
        new StopAgent("0badcafe"),
        new AgentLost(12, "akka.tcp://biglearn@127.0.0.1:4054"),
        new SubmitExperiment("run-1", "budget = 60\n", "configs/gmm25-smoke.conf", "/runs/gmm25-smoke/run-1", Resume: true, ["from the start after: ünïcode"]),
        new ExperimentAccepted("run-1", "akka.tcp://biglearn@127.0.0.1:4053"),
        new ExperimentStage("run-1", "training"),
        new ExperimentProgress("run-1", 30, 60, [new ProgressFigure("modes covered", "3"), new ProgressFigure("reverse KL", "5.675")],
            [new ProgressAgent(0, "marginal", 17.6521), new ProgressAgent(3, "joint", double.NaN)], CreditsSampled: true),
        new ExperimentFinished("run-1", "/runs/run-1", ["config.conf", "summary.json"], Interrupted: true, 60, 60, ["seed", "modes covered"],
            [["888", "3/25"]], 1.6, ["No step was rejected."], ["from its newest checkpoint after: agent 5 was lost"]),
        new ExperimentFailed("run-1", "configs/x.conf: budget = 0 is not allowed", UserError: true),
    }.ToDictionary(m => m.GetType());

    private static NodePlacement Placement() => new("akka.tcp://biglearn@127.0.0.1:4054", ["run-1"], [new ExperimentAgents("run-1", 4), new ExperimentAgents("run-2", 7)]);
}
