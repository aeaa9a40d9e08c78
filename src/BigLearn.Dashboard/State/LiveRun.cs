using System.Diagnostics;
using BigLearn.Actors.Population;
using BigLearn.Hosting.Running;

namespace BigLearn.Dashboard.State;

/// <summary>
/// A run of this process as the dashboard sees it, kept up to date by its subscriber actor (<see cref="DashboardFeed"/>) and
/// read by the web endpoints. Every write and read takes one short lock; nothing here ever waits on the model.
/// </summary>
public sealed partial class LiveRun : RunView
{
    private const int MaxEvents = 40;
    private readonly Lock _lock = new();
    private readonly TappedRun _run;
    private readonly PopulationSpec _spec;
    private readonly string[] _groupNames;
    private readonly AgentTrack[] _agents;
    private readonly long[] _groupTasks;
    private readonly double[] _groupCredit;
    private readonly double[] _shares;
    private readonly List<EvaluationPoint> _evaluations = [];
    private readonly List<GroupCreditPoint> _credit = [];
    private readonly List<RunEvent> _events = [];
    private readonly Dictionary<string, double?> _figures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _stride;
    private readonly bool _ledger;
    private IReadOnlyDictionary<string, double>? _latestValues;
    private long _latestTasks = -1;
    private long _tasks;
    private long _lastCreditBucket = -1;
    private int _phase = -1;
    private string _status = "waiting";
    private string? _message;
    private bool _ended;

    /// <summary>A live view of <paramref name="run"/> with id <paramref name="id"/>; <paramref name="controls"/> act on it.</summary>
    public LiveRun(string id, TappedRun run, IRunControls? controls) : base(id)
    {
        _run = run;
        Controls = controls;
        _spec = run.Experiment.Run.Population;
        _groupNames = _spec.Groups.Select(g => g.Name).ToArray();
        _ledger = run.Experiment.Run.Ledger is not null;
        // About a thousand credit points and a few hundred per agent, whatever the budget.
        _stride = Math.Max(1, _spec.BudgetTasks / 1000);
        var groupOf = _spec.GroupOfAgents();
        _agents = groupOf.Select((g, id) => new AgentTrack(id, g, Math.Max(1, _spec.BudgetTasks / 300))).ToArray();
        _groupTasks = new long[_groupNames.Length];
        _groupCredit = new double[_groupNames.Length];
        _shares = _spec.Groups.Select(g => g.Share).ToArray();
        _tasks = run.TasksDone;
        foreach (var e in run.Earlier) AddEvaluation(e.TasksRun, e.Seconds, e.Values);
        if (run.Ledger is { } ledger) RestoreLedger(ledger);
        _credit.Add(new GroupCreditPoint(_tasks, (double[])_groupCredit.Clone()));
    }

    /// <inheritdoc />
    public override IRunControls? Controls { get; }

    /// <summary>The run this view shows.</summary>
    public TappedRun Run => _run;

    /// <inheritdoc />
    public override RunListItem Describe()
    {
        lock (_lock) return new RunListItem(Id, _run.Experiment.Run.Experiment, _run.Experiment.ModelKind.Name, _status, true);
    }

    /// <inheritdoc />
    public override RunSnapshot Snapshot(int evaluationsFrom, int creditFrom)
    {
        lock (_lock)
        {
            double total = _agents.Sum(a => a.Credit);
            var eFrom = Math.Clamp(evaluationsFrom, 0, _evaluations.Count);
            var cFrom = Math.Clamp(creditFrom, 0, _credit.Count);
            var credit = _credit.Skip(cFrom).ToList();
            // The newest credit, between two sampled points, is sent as the last point but not counted as sent.
            return new RunSnapshot
            {
                Id = Id,
                Experiment = _run.Experiment.Run.Experiment,
                Kind = _run.Experiment.ModelKind.Name,
                Title = _run.Experiment.ModelKind.Title,
                Folder = _run.Folder,
                Live = true,
                Status = _status,
                Message = _message,
                Budget = _spec.BudgetTasks,
                TasksDone = _tasks,
                Phase = PhaseText(),
                Seconds = _clock.Elapsed.TotalSeconds,
                Controllable = Controls is not null && !_ended,
                HasLedger = _ledger,
                Groups = Groups(),
                Agents = _agents.Select(a => a.Row(_groupNames[a.Group], total, _ledger)).ToArray(),
                Curves = Curves.For(_run.Experiment.ModelKind.Name, _valueNames),
                EvaluationsFrom = eFrom,
                Evaluations = _evaluations.Skip(eFrom).ToArray(),
                CreditFrom = cFrom,
                Credit = credit,
                Figures = new Dictionary<string, double?>(_figures),
                Pictures = PictureRefs(),
                Events = _events.ToArray(),
            };
        }
    }

    /// <inheritdoc />
    public override AgentDetail? Agent(int id)
    {
        lock (_lock)
        {
            if (id < 0 || id >= _agents.Length) return null;
            var agent = _agents[id];
            return new AgentDetail
            {
                Row = agent.Row(_groupNames[agent.Group], _agents.Sum(a => a.Credit), _ledger),
                Masks = _run.Experiment.Run.Masks[agent.Group],
                History = agent.History,
                ObservedSizes = agent.Sizes,
                Transforms = agent.Transforms,
            };
        }
    }

    private GroupRow[] Groups() => _spec.Groups.Select((g, i) => new GroupRow(i, g.Name, _run.Experiment.Run.Masks[i], g.Count, _shares[i],
        _groupTasks[i], _ledger ? Curves.Finite(_groupCredit[i]) : null, g.IsActiveAt(Math.Min(_tasks, _spec.BudgetTasks - 1), _spec.BudgetTasks),
        $"{g.Start:0.###}–{g.Stop:0.###}")).ToArray();

    private string PhaseText()
    {
        var phases = _spec.Phases;
        int index = PhaseAt(_tasks);
        var phase = phases[index];
        return $"phase {index + 1} of {phases.Count}: tasks {phase.FromTask}–{phase.UntilTask - 1}, active {string.Join(", ", phase.ActiveGroups.Select(g => _groupNames[g]))}";
    }

    private int PhaseAt(long tasks)
    {
        var phases = _spec.Phases;
        for (int i = 0; i < phases.Count; i++)
            if (tasks < phases[i].UntilTask) return i;
        return phases.Count - 1;
    }

    private void Event(string text)
    {
        _events.Add(new RunEvent(_tasks, text));
        if (_events.Count > MaxEvents) _events.RemoveAt(0);
    }
}
