using Spectre.Console;

namespace BigLearn.Cli;

/// <summary>
/// Shows the progress of a few named stages: a live Spectre.Console bar in a terminal, otherwise a plain line at every
/// tenth (so logs of redirected runs stay short).
/// </summary>
internal static class StageProgress
{
    /// <summary>Runs <paramref name="work"/>, handing it one <see cref="IProgress{T}"/> (fraction 0..1) per stage name.</summary>
    public static T Run<T>(CliConsole console, IReadOnlyList<string> stages, Func<IReadOnlyList<IProgress<double>>, T> work)
    {
        if (!console.Interactive)
            return work(stages.Select(s => (IProgress<double>)new PlainLines(console.Output, s)).ToArray());

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = stages.Select(s => context.AddTask(s, autoStart: true, maxValue: 1.0)).ToArray();
                return work(tasks.Select(t => (IProgress<double>)new BarProgress(t)).ToArray());
            });
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = Math.Clamp(value, 0, 1);
    }

    // Synchronous on purpose: Progress<T> would post to the thread pool and lines could arrive out of order or late.
    private sealed class PlainLines(TextWriter output, string stage) : IProgress<double>
    {
        private int _lastTenth = -1;

        public void Report(double value)
        {
            var tenth = (int)Math.Floor(Math.Clamp(value, 0, 1) * 10);
            if (tenth <= _lastTenth) return;
            _lastTenth = tenth;
            output.WriteLine($"{stage}: {tenth * 10}%");
        }
    }
}
