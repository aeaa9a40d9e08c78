using BigLearn.Actors.Messages;

namespace BigLearn.Dashboard.State;

/// <summary>
/// One agent's figures as the tasks arrive: counts, credit, audits, the masks it drew, and its history sampled every
/// <c>stride</c> tasks of the run (so a run of any length keeps at most a few hundred points per agent). Not thread-safe: its
/// <see cref="LiveRun"/> holds the lock.
/// </summary>
internal sealed class AgentTrack(int id, int group, long stride)
{
    private readonly List<AgentHistoryPoint> _history = [];
    private readonly Dictionary<string, long> _transforms = new(StringComparer.Ordinal);
    private long[]? _sizes;
    private long _lastBucket = -1;

    public int Id { get; } = id;
    public int Group { get; } = group;
    public long Tasks { get; private set; }
    public long Rejections { get; private set; }
    public double Credit { get; set; }
    public double CosineSum { get; set; }
    public int Audits { get; set; }
    public int? Restarts { get; set; }
    public string? Node { get; set; }

    /// <summary>Its corrected credit, known once the run's ledger is summarised at its end (null before, or without baselines).</summary>
    public double? Corrected { get; set; }

    public void Task(long sequence, TaskDescriptor task, bool rejected, double credit)
    {
        Tasks++;
        if (rejected) Rejections++;
        Credit += credit;
        _sizes ??= new long[task.Dim + 1];
        if (task.Observed.Length < _sizes.Length) _sizes[task.Observed.Length]++;
        var transform = task.TransformName ?? "data domain";
        if (task.Noise > 0) transform += $" + noise σ={task.Noise.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}";
        _transforms[transform] = _transforms.GetValueOrDefault(transform) + 1;
        Sample(sequence);
    }

    // One point per stride of the run's tasks: the newest value in a bucket replaces the bucket's point.
    public void Sample(long sequence)
    {
        var point = new AgentHistoryPoint(sequence, Curves.Finite(Credit), Tasks);
        long bucket = sequence / stride;
        if (bucket == _lastBucket && _history.Count > 0) _history[^1] = point;
        else _history.Add(point);
        _lastBucket = bucket;
    }

    public AgentRow Row(string groupName, double totalCredit, bool ledger) => new(Id, groupName, Tasks,
        ledger ? Curves.Finite(Credit) : null, ledger && totalCredit != 0 ? Curves.Finite(Credit / totalCredit) : null, Corrected,
        Audits > 0 ? CosineSum / Audits : null, Rejections, Restarts, Node ?? "this process");

    public IReadOnlyList<AgentHistoryPoint> History => _history.ToArray();

    public long[]? Sizes => (long[]?)_sizes?.Clone();

    public IReadOnlyDictionary<string, long> Transforms => new Dictionary<string, long>(_transforms);
}
