using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Running;

/// <summary>
/// The <c>log.jsonl</c> of each run on a cluster node. A node may run several experiments at once and Serilog's static logger
/// belongs to the process, so the node's logger writes every event here too, and each run attached takes the events of its own
/// actors (their <c>LogSource</c> path holds the run's actor-name prefix) and those the run's host code tagged with a <c>Run</c>
/// property of that prefix.
/// </summary>
internal sealed class RunLogFiles : ILogEventSink
{
    /// <summary>The sink the node's logger writes to.</summary>
    public static RunLogFiles Instance { get; } = new();

    /// <summary>The property host code sets on an event to send it to a run's file.</summary>
    public const string RunProperty = "Run";

    private readonly ConcurrentDictionary<string, (Logger Logger, LogEventLevel Level)> _runs = new(StringComparer.Ordinal);

    private RunLogFiles()
    {
    }

    /// <summary>Writes the events of the run whose actor names start with <paramref name="prefix"/> to <paramref name="path"/> until disposed.</summary>
    public static IDisposable Attach(string prefix, string path, LogLevel level)
    {
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.File(new CompactJsonFormatter(), path).CreateLogger();
        Instance._runs[prefix] = (logger, RunLogging.ToSerilog(level));
        return new Detach(prefix);
    }

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        if (_runs.IsEmpty) return;
        string? source = Text(logEvent, "LogSource"), run = Text(logEvent, RunProperty);
        foreach (var (prefix, (logger, level)) in _runs)
            if (logEvent.Level >= level && (run == prefix || (source is not null && source.Contains("/user/" + prefix, StringComparison.Ordinal))))
                logger.Write(logEvent);
    }

    private static string? Text(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: string text } ? text : null;

    private sealed class Detach(string prefix) : IDisposable
    {
        public void Dispose()
        {
            if (Instance._runs.TryRemove(prefix, out var run)) run.Logger.Dispose();
        }
    }
}
