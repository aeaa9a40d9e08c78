using Akka.Actor;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Population;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Tests;

public sealed class FaultTests(ITestOutputHelper output) : ActorTest(output)
{
    /// <summary>
    /// A runner whose state is a hash of the batch seeds it applied, restorable; it throws on one call counted across every
    /// instance the factory makes (so the rebuilt runner does not throw again), and it rejects every joint task.
    /// </summary>
    private sealed class SeedHashRunner(int[] calls, int throwOnCall, int keepEvery = 1) : ITaskRunner, IRestorableRunner
    {
        // A large runner (the GAN) asks the model to keep its state only every few tasks.
        public int KeepStateEvery => keepEvery;

        public ulong Hash { get; private set; } = 14695981039346656037UL;
        public long Version { get; private set; }

        public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
        {
            if (Interlocked.Increment(ref calls[0]) == throwOnCall) throw new InvalidOperationException("injected model failure");
            if (task.Observed.Length == 0 && task.Target.Length == task.Dim) return new TaskOutcome(1, double.NaN, 0, 0, "loss is NaN", Version);
            Hash = Fold(Hash, batchSeed);
            Version += innerSteps;
            return new TaskOutcome(1, 0.5, 0.1, innerSteps, null, Version);
        }

        public static ulong Fold(ulong hash, long seed) => (hash ^ (ulong)seed) * 1099511628211UL;

        public RunnerState CaptureState() => new(Version, [BitConverter.UInt64BitsToDouble(Hash)], new Dictionary<string, double[]>());

        public void RestoreState(RunnerState state)
        {
            Version = state.Version;
            Hash = BitConverter.DoubleToUInt64Bits(state.Parameters[0]);
        }
    }

    private async Task<(RunCompleted Result, List<ModelProtocolTask> Tasks, ulong FinalHash)> Run(PopulationSpec spec, int throwOnCall, int maxRejections,
        int keepEvery = 1)
    {
        var calls = new int[1];
        SeedHashRunner? last = null;
        var observer = CreateTestProbe();
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(spec, () => new ModelRuntime(last = new SeedHashRunner(calls, throwOnCall, keepEvery)), observer.Ref,
            new PopulationOptions(MaxRejectionsInARow: maxRejections)));
        var result = await supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        var tasks = new List<ModelProtocolTask>();
        for (var message = observer.ReceiveOne(RunTimeout); message is not RunCompleted; message = observer.ReceiveOne(RunTimeout))
            if (message is Model.ModelProtocol.TaskCompleted t) tasks.Add(new ModelProtocolTask(t.AgentId, t.BatchSeed, t.Outcome.Rejected));
        return (result, tasks, last!.Hash);
    }

    private sealed record ModelProtocolTask(int AgentId, long BatchSeed, bool Rejected);

    [Fact]
    public async Task A_model_that_throws_restarts_from_its_last_good_state_and_the_run_reaches_its_budget()
    {
        var spec = new PopulationSpec(7, 20, [new GroupSpec("m", 2, MaskDistributions.Parse("marginal(k=1)", 2))]);

        var (result, tasks, finalHash) = await Run(spec, throwOnCall: 8, maxRejections: 0);

        Assert.Equal(20, result.TotalTasks);
        Assert.Equal(1, result.ModelRestarts);
        Assert.Equal(1, result.Rejections); // the task that was running when the model failed
        Assert.True(tasks[7].Rejected);
        // The rebuilt runner continued from the state after task 7: the hash folds every applied task, none lost, none twice.
        ulong expected = 14695981039346656037UL;
        foreach (var task in tasks.Where(t => !t.Rejected)) expected = SeedHashRunner.Fold(expected, task.BatchSeed);
        Assert.Equal(expected, finalHash);
        ulong fromScratch = 14695981039346656037UL;
        foreach (var task in tasks.Skip(8).Where(t => !t.Rejected)) fromScratch = SeedHashRunner.Fold(fromScratch, task.BatchSeed);
        Assert.NotEqual(fromScratch, finalHash);
    }

    [Fact]
    public async Task A_large_model_that_throws_restarts_from_its_newest_kept_state_never_from_its_initial_one_and_is_counted()
    {
        var spec = new PopulationSpec(7, 20, [new GroupSpec("m", 2, MaskDistributions.Parse("marginal(k=1)", 2))]);

        // State kept after tasks 4 and 8; the model fails on task 11, after tasks 9 and 10 were applied.
        var (result, tasks, finalHash) = await Run(spec, throwOnCall: 11, maxRejections: 0, keepEvery: 4);

        Assert.Equal(20, result.TotalTasks);
        Assert.Equal(1, result.ModelRestarts);
        Assert.True(tasks[10].Rejected);
        // The rebuilt runner continued from the state after task 8: tasks 9 and 10 are lost, nothing else.
        ulong expected = 14695981039346656037UL;
        foreach (var task in tasks.Take(8).Concat(tasks.Skip(11)).Where(t => !t.Rejected)) expected = SeedHashRunner.Fold(expected, task.BatchSeed);
        Assert.Equal(expected, finalHash);
        ulong fromInitial = 14695981039346656037UL;
        foreach (var task in tasks.Skip(11).Where(t => !t.Rejected)) fromInitial = SeedHashRunner.Fold(fromInitial, task.BatchSeed);
        Assert.NotEqual(fromInitial, finalHash);
    }

    [Fact]
    public async Task An_agent_whose_tasks_are_rejected_too_often_in_a_row_is_stopped_and_the_run_goes_on()
    {
        var spec = new PopulationSpec(7, 40,
        [
            new GroupSpec("marginal", 2, MaskDistributions.Parse("marginal(k=1)", 2)),
            new GroupSpec("joint", 1, MaskDistributions.Parse("joint", 2), share: 4),
        ]);

        var (result, tasks, _) = await Run(spec, throwOnCall: 0, maxRejections: 3);

        Assert.Equal(40, result.TotalTasks);
        Assert.Equal([2], result.StoppedAgents);
        Assert.Equal(3, result.Rejections);
        Assert.Equal(3, tasks.Count(t => t.AgentId == 2)); // it proposed nothing after its third rejection in a row
        Assert.True(tasks.Skip(tasks.FindLastIndex(t => t.AgentId == 2) + 1).Any(), "the others went on after it stopped");
        Assert.Equal(37, result.Agents.Where(a => a.AgentId != 2).Sum(a => a.Tasks));
    }
}
