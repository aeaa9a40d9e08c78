using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Randomness;
using BigLearn.Core.Training;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;
using TorchSharp;

namespace BigLearn.Hosting.Running;

/// <summary>The same GMM training work measured twice: the plain loop and the actors (one agent, lockstep).</summary>
/// <param name="Tasks">Tasks run by each path.</param>
/// <param name="Steps">Gradient steps applied by the plain loop (the actors apply the same when the parameters agree).</param>
/// <param name="PlainStepsPerSecond">Steps/s of <see cref="Trainer.RunSequence(ITaskRunner, IEnumerable{ScheduledTask}, Action{int, TaskOutcome}?, bool)"/>.</param>
/// <param name="ActorStepsPerSecond">Steps/s through the supervisor, one agent and the model actor.</param>
/// <param name="SameParameters">Whether both paths ended with bit-identical parameters (they ran the same tasks).</param>
public sealed record TrainerBenchmarkResult(long Tasks, long Steps, double PlainStepsPerSecond, double ActorStepsPerSecond, bool SameParameters)
{
    /// <summary>Actor throughput over plain throughput (1 = no overhead).</summary>
    public double Ratio => ActorStepsPerSecond / PlainStepsPerSecond;
}

/// <summary>
/// What the actors cost on real work: the §4.1 trainer (25 components, 100 samples, 20 inner steps, transformed
/// marginals) run once as a plain loop over the task sequence one agent draws, and once through the actors.
/// A measurement for <c>biglearn bench</c>, not a test.
/// </summary>
public static partial class TrainerBenchmark
{
    /// <summary>The §4.1 experiment with one agent drawing transformed 1-D marginals, for <paramref name="tasks"/> tasks.</summary>
    public static ExperimentConfig Config(long tasks, int innerSteps = 20, long seed = 888) => ExperimentConfig.From(ConfigSource.Parse(
        $"experiment = bench\ndevice = cpu\nseed = {seed}\nbudget = {tasks}\nevaluation.every = {tasks}\n" +
        $"groups.agent {{ count = 1, masks = \"haar(marginal(k=1))\", inner-steps = {innerSteps} }}\n", "bench"));

    /// <summary>Tasks run, untimed, before both paths.</summary>
    public const int WarmUpTasks = 10;

    /// <summary>Runs both paths on <paramref name="tasks"/> tasks of <paramref name="innerSteps"/> steps (after <see cref="WarmUpTasks"/> untimed ones).</summary>
    public static TrainerBenchmarkResult Run(long tasks = 100, int innerSteps = 20)
    {
        var config = Config(tasks, innerSteps);
        var device = ExperimentRun.ConfigureTorch(config.Run);

        IEnumerable<ScheduledTask> Schedule() => TaskSequence(config, tasks);

        // Warm-up on a throwaway trainer, so that neither path pays the JIT of the trainer's code (whichever ran first did).
        using (var warmUp = GmmRunFactory.CreateTrainer(config, device))
            Trainer.RunSequence(warmUp, Schedule().Take(WarmUpTasks));

        double[] plainTheta;
        long plainSteps = 0;
        var watch = Stopwatch.StartNew();
        using (var trainer = GmmRunFactory.CreateTrainer(config, device))
        {
            foreach (var entry in Schedule()) plainSteps += trainer.Run(entry.Task, entry.InnerSteps, entry.BatchSeed).AppliedSteps;
            watch.Stop();
            plainTheta = trainer.Model.GetParameterVector();
        }
        double plainSeconds = watch.Elapsed.TotalSeconds;

        var akka = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING").WithFallback(ModelActor.DispatcherConfig).WithFallback(BigLearn.Actors.Messages.BigLearnSerializer.Config);
        using var system = ActorSystem.Create("biglearn-bench", akka);
        double[]? actorTheta = null;
        ModelRuntime Runtime()
        {
            var trainer = GmmRunFactory.CreateTrainer(config, device);
            return new ModelRuntime(trainer, () =>
            {
                actorTheta = trainer.Model.GetParameterVector();
                return new Dictionary<string, double>();
            });
        }
        var spec = new PopulationSpec(config.Population.Seed, tasks, config.Population.Groups, SchedulingMode.Lockstep, 1, evaluateEvery: tasks);
        var supervisor = system.ActorOf(PopulationSupervisor.Props(spec, Runtime));
        supervisor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        watch.Restart();
        var completed = supervisor.Ask<PopulationProtocol.RunCompleted>(PopulationProtocol.StartRun.Instance, TimeSpan.FromMinutes(30)).GetAwaiter().GetResult();
        watch.Stop();
        system.Terminate().Wait(TimeSpan.FromMinutes(1));
        double actorSeconds = watch.Elapsed.TotalSeconds;
        bool same = actorTheta is not null && actorTheta.AsSpan().SequenceEqual(plainTheta);
        return new TrainerBenchmarkResult(tasks, plainSteps, plainSteps / plainSeconds, completed.Steps / actorSeconds, same);
    }

    /// <summary>
    /// The tasks one agent of <paramref name="config"/>'s first group draws, as <c>TaskAgent</c> makes them: stream (seed,
    /// agent 0), a task then a batch seed. Drawn as they are consumed, never held as a list, so memory stays flat whatever
    /// the count.
    /// </summary>
    internal static IEnumerable<ScheduledTask> TaskSequence(ExperimentConfig config, long tasks)
    {
        var group = config.Population.Groups[0];
        var rng = Rng.ForStream(config.Population.Seed, 0);
        for (long i = 0; i < tasks; i++)
        {
            var task = group.Masks.Sample(rng);
            yield return new ScheduledTask(task, group.InnerSteps, rng.NextSeed());
        }
    }
}
