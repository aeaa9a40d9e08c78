using System.Runtime.ExceptionServices;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Hosting.Running;

public static partial class ExperimentSweep
{
    private static readonly TimeSpan TerminateTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What <c>--replicas auto</c> means for <paramref name="seeds"/> seeds: one replica per seed, at most one per core.</summary>
    public static int AutoReplicas(int seeds) => Math.Max(1, Math.Min(seeds, Environment.ProcessorCount));

    /// <summary>
    /// Runs the seeds <paramref name="replicas"/> at a time in this process, on one actor system; returns their runs in seed order.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why replicas rather than one model with the seeds stacked along a replica axis: on the CPU the 25-GMM's step no longer
    /// calls libtorch (plain arithmetic, ~12,000 SGD steps/s for one run), so stacked tensors would bring back libtorch's cost
    /// per op, which used to be most of a step. What is left to gain on the CPU is the other cores: replicas run on all of them
    /// and pay once for what a process pays once (its start, the JIT's warm-up, the actor system).
    /// </para>
    /// <para>
    /// Each replica keeps apart everything its results depend on: its own model actor on a pinned thread of its own, its own
    /// agents (actor names prefixed <c>seed-&lt;seed&gt;-</c>), RNG streams, ledger, checkpoints and <c>seed-&lt;seed&gt;/</c>
    /// folder, so a lockstep seed writes what it writes in a sequential sweep whatever the thread timing. The process-wide
    /// state is shared safely: Serilog's static logger is one process logger that hands each replica's <c>log.jsonl</c> the
    /// events of its own actors (<see cref="RunLogFiles"/>), and libtorch's thread count is set under a lock.
    /// </para>
    /// <para>
    /// Each worker thread takes the next seed when its run ends. A failure in one replica stops the others through the token
    /// they share (each ends at its next quiescent point) and then fails the sweep with that error; the caller's token stops
    /// them all the same way.
    /// </para>
    /// </remarks>
    private static ExperimentRunOutput[] RunReplicas(IExperiment[] configs, string[] names, string staging, int replicas,
        Func<int, IProgress<RunProgress>?>? progress, TextWriter? consoleLog, CancellationToken cancellationToken)
    {
        var runs = new ExperimentRunOutput[configs.Length];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        int next = -1;
        // Warnings reach the console once, from the process's logger; each run's file takes its own level from it.
        using var logging = RunLogging.StartConsole(LogLevel.Warning, consoleLog);
        var system = ExperimentRun.CreateSystem(configs.Min(c => c.Run.FileLogLevel));

        void Work()
        {
            for (int i; !stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < configs.Length;)
            {
                try
                {
                    var sub = Directory.CreateDirectory(Path.Combine(staging, names[i])).FullName;
                    var shared = new SharedActorSystem(system, names[i] + "-");
                    runs[i] = ExperimentRun.RunInto(configs[i], sub, progress?.Invoke(i), consoleLog, stop.Token, shared);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped before its training began (by the caller or by another replica's failure): nothing of its own to report.
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null); // the first failure is the sweep's error
                    stop.Cancel();
                }
            }
        }

        try
        {
            // Dedicated threads: a replica's thread blocks on its run's end, which the pool's threads must stay free to bring.
            var workers = Enumerable.Range(0, replicas)
                .Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Task.WaitAll(workers);
        }
        finally
        {
            system.Terminate().Wait(TerminateTimeout);
        }
        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return runs;
    }
}
