using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Running;

/// <summary>
/// The <c>log.jsonl</c> of each run on a shared actor system (<see cref="SharedActorSystem"/>: a cluster node's, a replica
/// sweep's). Such a process runs several experiments at once and Serilog's static logger belongs to the process, so the
/// process's logger (<see cref="RunLogging.StartConsole"/>) writes every event here too, and each run attached takes the events
/// of its own actors (their <c>LogSource</c> path holds the run's actor-name prefix) and those the run's host code tagged with a
/// <c>Run</c> property of that prefix.
/// </summary>
internal sealed class RunLogFiles : ILogEventSink
{
    /// <summary>The sink the node's logger writes to.</summary>
    public static RunLogFiles Instance { get; } = new();

    /// <summary>The property host code sets on an event to send it to a run's file.</summary>
    public const string RunProperty = "Run";

    // The LogSource of the markers that flush a run's file before it closes (each marker's is this plus an id); never written.
    private const string FlushSource = "biglearn-log-flush:";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (Logger Logger, LogEventLevel Level)> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _flushes = new(StringComparer.Ordinal);

    private RunLogFiles()
    {
    }

    /// <summary>
    /// Writes the events of the run whose actor names start with <paramref name="shared"/>'s prefix to <paramref name="path"/>
    /// until disposed; disposing first lets the events its actors logged until then come through (at most <see cref="FlushTimeout"/>).
    /// </summary>
    public static IDisposable Attach(SharedActorSystem shared, string path, LogLevel level)
    {
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.File(new CompactJsonFormatter(), path).CreateLogger();
        Instance._runs[shared.ActorPrefix] = (logger, RunLogging.ToSerilog(level));
        return new Detach(shared);
    }

    /// <summary>True for the marker events that flush a run's file (the process's other sinks leave them out).</summary>
    public static bool IsFlush(LogEvent logEvent) => Text(logEvent, "LogSource")?.StartsWith(FlushSource, StringComparison.Ordinal) == true;

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        string? source = Text(logEvent, "LogSource"), run = Text(logEvent, RunProperty);
        if (source is not null && source.StartsWith(FlushSource, StringComparison.Ordinal))
        {
            if (_flushes.TryRemove(source, out var flushed)) flushed.TrySetResult();
            return;
        }
        if (_runs.IsEmpty) return;
        foreach (var (prefix, (logger, level)) in _runs)
            if (logEvent.Level >= level && (run == prefix || (source is not null && source.Contains("/user/" + prefix, StringComparison.Ordinal))))
                logger.Write(logEvent);
    }

    private static string? Text(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: string text } ? text : null;

    private sealed class Detach(SharedActorSystem shared) : IDisposable
    {
        public void Dispose()
        {
            Flush();
            if (Instance._runs.TryRemove(shared.ActorPrefix, out var run)) run.Logger.Dispose();
        }

        // Akka hands its actors' events to Serilog later, through its logger actor, in the order they were logged: a marker
        // published now comes out after every event the run's actors have logged so far (the run's end included).
        private void Flush()
        {
            var source = FlushSource + Guid.NewGuid().ToString("N");
            var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Instance._flushes[source] = flushed;
            try
            {
                // A warning: Akka passes it at every log level the runs allow.
                shared.System.EventStream.Publish(new Akka.Event.Warning(source, typeof(RunLogFiles), "flush"));
                // Bounded: a process logger without this sink never answers, and a system shutting down may not deliver it.
                Task.WaitAny([flushed.Task, shared.System.WhenTerminated], FlushTimeout);
            }
            finally
            {
                Instance._flushes.TryRemove(source, out _);
            }
        }
    }
}
