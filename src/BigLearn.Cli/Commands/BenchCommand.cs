using System.CommandLine;
using System.Globalization;
using BigLearn.Actors;
using BigLearn.Hosting.Running;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn bench [--tasks N] [--actor-tasks N] [--gan-steps N]</c>: (a) steps/s of the §4.1 trainer as a plain loop and through the actors
/// (one agent, lockstep) and their ratio, then cooperative batches (B = 4, 16) and 11 replicas on all cores as ratios of the plain loop, and the GAN's step with 1 and 2 threads and its ledger's J; (b) tasks/s and memory per agent with 1, 100, 1,000 and 10,000 agents (no-op model, at least 20 tasks per agent), and
/// each size's tasks/s as a ratio of 100 agents'.
/// </summary>
internal static partial class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var tasks = new Option<int>("--tasks")
        {
            Description = "GMM tasks (20 inner steps each) for the plain-loop vs actors comparison",
            DefaultValueFactory = _ => 100,
        };
        var actorTasks = new Option<int>("--actor-tasks")
        {
            Description = "Tasks per population size for the actor throughput measurement (no-op model)",
            DefaultValueFactory = _ => 400_000, // about a second per size: 20,000 took 30 ms at 100 agents, less than the JIT's and the GC's own swings
        };
        var ganSteps = new Option<int>("--gan-steps")
        {
            Description = "BigLearn-GAN steps timed with 1 and with 2 libtorch threads (default settings, synthetic images)",
            DefaultValueFactory = _ => 20,
        };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "Instead: tasks/s of the paper's schedule (--tasks, default 1000) in one process and on the cluster at HOST:PORT, lockstep and free",
            HelpName = "HOST:PORT",
        };
        var config = new Option<string>("--config")
        {
            Description = "With --cluster: the experiment to time",
            DefaultValueFactory = _ => "configs/gmm25-biglearn.conf",
            HelpName = "CONFIG",
        };
        var command = new Command("bench", "Measure the actors' overhead on real GMM training, and their throughput and memory per agent at scale " +
            "(or, with --cluster, the cost of running over the wire)")
        {
            tasks, actorTasks, ganSteps, cluster, config,
        };
        command.SetAction((parsed, cancellationToken) => Task.FromResult(parsed.GetValue(cluster) is { } endpoint
            ? RunCluster(console, endpoint, parsed.GetValue(config)!, parsed.GetResult(tasks) is { Implicit: false } ? parsed.GetValue(tasks) : 1000, cancellationToken)
            : Run(console, parsed.GetValue(tasks), parsed.GetValue(actorTasks), parsed.GetValue(ganSteps))));
        return command;
    }

    private static int Run(CliConsole console, int tasks, int actorTasks, int ganSteps)
    {
        if (ganSteps < 1) throw new CliUsageException($"--gan-steps {ganSteps}: not allowed (at least 1)");
        if (tasks < 1) throw new CliUsageException($"--tasks {tasks}: not allowed (at least 1)");
        if (actorTasks < 1) throw new CliUsageException($"--actor-tasks {actorTasks}: not allowed (at least 1)");
        var output = console.Output;
        output.WriteLine($"(a) §4.1 GMM trainer, {tasks} tasks × 20 inner steps, 1 libtorch thread");
        var trainer = TrainerBenchmark.Run(tasks);
        output.WriteLine(Invariant($"    plain Trainer.RunSequence : {trainer.PlainStepsPerSecond,8:0.0} steps/s ({1000 / trainer.PlainStepsPerSecond:0.00} ms/step)"));
        output.WriteLine(Invariant($"    actors, 1 agent, lockstep : {trainer.ActorStepsPerSecond,8:0.0} steps/s ({1000 / trainer.ActorStepsPerSecond:0.00} ms/step)"));
        output.WriteLine(Invariant($"    ratio actors / plain      : {trainer.Ratio,8:0.000}   (same final parameters: {(trainer.SameParameters ? "yes" : "NO")})"));
        // Task-steps/s (a batched task's inner step counts as one, as in the plain loop), as ratios of the plain loop's.
        foreach (var other in new[]
                 {
                     TrainerBenchmark.Batches(tasks, 4), TrainerBenchmark.Batches(tasks, 16), TrainerBenchmark.Replicas(tasks, Replicas),
                     TrainerBenchmark.Ledger(tasks, probes: 0), TrainerBenchmark.Ledger(tasks, probes: 1),
                 })
            output.WriteLine(Invariant($"    {other.Label,-26}: {other.StepsPerSecond,8:0.0} task-steps/s, {other.StepsPerSecond / trainer.PlainStepsPerSecond:0.00} × plain"));
        var gan = TrainerBenchmark.GanStep(ganSteps);
        output.WriteLine(Invariant($"    BigLearn-GAN step, default settings ({ganSteps} steps): {gan.OneThreadMilliseconds:0.0} ms with 1 thread, {gan.TwoThreadMilliseconds:0.0} ms with 2 ({gan.TwoThreadSpeedUp:0.00}×); {gan.OneThreadMilliseconds * trainer.PlainStepsPerSecond / 1000:0} GMM steps' time"));
        output.WriteLine(Invariant($"    GAN ledger J (completion-fid, {gan.LedgerSamples} images), 1 thread: {gan.LedgerMilliseconds:0.0} ms per evaluation = {gan.LedgerInSteps:0.00} steps (of {gan.LedgerStepMilliseconds:0.0} ms timed beside it)"));
        output.WriteLine($"(b) actor throughput with a no-op model, at least {actorTasks} tasks and {TasksPerAgent} per agent, free scheduling, 1 credit");
        output.WriteLine("    agents       tasks      tasks/s   vs 100 agents   bytes/agent");
        double? hundred = null;
        foreach (var agents in ActorBenchmark.DefaultAgentCounts)
        {
            // Enough tasks per agent that the figure is the steady flow, not the first burst of proposals.
            var result = ActorBenchmark.Measure(agents, Math.Max(actorTasks, (long)TasksPerAgent * agents));
            if (agents == 100) hundred = result.TasksPerSecond;
            string ratio = hundred is { } h ? Invariant($"{result.TasksPerSecond / h,15:0.00}") : new string(' ', 15);
            output.WriteLine(Invariant($"    {result.Agents,6}  {result.Tasks,10}  {result.TasksPerSecond,11:0}  {ratio}  {result.BytesPerAgent,12:0}"));
        }
        return 0;
    }

    /// <summary>Replicas in (a): the paper's 11 seeds.</summary>
    private const int Replicas = 11;

    /// <summary>The fewest tasks each agent runs in (b).</summary>
    private const int TasksPerAgent = 20;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
