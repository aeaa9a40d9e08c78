using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Actors;

/// <summary>One throughput measurement of the actor layer.</summary>
/// <param name="Agents">Agents in the population.</param>
/// <param name="Tasks">Tasks run.</param>
/// <param name="Seconds">Wall-clock time of the run (from StartRun to RunCompleted).</param>
/// <param name="TasksPerSecond">Tasks / Seconds.</param>
/// <param name="BytesPerAgent">Managed heap growth from spawning the population, divided by the agents.</param>
public sealed record ActorBenchmarkResult(int Agents, long Tasks, double Seconds, double TasksPerSecond, double BytesPerAgent);

/// <summary>
/// How fast proposals flow through the actors when the model does no work (a no-op runner, free scheduling,
/// one credit per agent), and what an agent costs in memory. A measurement for the <c>bench</c> command, not a test.
/// </summary>
public static class ActorBenchmark
{
    /// <summary>The population sizes measured by default.</summary>
    public static IReadOnlyList<int> DefaultAgentCounts { get; } = [1, 100, 1_000, 10_000];

    /// <summary>Measures each population size in <paramref name="agentCounts"/> with <paramref name="tasks"/> tasks each.</summary>
    public static IReadOnlyList<ActorBenchmarkResult> Run(IEnumerable<int>? agentCounts = null, long tasks = 50_000) =>
        (agentCounts ?? DefaultAgentCounts).Select(n => Measure(n, tasks)).ToArray();

    /// <summary>Spawns <paramref name="agents"/> agents in a fresh actor system and runs <paramref name="tasks"/> tasks.</summary>
    public static ActorBenchmarkResult Measure(int agents, long tasks, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING").WithFallback(ModelActor.DispatcherConfig).WithFallback(Messages.BigLearnSerializer.Config);
        using var system = ActorSystem.Create("biglearn-bench", config);
        var spec = new PopulationSpec(seed: 1, budgetTasks: tasks,
            groups: [new GroupSpec("bench", agents, new FixedTaskDistribution(LearningTask.Joint(2)))],
            mode: SchedulingMode.Free);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var supervisor = system.ActorOf(PopulationSupervisor.Props(spec, () => new ModelRuntime(new NoOpRunner())), "population");
        // The answer comes after the supervisor's PreStart, i.e. once every agent has been spawned.
        supervisor.Ask<ActorIdentity>(new Identify(null), limit).GetAwaiter().GetResult();
        long after = GC.GetTotalMemory(forceFullCollection: true);

        var watch = Stopwatch.StartNew();
        var completed = supervisor.Ask<PopulationProtocol.RunCompleted>(PopulationProtocol.StartRun.Instance, limit).GetAwaiter().GetResult();
        watch.Stop();
        system.Terminate().Wait(limit);
        double seconds = watch.Elapsed.TotalSeconds;
        return new ActorBenchmarkResult(agents, completed.TotalTasks, seconds, completed.TotalTasks / seconds, (after - before) / (double)agents);
    }

    private sealed class NoOpRunner : ITaskRunner
    {
        public long Version { get; private set; }

        public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
        {
            Version += innerSteps;
            return new TaskOutcome(0, 0, 0, innerSteps, null, Version);
        }
    }

    private sealed class FixedTaskDistribution(LearningTask task) : IMaskDistribution
    {
        public int Dim => task.Dim;
        public LearningTask Sample(Rng rng) => task;
        public string Description => task.ToString();
    }
}
