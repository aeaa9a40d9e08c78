using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>
/// Protocol records must cross a network later. With <c>serialize-messages = on</c> Akka serializes every message it
/// delivers and hands the receiver the deserialized copy, so a run in which a message fails to serialize, or comes back
/// different, throws or diverges from the same run in memory. The system binds <see cref="BigLearnSerializer"/>, so every
/// protocol record that flows in a run goes through the project's wire format.
/// </summary>
public sealed class MessageSerializationTests(ITestOutputHelper output) : ActorTest(output)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    // Two groups (one joining at half the budget), two credits, transformed tasks, evaluations and periodic checkpoints,
    // one rejected step: every kind of message a run sends.
    private static PopulationSpec Spec() => new(41, budgetTasks: 300,
        [
            new GroupSpec("marginal", 6, new RandomMarginals(3, transformProbability: 0.5), innerSteps: 2, share: 0.7),
            new GroupSpec("late", 3, new RandomMarginals(3, transformProbability: 1), share: 0.3, start: 0.5),
        ],
        SchedulingMode.Lockstep, credits: 2, evaluateEvery: 100);

    private static string Fingerprint(TaskCompleted t) =>
        $"{t.Sequence}|{t.AgentId}|{t.Group}|{t.Task.Description}|{string.Join(",", (t.Task.Transform ?? []).Select(BitConverter.DoubleToInt64Bits))}|" +
        $"{t.InnerSteps}|{t.BatchSeed}|{BitConverter.DoubleToInt64Bits(t.Outcome.FirstLoss)}|{BitConverter.DoubleToInt64Bits(t.Outcome.LastLoss)}|" +
        $"{t.Outcome.Rejection}|{t.Outcome.Version}";

    [Fact]
    public async Task A_lockstep_run_with_every_message_serialized_equals_the_same_run_in_memory()
    {
        var inMemory = await RunIn(Sys);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.actor.serialize-messages = on")
            .WithFallback(BigLearnSerializer.Config).WithFallback(ModelActor.DispatcherConfig);
        var wire = ActorSystem.Create("serialized", config);
        try
        {
            // The mode is live: what an actor receives is a copy made by the serializer, not the instance sent.
            var sent = new Agents.TaskAgentProtocol.ProposalWithdrawn(5, "deactivated");
            Assert.IsType<BigLearnSerializer>(wire.Serialization.FindSerializerFor(sent));
            var echo = wire.ActorOf(Props.Create(() => new Echo()));
            var received = await echo.Ask<Agents.TaskAgentProtocol.ProposalWithdrawn>(sent, RunTimeout);
            Assert.Equal(sent, received);
            Assert.False(ReferenceEquals(sent, received));

            var serialized = await RunIn(wire);

            Assert.Equal(300, serialized.Tasks.Count);
            Assert.Contains(serialized.Tasks, t => t.Outcome.Rejection is not null);
            Assert.Equal(inMemory.Tasks.Select(Fingerprint), serialized.Tasks.Select(Fingerprint));
            Assert.Equal(inMemory.Result.Agents, serialized.Result.Agents);
            Assert.Equal(inMemory.Result.Groups, serialized.Result.Groups);
            Assert.Equal([100L, 200L, 300L], serialized.Result.Evaluations.Select(e => e.TasksRun));
            Assert.Equal(inMemory.Result.Evaluations.Select(e => (e.TasksRun, e.Version, e.Values["state"])),
                serialized.Result.Evaluations.Select(e => (e.TasksRun, e.Version, e.Values["state"])));
            Assert.Equal([100L, 200L, 300L], serialized.Checkpoints.Select(c => c.TasksDone));
            Assert.Equal(inMemory.Checkpoints.Select(c => JsonSerializer.Serialize(c, Json)), serialized.Checkpoints.Select(c => JsonSerializer.Serialize(c, Json)));
        }
        finally
        {
            await wire.Terminate();
        }
    }

    private sealed record Recorded(RunCompleted Result, List<TaskCompleted> Tasks, List<PopulationCheckpoint> Checkpoints);

    private static async Task<Recorded> RunIn(ActorSystem system)
    {
        var done = new TaskCompletionSource<List<object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = system.ActorOf(Props.Create(() => new Collector(done)));
        var supervisor = system.ActorOf(PopulationSupervisor.Props(Spec(), () =>
            {
                var runner = new HashingRunner(rejectCalls: new HashSet<int> { 77 });
                return new ModelRuntime(runner, () => new Dictionary<string, double> { ["state"] = runner.State % 1_000_003 });
            },
            observer, new PopulationOptions(Checkpoints: true, CheckpointEvery: 100)));
        var result = await supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        var seen = await done.Task.WaitAsync(RunTimeout);
        return new Recorded(result, seen.OfType<TaskCompleted>().ToList(), seen.OfType<CheckpointProtocol.CheckpointTaken>().Select(c => c.Checkpoint).ToList());
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    /// <summary>The run's observer: keeps what it is told and completes on the run's end.</summary>
    private sealed class Collector(TaskCompletionSource<List<object>> done) : UntypedActor
    {
        private readonly List<object> _seen = [];

        protected override void OnReceive(object message)
        {
            _seen.Add(message);
            if (message is RunCompleted) done.TrySetResult(_seen);
        }
    }
}
