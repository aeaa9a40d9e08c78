using Spectre.Console;

namespace BigLearn.Cli;

/// <summary>
/// Where a command writes: the two streams, whether a live progress bar makes sense (a real, interactive terminal),
/// and whether stack traces are wanted.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive, bool verbose)
{
    /// <summary>Normal output (results, plain progress lines).</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Errors: one line each.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>True when stdout is an interactive terminal: progress is drawn as a live bar rather than plain lines.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Print stack traces for unexpected errors.</summary>
    public bool Verbose { get; set; } = verbose;

    /// <summary>The process's own console, live bars only when stdout is a terminal that Spectre finds interactive.</summary>
    public static CliConsole ForProcess() => new(Console.Out, Console.Error,
        interactive: !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi,
        verbose: VerboseFromEnvironment());

    /// <summary><c>BIGLEARN_VERBOSE=1</c> (or <c>true</c>) turns on stack traces as <c>--verbose</c> does.</summary>
    public static bool VerboseFromEnvironment() =>
        Environment.GetEnvironmentVariable("BIGLEARN_VERBOSE") is "1" or "true" or "TRUE" or "True";
}
