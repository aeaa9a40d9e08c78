namespace BigLearn.Core.Adaptation;

/// <summary>A menu group as the history records it: its index and name, its families (their specs) and its agents.</summary>
/// <param name="Group">The group's index.</param>
/// <param name="Name">Its name.</param>
/// <param name="Families">Its families' mask specs, in menu order.</param>
/// <param name="Agents">Its agents' ids, ascending.</param>
/// <param name="InitialShares">The menu's shares (normalised).</param>
public sealed record MenuRecord(int Group, string Name, string[] Families, int[] Agents, double[] InitialShares);

/// <summary>An agent's shares over its menu after <paramref name="Task"/> tasks of the run.</summary>
/// <param name="Task">Tasks run.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Shares">Its shares, in menu order.</param>
public sealed record SharesRow(long Task, int AgentId, double[] Shares);

/// <summary>How many tasks of each family a menu group ran in the tasks since the previous row, up to <paramref name="Task"/>.</summary>
/// <param name="Task">Tasks run at the row's end.</param>
/// <param name="Group">The group.</param>
/// <param name="Tasks">Tasks per family in the interval.</param>
public sealed record FamilyTasksRow(long Task, int Group, long[] Tasks);

/// <summary>A pbt copy: after task <paramref name="Task"/>, <paramref name="AgentId"/> took <paramref name="From"/>'s shares, perturbed.</summary>
/// <param name="Task">The task after which the step was made.</param>
/// <param name="AgentId">The agent that copied.</param>
/// <param name="From">The agent copied.</param>
public sealed record CopyEvent(long Task, int AgentId, int From);

/// <summary>
/// How a population's perspectives shifted over a run: each menu agent's shares every <see cref="RecordEvery"/> tasks, the
/// families its group actually ran in each interval, and pbt's copies (docs/adaptation.md, files <c>adaptation*.csv</c>).
/// </summary>
/// <param name="Mode">none, bandit or pbt.</param>
/// <param name="RecordEvery">Tasks between rows.</param>
/// <param name="Menus">The menu groups.</param>
/// <param name="Shares">The shares rows, by task then agent; the first row of each agent is at task 0.</param>
/// <param name="Tasks">The family counts, by task then group.</param>
/// <param name="Copies">Pbt's copies, in order.</param>
public sealed record AdaptationHistory(string Mode, long RecordEvery, MenuRecord[] Menus, SharesRow[] Shares, FamilyTasksRow[] Tasks, CopyEvent[] Copies)
{
    /// <summary>The mean shares of <paramref name="menu"/>'s agents at each recorded task count.</summary>
    public IEnumerable<(long Task, double[] Mean)> MeanShares(MenuRecord menu)
    {
        ArgumentNullException.ThrowIfNull(menu);
        var agents = menu.Agents.ToHashSet();
        foreach (var rows in Shares.Where(r => agents.Contains(r.AgentId)).GroupBy(r => r.Task).OrderBy(g => g.Key))
        {
            var mean = new double[menu.Families.Length];
            int n = 0;
            foreach (var row in rows)
            {
                for (int f = 0; f < mean.Length; f++) mean[f] += row.Shares[f];
                n++;
            }
            yield return (rows.Key, mean.Select(m => m / n).ToArray());
        }
    }

    /// <summary>The tasks <paramref name="menu"/>'s group ran per family over the whole run.</summary>
    public long[] TotalTasks(MenuRecord menu)
    {
        ArgumentNullException.ThrowIfNull(menu);
        var total = new long[menu.Families.Length];
        foreach (var row in Tasks.Where(r => r.Group == menu.Group))
            for (int f = 0; f < total.Length; f++) total[f] += row.Tasks[f];
        return total;
    }
}

/// <summary>
/// Builds an <see cref="AdaptationHistory"/> from the model's task notifications, in task order. Its whole state is a history
/// so far plus the latest shares and the open interval's counts, so a checkpoint can carry it (<see cref="Capture"/>).
/// </summary>
public sealed class AdaptationRecorder
{
    private readonly MenuRecord[] _menus;
    private readonly Dictionary<int, MenuRecord> _menuOfGroup;
    private readonly Dictionary<int, double[]> _current = [];
    private readonly Dictionary<int, long[]> _open = [];
    private readonly List<SharesRow> _shares = [];
    private readonly List<FamilyTasksRow> _tasks = [];
    private readonly List<CopyEvent> _copies = [];
    private readonly string _mode;
    private readonly long _recordEvery, _budget;

