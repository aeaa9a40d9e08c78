using Akka.Configuration;
using BigLearn.Hosting.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace BigLearn.Hosting.Running;

/// <summary>
/// Serilog for one run, reached from the actors through Akka.Logger.Serilog: compact JSON lines in the run's
/// <c>log.jsonl</c> (from the configured level) and warnings and errors on the console, so a progress bar stays clean.
/// </summary>
/// <remarks>
/// Akka.Logger.Serilog writes to Serilog's static <see cref="Log.Logger"/>, so a run on an actor system of its own installs
/// its logger for its duration and restores the previous one when disposed (one such run at a time per process: a
/// sequential sweep runs its seeds one after the other). Runs that go on at the same time share one actor system
/// (<see cref="SharedActorSystem"/>) and the process logger of <see cref="StartConsole"/>, which hands each run's
/// <c>log.jsonl</c> the events of its own actors (<see cref="RunLogFiles"/>).
/// </remarks>
internal sealed class RunLogging : IDisposable
{
    private readonly ILogger _previous;
    private readonly Serilog.Core.Logger _logger;

    private RunLogging(Serilog.Core.Logger logger)
    {
        _previous = Log.Logger;
        _logger = logger;
        Log.Logger = logger;
    }

    /// <summary>Installs a logger writing <paramref name="jsonPath"/> and warnings to <paramref name="console"/> (stderr when null).</summary>
    public static RunLogging Start(string jsonPath, LogLevel fileLevel, TextWriter? console)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(ToSerilog(fileLevel))
            .Enrich.FromLogContext()
            .WriteTo.File(new CompactJsonFormatter(), jsonPath);
        configuration = console is null
            ? configuration.WriteTo.Console(restrictedToMinimumLevel: LogEventLevel.Warning, standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Sink(new LineSink(console), LogEventLevel.Warning);
        return new RunLogging(configuration.CreateLogger());
    }

    /// <summary>
    /// Installs a logger for a process that runs several experiments at once (a cluster node, a replica sweep): every event
    /// from <paramref name="level"/> as a plain line on <paramref name="console"/> (stderr when null), and every event to
    /// the run files attached to <see cref="RunLogFiles"/>.
    /// </summary>
    public static RunLogging StartConsole(LogLevel level, TextWriter? console)
    {
        // Everything reaches the runs' own files (each takes its level); the console shows the process's level, without the
        // markers that flush a run's file.
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.FromLogContext()
            .WriteTo.Sink(RunLogFiles.Instance)
            .WriteTo.Conditional(e => !RunLogFiles.IsFlush(e), shown =>
            {
                if (console is null)
                    shown.Console(restrictedToMinimumLevel: ToSerilog(level), standardErrorFromLevel: LogEventLevel.Verbose,
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                else shown.Sink(new LineSink(console), ToSerilog(level));
            });
        return new RunLogging(configuration.CreateLogger());
    }

    /// <summary>The Akka settings that route the actors' logging to Serilog at <paramref name="level"/>.</summary>
    public static Config AkkaConfig(LogLevel level) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = {{level switch { LogLevel.Debug => "DEBUG", LogLevel.Information => "INFO", _ => "WARNING" }}}
          stdout-loglevel = OFF
          loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
          logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
        }
        """);

    /// <summary>Flushes the file and puts the previous logger back.</summary>
    public void Dispose()
    {
        Log.Logger = _previous;
        _logger.Dispose();
    }

    // Warnings as plain "level: message" lines on a caller's writer (the CLI's stderr, a test's buffer).
    private sealed class LineSink(TextWriter writer) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (writer) writer.WriteLine($"{logEvent.Level.ToString().ToLowerInvariant()}: {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    internal static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        _ => LogEventLevel.Warning,
    };
}
