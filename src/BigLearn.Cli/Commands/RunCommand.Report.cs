using BigLearn.Hosting.Running;

namespace BigLearn.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>Prints where a run (or a resumed run) wrote and its figures; the exit code: 0, or 130/143 when it was interrupted.</summary>
    internal static int Report(CliConsole console, ExperimentRunOutput run, bool resumable, InterruptSignals signals)
    {
        var outcome = run.Outcome;
        if (run.Interrupted)
        {
            if (resumable)
            {
                console.Output.WriteLine($"interrupted after {outcome.Tasks}/{outcome.Budget} tasks; final checkpoint and report written to {run.Folder}");
                console.Output.WriteLine($"  continue with: biglearn resume {run.Folder}");
                return signals.ExitCode;
            }
            console.Output.WriteLine($"interrupted after {outcome.Tasks}/{outcome.Budget} tasks; the model trained so far was evaluated");
        }
        console.Output.WriteLine($"wrote {run.Files.Count} files to {run.Folder}");
        console.Output.WriteLine($"  report: {Path.Combine(run.Folder, "report.md")}");
        PrintTable(console, outcome.Table, outcome.TotalSeconds);
        foreach (var sentence in outcome.Sentences) console.Output.WriteLine(sentence);
        return run.Interrupted ? signals.ExitCode : 0;
    }
}
