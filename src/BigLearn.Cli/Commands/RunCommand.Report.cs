using BigLearn.Hosting.Running;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>Prints where a run (or a resumed run) wrote and its figures; the exit code: 0, or 130/143 when it was interrupted.</summary>
    internal static int Report(CliConsole console, ExperimentRunOutput run, InterruptSignals signals)
    {
        if (run.Interrupted)
        {
            console.Output.WriteLine($"interrupted after {run.Outcome.Tasks}/{run.Outcome.Budget} tasks; final checkpoint and report written to {run.Folder}");
            console.Output.WriteLine($"  continue with: biglearn resume {run.Folder}");
            return signals.ExitCode;
        }
        console.Output.WriteLine($"wrote {run.Files.Count} files to {run.Folder}");
        console.Output.WriteLine($"  report: {Path.Combine(run.Folder, "report.md")}");
        PrintTable(console, [SweepRow.Of(run.Outcome, ".")], run.Outcome.WallSeconds);
        foreach (var sentence in ExperimentReport.Sentences(run.Outcome)) console.Output.WriteLine(sentence);
        if (run.Outcome.StoppedAgents.Count > 0)
            console.Output.WriteLine($"agents stopped after repeated rejections: {string.Join(", ", run.Outcome.StoppedAgents)}");
        return 0;
    }
}
