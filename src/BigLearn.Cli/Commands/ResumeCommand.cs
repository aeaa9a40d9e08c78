using System.CommandLine;
using BigLearn.Hosting.Running;

namespace BigLearn.Cli.Commands;

/// <summary><c>biglearn resume RUN_DIR</c>: continues an interrupted or killed population run to its budget.</summary>
internal static class ResumeCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("RUN_DIR") { Description = "A run folder written by biglearn run that has not reached its budget" };
        var command = new Command("resume",
            "Continue a population run from its newest intact checkpoint to its budget and write its outputs (a damaged checkpoint " +
            "is skipped for the previous one)")
        {
            folder,
        };
        var dashboard = new DashboardCli();
        foreach (var option in dashboard.All) command.Options.Add(option);
        command.SetAction((parsed, cancellationToken) => Task.FromResult(Resume(console, parsed.GetValue(folder)!, dashboard.Parse(parsed), cancellationToken)));
        return command;
    }

    private static int Resume(CliConsole console, string folder, Dashboard.Web.DashboardOptions? dashboard, CancellationToken cancellationToken)
    {
        // A folder that is plainly not a run is refused before the dashboard prints anything (Resume says exactly why).
        if (dashboard is not null && !File.Exists(Path.Combine(folder, "config.conf"))) ExperimentRun.Resume(folder);
        using var live = dashboard is null ? null : new LiveDashboard(console, dashboard);
        using var signals = InterruptSignals.Listen(cancellationToken);
        console.Output.WriteLine($"resume {folder}");
        Action<string>? stage = console.Interactive ? null : name => console.Output.WriteLine($"  {name}");
        var run = RunCommand.WithProgress(console, ["resume"], 0,
            progress => ExperimentRun.Resume(folder, progress[0], console.Error, line => console.Error.WriteLine($"biglearn: warning: {line}"), signals.Token, stage, tap: live?.Tap));
        return RunCommand.Report(console, run, resumable: true, signals);
    }
}
