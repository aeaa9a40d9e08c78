using System.Text.Json.Nodes;
using BigLearn.Hosting.Cluster;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using BigLearn.Reporting.Experiments;
using static BigLearn.Actors.Cluster.ExperimentProtocol;

namespace BigLearn.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>Where <c>run --cluster</c> goes: the endpoint, the certificate and whether a non-loopback cluster may be reached without TLS.</summary>
    internal sealed record ClusterTarget(string? Cluster, string? TlsCertificate, bool Insecure)
    {
        /// <summary>The endpoint, or null for a local run; options that only make sense with --cluster are refused without it.</summary>
        public ClusterEndpoint? Endpoint()
        {
            if (Cluster is null)
            {
                if (TlsCertificate is not null) throw new CliUsageException("--tls-cert: only with --cluster HOST:PORT");
                if (Insecure) throw new CliUsageException("--insecure: only with --cluster HOST:PORT");
                return null;
            }
            return ClusterEndpoint.Parse(Cluster, "--cluster");
        }

        public NodeTls? Tls => string.IsNullOrWhiteSpace(TlsCertificate) ? null : NodeTls.Load(TlsCertificate);
    }

    private static int RunOnCluster(CliConsole console, IExperiment experiment, string folder, ClusterEndpoint endpoint, ClusterTarget target,
        InterruptSignals signals)
    {
        var settings = experiment.Run;
        var tls = target.Tls;
        Action<string> stage = name => console.Output.WriteLine($"  {name}");
        var finished = WithProgress(console, [$"seed {settings.Population.Seed}"], settings.Population.BudgetTasks, progress =>
            ClusterSubmission.RunAsync(endpoint, tls, target.Insecure, [new ClusterRunRequest(Path.GetFileName(Path.GetFullPath(folder)), settings.Source, folder, progress[0])],
                console.Interactive ? null : stage, console.Error, signals.Token).GetAwaiter().GetResult())[0];
        return Report(console, finished, experiment.Checkpoints);
    }

    private static int SweepOnCluster(CliConsole console, string configPath, string[] sets, long[] seeds, string folder, ClusterEndpoint endpoint,
        ClusterTarget target, InterruptSignals signals)
    {
        var configs = seeds.Select(seed => ModelKinds.Load(configPath, [.. sets, $"seed={seed}"])).ToArray(); // all checked before any runs
        var tls = target.Tls;
        string sweepId = Path.GetFileName(Path.GetFullPath(folder));
        bool created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        IReadOnlyList<ExperimentFinished> finished;
        try
        {
            finished = WithProgress(console, seeds.Select(s => $"seed {s}").ToArray(), configs[0].Run.Population.BudgetTasks, progress =>
                ClusterSubmission.RunAsync(endpoint, tls, target.Insecure,
                    seeds.Select((seed, i) => new ClusterRunRequest($"{sweepId}-seed-{seed}", configs[i].Run.Source, Path.Combine(folder, $"seed-{seed}"), progress[i])).ToArray(),
                    null, console.Error, signals.Token).GetAwaiter().GetResult());
        }
        catch
        {
            // Nothing half-written: a sweep that never ran leaves no folder (seeds that did finish keep theirs).
            if (created && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
            throw;
        }
        var rows = finished.Select((f, i) => SweepRowOf(f.Folder, seeds[i], $"seed-{seeds[i]}")).ToArray();
        SweepWriter.Write(folder, configs[0].Run.Experiment, rows);
        console.Output.WriteLine($"wrote {finished.Count} runs, sweep.json and sweep.md to {Path.GetFullPath(folder)}");
        PrintTable(console, SweepRow.Table(rows), finished.Sum(f => f.TotalSeconds));
        return 0;
    }

    // A sweep on a cluster gets each seed's figures from the summary.json its model node wrote (the outcome object stays there).
    private static SweepRow SweepRowOf(string runFolder, long seed, string name)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "summary.json")))!;
        return new SweepRow(seed, name, (int)summary["modes_covered"]!, (int)summary["modes_total"]!, (double)summary["high_quality_fraction"]!,
            (double)summary["reverse_kl"]!, (double)summary["forward_kl"]!);
    }

    /// <summary>What a local run prints at its end, from the model node's account of it.</summary>
    private static int Report(CliConsole console, ExperimentFinished run, bool resumable)
    {
        if (run.Interrupted && resumable)
        {
            console.Output.WriteLine($"interrupted after {run.Tasks}/{run.Budget} tasks; final checkpoint and report written to {run.Folder}");
            return InterruptSignals.SigTermExitCode;
        }
        foreach (var recovery in run.Recoveries) console.Output.WriteLine($"  recovered {recovery}");
        console.Output.WriteLine($"wrote {run.Files.Length} files to {run.Folder}");
        console.Output.WriteLine($"  report: {Path.Combine(run.Folder, "report.md")}");
        PrintTable(console, new ResultTable(run.Header, run.Rows), run.TotalSeconds);
        foreach (var sentence in run.Sentences) console.Output.WriteLine(sentence);
        return 0;
    }
}
