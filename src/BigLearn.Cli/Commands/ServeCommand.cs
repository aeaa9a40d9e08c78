using System.CommandLine;
using BigLearn.Dashboard.State;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn serve RUN_DIR [--port 5099] [--dashboard-bind ADDR]</c>: the dashboard's page for a finished run, from its files (a
/// sweep folder: one run per seed), until SIGINT or SIGTERM (exit 0).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("RUN_DIR") { Description = "A run folder written by biglearn run (or a sweep's folder: every seed-*/ in it)" };
        var dashboard = new DashboardCli();
        var command = new Command("serve",
            "Serve the dashboard's page for a finished run from its files (curves, agents, credit, pictures) on 127.0.0.1 until Ctrl+C; the URL is the first line")
        {
            folder, dashboard.Port, dashboard.Bind,
        };
        command.SetAction((parsed, cancellationToken) => Task.FromResult(Serve(console, parsed.GetValue(folder)!,
            DashboardCli.Options(parsed.GetValue(dashboard.Port), parsed.GetValue(dashboard.Bind)), cancellationToken)));
        return command;
    }

    private static int Serve(CliConsole console, string folder, Dashboard.Web.DashboardOptions options, CancellationToken cancellationToken)
    {
        var runs = new RunRegistry();
        foreach (var run in Load(folder, runs)) runs.Add(run);
        using var signals = InterruptSignals.Listen(cancellationToken);
        var server = DashboardCli.Start(console, options, runs);
        try
        {
            signals.Token.WaitHandle.WaitOne();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return 0; // stopping the server is how serve ends
    }

    // A run folder, or a sweep's folder whose seed-*/ are run folders; a damaged or missing file is one line naming it.
    private static IReadOnlyList<FolderRun> Load(string folder, RunRegistry runs)
    {
        try
        {
            if (!Directory.Exists(folder)) throw new InvalidDataException($"{folder}: no such run folder");
            if (!File.Exists(Path.Combine(folder, "summary.json")))
            {
                var seeds = Directory.GetDirectories(folder, "seed-*").Order(StringComparer.Ordinal)
                    .Where(d => File.Exists(Path.Combine(d, "summary.json"))).ToArray();
                if (seeds.Length > 0) return seeds.Select(d => FolderRun.Load(runs.NewId(Path.GetFileName(d)), d)).ToArray();
            }
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            return [FolderRun.Load(runs.NewId(name), folder)];
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException($"RUN_DIR {e.Message}");
        }
    }
}