    /// <summary>A recorder of <paramref name="menus"/> (at least one) that writes rows every <paramref name="recordEvery"/> tasks and at <paramref name="budget"/>.</summary>
    public AdaptationRecorder(string mode, IReadOnlyList<MenuRecord> menus, long recordEvery, long budget)
    {
        ArgumentNullException.ThrowIfNull(menus);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordEvery, 1);
        if (menus.Count == 0) throw new ArgumentException("at least one menu group is needed", nameof(menus));
        (_mode, _menus, _recordEvery, _budget) = (mode, menus.ToArray(), recordEvery, budget);
        _menuOfGroup = _menus.ToDictionary(m => m.Group);
        foreach (var menu in _menus)
        {
            _open[menu.Group] = new long[menu.Families.Length];
            foreach (int agent in menu.Agents)
            {
                _current[agent] = (double[])menu.InitialShares.Clone();
                _shares.Add(new SharesRow(0, agent, (double[])menu.InitialShares.Clone()));
            }
        }
    }

    /// <summary>
    /// Books task <paramref name="sequence"/> (1-based) of <paramref name="agentId"/> in <paramref name="group"/>, drawn from family
    /// <paramref name="arm"/> (−1: not a menu task), the agent's shares after it (null: unchanged) and pbt's copies after it.
    /// </summary>
    public void Record(long sequence, int agentId, int group, int arm, double[]? shares, IReadOnlyList<CopyEvent>? copies)
    {
        if (arm >= 0 && _open.TryGetValue(group, out var open) && arm < open.Length) open[arm]++;
        if (shares is not null && _current.ContainsKey(agentId)) _current[agentId] = (double[])shares.Clone();
        if (copies is not null) _copies.AddRange(copies);
        if (sequence % _recordEvery == 0 || sequence == _budget) Close(sequence);
    }

    private void Close(long sequence)
    {
        if (_tasks.Count > 0 && _tasks[^1].Task == sequence) return;
        foreach (var menu in _menus)
        {
            _tasks.Add(new FamilyTasksRow(sequence, menu.Group, _open[menu.Group]));
            _open[menu.Group] = new long[menu.Families.Length];
            foreach (int agent in menu.Agents) _shares.Add(new SharesRow(sequence, agent, (double[])_current[agent].Clone()));
        }
    }

    /// <summary>The history so far (the open interval's tasks are not in it until its row closes).</summary>
    public AdaptationHistory History() => new(_mode, _recordEvery, _menus, [.. _shares], [.. _tasks], [.. _copies]);

    /// <summary>Everything the recorder holds, for a checkpoint.</summary>
    public AdaptationRecorderState Capture() => new(History(), _current.OrderBy(c => c.Key).Select(c => new SharesRow(-1, c.Key, (double[])c.Value.Clone())).ToArray(),
        _open.OrderBy(o => o.Key).Select(o => new FamilyTasksRow(-1, o.Key, (long[])o.Value.Clone())).ToArray());

    /// <summary>Continues from <paramref name="state"/>, captured from a recorder of the same menus.</summary>
    /// <exception cref="ArgumentException">The state is of other menus or agents.</exception>
    public void Restore(AdaptationRecorderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var saved = state.History;
        if (saved.Menus.Length != _menus.Length || saved.Menus.Zip(_menus).Any(p => p.First.Group != p.Second.Group
            || !p.First.Families.SequenceEqual(p.Second.Families) || !p.First.Agents.SequenceEqual(p.Second.Agents)))
            throw new ArgumentException("the saved adaptation history is of other menus or agents");
        if (state.Current.Any(c => !_current.TryGetValue(c.AgentId, out var now) || now.Length != c.Shares.Length)
            || state.Open.Any(o => !_open.TryGetValue(o.Group, out var now) || now.Length != o.Tasks.Length))
            throw new ArgumentException("the saved adaptation history does not fit this run's menus");
        _shares.Clear();
        _tasks.Clear();
        _copies.Clear();
        _shares.AddRange(saved.Shares);
        _tasks.AddRange(saved.Tasks);
        _copies.AddRange(saved.Copies);
        foreach (var c in state.Current) _current[c.AgentId] = (double[])c.Shares.Clone();
        foreach (var o in state.Open) _open[o.Group] = (long[])o.Tasks.Clone();
    }
}

/// <summary>An <see cref="AdaptationRecorder"/>'s state: the history so far, each agent's latest shares and the open interval's counts.</summary>
/// <param name="History">Rows so far.</param>
/// <param name="Current">Each agent's latest shares (Task −1).</param>
/// <param name="Open">Each menu group's counts since the last row (Task −1).</param>
public sealed record AdaptationRecorderState(AdaptationHistory History, SharesRow[] Current, FamilyTasksRow[] Open);
