using System.Globalization;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Gan;

namespace BigLearn.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary><c>biglearn run</c> for <c>kind = gan</c>: stages as lines, training with a progress bar, then the §4.2 figures.</summary>
    private static int RunGan(CliConsole console, GanExperimentConfig config, string? outDir, CancellationToken cancellationToken)
    {
        var folder = outDir ?? Path.Combine("runs", config.Experiment, DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            throw new CliUsageException($"--out {folder}: the folder already exists and is not empty (choose a new one)");
        var spec = config.Population;
        console.Output.WriteLine($"run {config.Experiment} (BigLearn-GAN on {config.Data.Set}): {spec.BudgetTasks} tasks, {spec.AgentCount} agents in " +
            $"{spec.Groups.Count} group(s), {spec.Mode.ToString().ToLowerInvariant()}, seed {spec.Seed}");
        using var signals = InterruptSignals.Listen(cancellationToken);
        void Stage(string name) => console.Output.WriteLine($"  {name}");
        GanRunOutput run;
        if (console.Interactive)
        {
            // The stages before and after the training print plain lines; the training gets the live bar.
            run = WithProgress(console, [$"seed {spec.Seed}"], spec.BudgetTasks,
                progress => GanExperimentRun.Run(config, folder, progress[0], stage: null, console.Error, signals.Token));
        }
        else
        {
            run = WithProgress(console, [$"seed {spec.Seed}"], spec.BudgetTasks,
                progress => GanExperimentRun.Run(config, folder, progress[0], Stage, console.Error, signals.Token));
        }
        var o = run.Outcome;
        var f = o.Final;
        if (run.Interrupted)
            console.Output.WriteLine($"interrupted after {o.Tasks}/{o.Budget} tasks; the model trained so far was evaluated");
        console.Output.WriteLine($"wrote {run.Files.Count} files to {run.Folder}");
        console.Output.WriteLine($"  report: {Path.Combine(run.Folder, "report.md")}");
        console.Output.WriteLine(Invariant($"classifier FID {f.ClassifierFid:0.##} (real vs real {f.FidFloor:0.##}); {o.Steps} steps, {o.NanSteps} not applied as non-finite"));
        console.Output.WriteLine("completion accuracy      model   no completion   nearest neighbour");
        foreach (var mask in GanRunWriter.CompletionMasks)
            console.Output.WriteLine(Invariant($"  {mask,-20} {f.CompletionAccuracy.GetValueOrDefault(mask, double.NaN),7:0.###} {f.NoCompletionAccuracy.GetValueOrDefault(mask, double.NaN),15:0.###} {f.NearestNeighbourAccuracy.GetValueOrDefault(mask, double.NaN),19:0.###}"));
        console.Output.WriteLine("diversity by observed ratio: " + string.Join(", ", f.Diversity.OrderBy(kv => kv.Key).Select(kv => Invariant($"{kv.Key:0.##} → {kv.Value:0.##}"))) +
            Invariant($" (data spread {f.DataSpread:0.##})"));
        console.Output.WriteLine(Invariant($"wall time {o.TrainingSeconds + o.EvaluationSeconds:0.#} s (training {o.TrainingSeconds:0.#} s)"));
        return run.Interrupted ? signals.ExitCode : 0;
    }
}
