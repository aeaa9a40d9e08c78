using System.Collections.Concurrent;

namespace BigLearn.Dashboard.State;

/// <summary>The runs a dashboard serves, in the order they came; the newest is what the page shows first.</summary>
public sealed class RunRegistry
{
    private readonly ConcurrentDictionary<string, RunView> _runs = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Adds <paramref name="view"/> (its id must be new).</summary>
    public void Add(RunView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        TaskCompletionSource added;
        lock (_lock)
        {
            if (!_runs.TryAdd(view.Id, view)) throw new InvalidOperationException($"a run with id {view.Id} is already served");
            _order.Add(view.Id);
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        added.TrySetResult();
    }

    /// <summary>An id not yet used, from <paramref name="name"/> (a folder's or an experiment's name), made safe for URLs.</summary>
    public string NewId(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        if (safe.Length == 0) safe = "run";
        lock (_lock)
        {
            var id = safe;
            for (int n = 2; _runs.ContainsKey(id); n++) id = $"{safe}-{n}";
            return id;
        }
    }

    /// <summary>The run with id <paramref name="id"/>, or null.</summary>
    public RunView? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>Every run, oldest first.</summary>
    public IReadOnlyList<RunView> All
    {
        get
        {
            lock (_lock) return _order.Select(id => _runs[id]).ToArray();
        }
    }

    /// <summary>Completes when a run is added (the page of a node waiting for its first experiment).</summary>
    public Task WhenAdded()
    {
        lock (_lock) return _added.Task;
    }
}
