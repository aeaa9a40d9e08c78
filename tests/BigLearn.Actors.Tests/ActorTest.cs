using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>A TestKit with the model's pinned dispatcher and helpers to run a whole population.</summary>
public abstract class ActorTest(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ModelActor.DispatcherConfig), output: output)
{
    protected static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The run's answer, every task in the order the model ran them, and the evaluations the observer saw.</summary>
    protected sealed record RunRecord(RunCompleted Result, List<TaskCompleted> Tasks, List<Evaluation> Evaluations, IActorRef Supervisor);

    protected async Task<RunRecord> RunAsync(PopulationSpec spec, Func<ITaskRunner> runnerFactory,
        Func<ITaskRunner, IReadOnlyDictionary<string, double>>? evaluator = null)
    {
        var observer = CreateTestProbe();
        var supervisor = Sys.ActorOf(PopulationSupervisor.Props(spec, () =>
        {
            var runner = runnerFactory();
            return new ModelRuntime(runner, evaluator is null ? null : () => evaluator(runner));
        }, observer.Ref));
        var result = await supervisor.Ask<RunCompleted>(StartRun.Instance, RunTimeout);
        var tasks = new List<TaskCompleted>();
        var evaluations = new List<Evaluation>();
        while (true)
        {
            var message = observer.ReceiveOne(RunTimeout);
            if (message is TaskCompleted task) tasks.Add(task);
            else if (message is Evaluation evaluation) evaluations.Add(evaluation);
            else if (message is RunCompleted) break;
            else throw new InvalidOperationException(message is null ? "the observer got no RunCompleted" : $"the observer got an unexpected {message}");
        }
        return new RunRecord(result, tasks, evaluations, supervisor);
    }
}
