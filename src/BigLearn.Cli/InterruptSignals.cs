using System.Runtime.InteropServices;

namespace BigLearn.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation that stops a run gracefully (final checkpoint and report),
/// and remembers which signal it was for the exit code (130 or 143). A second signal is left to the default handling, so
/// a run that does not stop can still be killed.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    /// <summary>Exit code after SIGINT (128 + 2).</summary>
    public const int SigIntExitCode = 130;

    /// <summary>Exit code after SIGTERM (128 + 15).</summary>
    public const int SigTermExitCode = 143;

    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;

    private InterruptSignals(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>Cancelled on the first signal (or when <c>outer</c> is).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The exit code of an interrupted run: 143 after SIGTERM, 130 otherwise.</summary>
    public int ExitCode { get; private set; } = SigIntExitCode;

    /// <summary>Starts listening.</summary>
    public static InterruptSignals Listen(CancellationToken outer) => new(outer);

    private void Handle(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested) return; // the second signal: default handling ends the process
        context.Cancel = true;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? SigTermExitCode : SigIntExitCode;
        _source.Cancel();
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
