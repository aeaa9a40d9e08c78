using System.Globalization;
using System.Text.Json.Nodes;
using BigLearn.Hosting.Cluster;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn bench --cluster HOST:PORT [--config CONFIG] [--tasks 1000]</c>: the experiment's first tasks in this process and on
/// the cluster, lockstep and free, alternated three times each in one invocation; the training time of each comes from its
/// <c>summary.json</c> (<c>timings.wall_seconds</c>: the run from its first evaluation to its last, without process start, joining
/// or writing), so the ratio and the cost per task compare like with like.
/// </summary>
internal static partial class BenchCommand
{
    private static int RunCluster(CliConsole console, string endpointText, string configPath, int tasks, CancellationToken cancellationToken)
    {
        if (tasks < 1) throw new CliUsageException($"--tasks {tasks}: not allowed (at least 1)");
        var endpoint = ClusterEndpoint.Parse(endpointText, "--cluster");
        var status = ClusterStatusClient.QueryAsync(endpoint, ClusterStatusClient.DefaultTimeout, cancellationToken).GetAwaiter().GetResult();
        var output = console.Output;
        output.WriteLine($"(c) {configPath}, first {tasks} tasks: one process vs the cluster at {endpoint} ({status.Members.Count(m => m.IsUp)} members up), median of {Repeats} runs each");
        output.WriteLine("    scheduling   one process     cluster   cluster/one   wire cost per task   same figures");
        var scratch = Directory.CreateTempSubdirectory("biglearn-bench-cluster-").FullName;
        try
        {
            foreach (var scheduling in (string[])["lockstep", "free"])
            {
                var experiment = ModelKinds.Load(configPath, [$"budget={tasks}", $"scheduling={scheduling}"]);
                var (oneTimes, manyTimes) = (new List<double>(), new List<double>());
                bool same = true;
                // Alternated, so that both sides see the same drift of a busy machine; the median of each is reported.
                for (int repeat = 0; repeat < Repeats; repeat++)
                {
                    var local = Path.Combine(scratch, $"{scheduling}-{repeat}-local");
                    var remote = Path.Combine(scratch, $"{scheduling}-{repeat}-cluster");
                    ExperimentRun.Run(experiment, local, consoleLog: TextWriter.Null, cancellationToken: cancellationToken);
                    ClusterSubmission.RunAsync(endpoint, null, insecure: false, [new ClusterRunRequest(Path.GetFileName(remote), experiment.Run.Source, remote, null)],
                        null, console.Error, cancellationToken).GetAwaiter().GetResult();
                    var (one, many) = (Summary(local), Summary(remote));
                    oneTimes.Add((double)one["timings"]!["wall_seconds"]!);
                    manyTimes.Add((double)many["timings"]!["wall_seconds"]!);
                    foreach (var summary in (JsonObject[])[one, many])
                    {
                        summary.Remove("timings");
                        summary.Remove("provenance");
                    }
                    same &= one.ToJsonString() == many.ToJsonString();
                }
                double oneSeconds = Median(oneTimes), manySeconds = Median(manyTimes);
                string figures = scheduling == "free" ? "(timing-dependent)" : same ? "yes" : "NO";
                output.WriteLine(Invariant($"    {scheduling,-10} {tasks / oneSeconds,9:0} t/s {tasks / manySeconds,9:0} t/s {oneSeconds / manySeconds,12:0.00}   {1000 * (manySeconds - oneSeconds) / tasks,14:0.00} ms   {figures}"));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        return 0;
    }

    /// <summary>Runs of each side per scheduling mode; the median is reported.</summary>
    private const int Repeats = 3;

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static JsonObject Summary(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();
}
