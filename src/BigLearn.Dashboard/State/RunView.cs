namespace BigLearn.Dashboard.State;

/// <summary>
/// A run the dashboard shows: a live run of this process (<see cref="LiveRun"/>) or a finished one read from its folder
/// (<see cref="FolderRun"/>). Readers take snapshots; writers call <see cref="Changed"/>, which wakes every event stream.
/// </summary>
public abstract class RunView
{
    private readonly Lock _signal = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    /// <summary>A view with id <paramref name="id"/>.</summary>
    protected RunView(string id) => Id = id;

    /// <summary>Its id in URLs.</summary>
    public string Id { get; }

    /// <summary>Grows at every change.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The run's line in the list of runs.</summary>
    public abstract RunListItem Describe();

    /// <summary>The run now, with the series from the given indices on.</summary>
    public abstract RunSnapshot Snapshot(int evaluationsFrom, int creditFrom);

    /// <summary>One agent's history, or null for an unknown agent.</summary>
    public abstract AgentDetail? Agent(int id);

    /// <summary>The newest picture named <paramref name="name"/> as PNG bytes, or null.</summary>
    public abstract byte[]? Picture(string name);

    /// <summary>What controls the run, or null for a run that cannot be controlled (read from files).</summary>
    public virtual IRunControls? Controls => null;

    /// <summary>Completes at the first change after version <paramref name="seen"/> (at once when there was one).</summary>
    public Task WhenChangedAfter(long seen)
    {
        lock (_signal) return Version > seen ? Task.CompletedTask : _next.Task;
    }

    /// <summary>Records a change and wakes the waiting streams.</summary>
    protected void Changed()
    {
        TaskCompletionSource woken;
        lock (_signal)
        {
            Interlocked.Increment(ref _version);
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }
}

/// <summary>What the controls of a live run do; each answers in one line what happened, or throws <see cref="ControlException"/>.</summary>
public interface IRunControls
{
    /// <summary>Pauses the model between two tasks.</summary>
    Task<string> PauseAsync(CancellationToken cancellationToken);

    /// <summary>Lets it go on.</summary>
    Task<string> ResumeAsync(CancellationToken cancellationToken);

    /// <summary>Sets a group's share (by name).</summary>
    Task<string> SetShareAsync(string group, double share, CancellationToken cancellationToken);

    /// <summary>Stops the run at its next quiescent point (a final checkpoint where the kind keeps them); resumable as after Ctrl+C.</summary>
    Task<string> StopAsync(CancellationToken cancellationToken);
}

/// <summary>A control that was refused: <see cref="Conflict"/> when the run cannot take it now (it has ended), otherwise bad input.</summary>
public sealed class ControlException(string message, bool conflict) : Exception(message)
{
    /// <summary>True when the run's state refused it (HTTP 409), false for a bad request (400).</summary>
    public bool Conflict { get; } = conflict;
}
