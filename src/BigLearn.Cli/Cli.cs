using System.CommandLine;
using BigLearn.Cli.Commands;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Cli;

/// <summary>
/// The <c>biglearn</c> command line. Exit codes: 0 success; 2 a user mistake (bad arguments, unknown command, missing
/// or invalid config, occupied output folder) reported as one line <c>biglearn: …</c> on stderr with nothing written;
/// 1 an unexpected failure (one line; the stack trace only with <c>--verbose</c> or <c>BIGLEARN_VERBOSE=1</c>);
/// 130 (SIGINT, Ctrl+C) or 143 (SIGTERM): <c>run</c> and <c>resume</c> stopped with a final checkpoint and report (resumable);
/// 130 also for a cancelled sweep or landscape, with nothing written; 130 or 143 for a <c>node</c> that left the cluster
/// gracefully on SIGINT or SIGTERM (1 when the cluster removed it).
/// </summary>
public static class Cli
{
    /// <summary>User mistake.</summary>
    public const int UsageError = 2;

    /// <summary>Unexpected failure.</summary>
    public const int Failure = 1;

    /// <summary>Cancelled by the user.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// Parses and runs <paramref name="args"/>. With <paramref name="stdout"/>/<paramref name="stderr"/> given (tests,
    /// embedding) output goes there and progress is printed as plain lines; otherwise the process console is used.
    /// </summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var console = stdout is null && stderr is null
            ? CliConsole.ForProcess()
            : new CliConsole(stdout ?? TextWriter.Null, stderr ?? TextWriter.Null, interactive: false, CliConsole.VerboseFromEnvironment());
        return Run(args, console);
    }

    internal static int Run(string[] args, CliConsole console)
    {
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Print stack traces for unexpected errors (also BIGLEARN_VERBOSE=1)",
            Recursive = true,
        };
        var root = new RootCommand("biglearn: Big Cooperative Learning with actors (Cong 2024), reproducible experiments")
        {
            Options = { verbose },
        };
        // One file per command under Commands/; each returns its Command with its action set.
        root.Subcommands.Add(LandscapeCommand.Create(console));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(AblateCommand.Create(console));
        root.Subcommands.Add(ResumeCommand.Create(console));
        root.Subcommands.Add(ValidateCommand.Create(console));
        root.Subcommands.Add(NodeCommand.Create(console));
        root.Subcommands.Add(ClusterCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));

        try
        {
            var parsed = root.Parse(args);
            console.Verbose |= parsed.GetValue(verbose);
            if (parsed.Action is not { ClearsParseErrors: true } && parsed.Errors.Count > 0)
            {
                // "Unrecognized command 'frob'" says more than the "Required command" that comes with it.
                var error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal)))
                            ?? parsed.Errors[0];
                return Fail(console, UsageError, error.Message + Hint(parsed));
            }
            if (parsed.Action is null)
                return Fail(console, UsageError, "no command given (try biglearn --help)");
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = console.Output,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // run, resume and node handle SIGINT/SIGTERM themselves (final checkpoint, 130/143)
            });
        }
        catch (ConfigException e)
        {
            return Fail(console, UsageError, e.Message);
        }
        catch (CliUsageException e)
        {
            return Fail(console, UsageError, e.Message);
        }
        catch (Hosting.Cluster.ClusterUsageException e)
        {
            return Fail(console, UsageError, e.Message);
        }
        catch (Hosting.Checkpoints.RunFolderException e)
        {
            return Fail(console, UsageError, e.Message);
        }
        catch (Core.Images.ImageDataException e)
        {
            return Fail(console, UsageError, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The environment, not the program: a folder under a file, no permission, a full disk. Nothing half-written stays
            // (run folders publish file by file, sweeps and landscapes are staged).
            return Fail(console, UsageError, e.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(console, Cancelled, "cancelled; nothing was written");
        }
        catch (Exception e)
        {
            var line = $"unexpected error: {e.GetType().Name}: {OneLine(e.Message)}";
            if (!console.Verbose) return Fail(console, Failure, line + " (rerun with --verbose for details)");
            console.Error.WriteLine($"biglearn: {line}");
            console.Error.WriteLine(e);
            return Failure;
        }
    }

    private static string Hint(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? " (try biglearn --help)" : $" (try biglearn {parsed.CommandResult.Command.Name} --help)";

    private static int Fail(CliConsole console, int code, string message)
    {
        console.Error.WriteLine($"biglearn: {OneLine(message)}");
        return code;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
