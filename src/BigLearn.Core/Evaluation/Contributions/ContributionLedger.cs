namespace BigLearn.Core.Evaluation.Contributions;

/// <summary>
/// Pure bookkeeping of per-agent contributions (docs/contributions.md): every measured task's ΔJ (scaled in sampled mode) is
/// credited to the agent that proposed it; audits' cosines are kept per agent and per group; the cumulative credit
/// of each group is kept as a timeline. Not thread-safe (one observer feeds it).
/// </summary>
public sealed class ContributionLedger
{
    private readonly string[] _groupNames;
    private readonly int[] _groupOfAgent;
    private readonly double[] _agentCredit;
    private readonly long[] _agentMeasured;
    private readonly List<double>[] _agentCosines;
    private readonly double[] _groupCredit;
    private readonly double[] _agentAdvantage;
    private readonly List<int> _taskAgents = [];
    private readonly List<double> _taskAdvantages = [];
    private double _baselineCredit;
    private long _baselinedTasks;
    private readonly List<CreditPoint> _timeline = [];
    private readonly List<AuditPoint> _audits = [];
    private double _sumOfDeltas;

    /// <summary>A ledger for agents 0..N−1 in the groups <paramref name="groupOfAgent"/> (indices into <paramref name="groupNames"/>).</summary>
    public ContributionLedger(IReadOnlyList<string> groupNames, IReadOnlyList<int> groupOfAgent, ContributionSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _groupNames = groupNames.ToArray();
        _groupOfAgent = groupOfAgent.ToArray();
        Schedule = schedule;
        _agentCredit = new double[_groupOfAgent.Length];
        _agentMeasured = new long[_groupOfAgent.Length];
        _agentCosines = _groupOfAgent.Select(_ => new List<double>()).ToArray();
        _groupCredit = new double[_groupNames.Length];
        _agentAdvantage = new double[_groupOfAgent.Length];
    }

    /// <summary>When the model measures.</summary>
    public ContributionSchedule Schedule { get; }

    /// <summary>J(θ₀): J before the first measured task (NaN until then).</summary>
    public double InitialObjective { get; private set; } = double.NaN;

    /// <summary>J after the latest measured task (NaN until then).</summary>
    public double LatestObjective { get; private set; } = double.NaN;

    /// <summary>Tasks recorded (measured or not).</summary>
    public long Tasks { get; private set; }

    /// <summary>Tasks whose ΔJ was measured.</summary>
    public long MeasuredTasks { get; private set; }

    /// <summary>Measured tasks that had a baseline (a typical peer's ΔJ); without any, there is no corrected credit.</summary>
    public long BaselinedTasks => _baselinedTasks;

    /// <summary>Σ of all credits booked.</summary>
    public double TotalCredit => _agentCredit.Sum();

    /// <summary>Books task number <paramref name="sequence"/> (1-based) of <paramref name="agentId"/>.</summary>
    public void Record(long sequence, int agentId, TaskContribution? contribution)
    {
        if ((uint)agentId >= (uint)_agentCredit.Length) throw new ArgumentOutOfRangeException(nameof(agentId), agentId, $"the ledger has agents 0..{_agentCredit.Length - 1}");
        Tasks++;
        if (contribution is null) return;
        if (contribution.Audit.Count > 0)
        {
            var byGroup = new double[_groupNames.Length];
            var counts = new int[_groupNames.Length];
            foreach (var a in contribution.Audit)
            {
                if (!double.IsFinite(a.Cosine) || (uint)a.AgentId >= (uint)_agentCosines.Length) continue;
                _agentCosines[a.AgentId].Add(a.Cosine);
                byGroup[a.Group] += a.Cosine;
                counts[a.Group]++;
            }
            _audits.Add(new AuditPoint(sequence - 1, byGroup.Select((s, g) => counts[g] > 0 ? s / counts[g] : double.NaN).ToArray()));
        }
        if (!contribution.Measured) return;
        if (MeasuredTasks == 0) InitialObjective = contribution.ObjectiveBefore;
        LatestObjective = contribution.ObjectiveAfter;
        MeasuredTasks++;
        _sumOfDeltas += contribution.Delta;
        _agentCredit[agentId] += contribution.Credit;
        _agentMeasured[agentId]++;
        _groupCredit[_groupOfAgent[agentId]] += contribution.Credit;
        _agentAdvantage[agentId] += contribution.Advantage;
        _baselineCredit += contribution.BaselineCredit;
        if (double.IsFinite(contribution.Baseline)) _baselinedTasks++;
        _taskAgents.Add(agentId);
        _taskAdvantages.Add(contribution.Advantage);
        _timeline.Add(new CreditPoint(sequence, (double[])_groupCredit.Clone(), contribution.ObjectiveAfter));
    }

    /// <summary>Everything booked so far, as a copy that later records do not change (for checkpoints).</summary>
    public LedgerState CaptureState() => new(Tasks, MeasuredTasks, InitialObjective, LatestObjective, _sumOfDeltas,
        (double[])_agentCredit.Clone(), (long[])_agentMeasured.Clone(), _agentCosines.Select(c => c.ToArray()).ToArray(),
        (double[])_groupCredit.Clone(), _timeline.Select(Copy).ToArray(), _audits.Select(Copy).ToArray(),
        (double[])_agentAdvantage.Clone(), _baselineCredit, _baselinedTasks, _taskAgents.ToArray(), _taskAdvantages.ToArray());

    /// <summary>
    /// Replaces everything booked with <paramref name="state"/> (a <see cref="CaptureState"/> of a ledger with the same
    /// agents and groups), so that later records continue exactly as they would have in the captured ledger.
    /// </summary>
    /// <exception cref="ArgumentException">The state is for other agents or groups, or is inconsistent.</exception>
    public void Restore(LedgerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Validate(state);
        state.AgentCredit.CopyTo(_agentCredit, 0);
        state.AgentMeasured.CopyTo(_agentMeasured, 0);
        for (int a = 0; a < _agentCosines.Length; a++)
        {
            _agentCosines[a].Clear();
            _agentCosines[a].AddRange(state.AgentCosines[a]);
        }
        state.GroupCredit.CopyTo(_groupCredit, 0);
        state.AgentAdvantage.CopyTo(_agentAdvantage, 0);
        _baselineCredit = state.BaselineCredit;
        _baselinedTasks = state.BaselinedTasks;
        _taskAgents.Clear();
        _taskAgents.AddRange(state.TaskAgents);
        _taskAdvantages.Clear();
        _taskAdvantages.AddRange(state.TaskAdvantages);
        _timeline.Clear();
        _timeline.AddRange(state.Timeline.Select(Copy));
        _audits.Clear();
        _audits.AddRange(state.Audits.Select(Copy));
        _sumOfDeltas = state.SumOfDeltas;
        Tasks = state.Tasks;
        MeasuredTasks = state.MeasuredTasks;
        InitialObjective = state.InitialObjective;
        LatestObjective = state.LatestObjective;
    }

    /// <summary>The current credit of every agent, highest first (ties by id).</summary>
    public IReadOnlyList<(int AgentId, string Group, double Credit)> Ranking() =>
        Enumerable.Range(0, _agentCredit.Length).OrderByDescending(a => _agentCredit[a]).ThenBy(a => a)
            .Select(a => (a, _groupNames[_groupOfAgent[a]], _agentCredit[a])).ToArray();

    /// <summary>
    /// Everything as plain data (for reports): agents, groups, the credit timeline and the audits, with the corrected credits
    /// (<see cref="CorrectedCredits"/>) and each group's permutation test.
    /// </summary>
    public ContributionSummary Snapshot()
    {
        double total = TotalCredit;
        var tests = Enumerable.Range(0, _groupNames.Length).Select(GroupTest).ToArray();
        var corrected = CorrectedCredits(tests);
        var agents = Enumerable.Range(0, _agentCredit.Length).Select(a => new AgentContribution(a, _groupNames[_groupOfAgent[a]],
            _agentCredit[a], Share(_agentCredit[a], total), Mean(_agentCosines[a]), _agentCosines[a].Count, _agentMeasured[a])
        {
            Advantage = _agentAdvantage[a],
            CorrectedCredit = corrected[a],
        }).ToArray();
        var groups = _groupNames.Select((name, g) =>
        {
            var members = Enumerable.Range(0, _agentCosines.Length).Where(a => _groupOfAgent[a] == g).ToArray();
            var cosines = members.SelectMany(a => _agentCosines[a]).ToList();
            return new GroupContribution(name, _groupCredit[g], Share(_groupCredit[g], total), Mean(cosines), cosines.Count,
                members.Sum(a => _agentMeasured[a]))
            {
                CreditCv = PermutationTest.CoefficientOfVariation(members.Select(a => _agentCredit[a]).ToArray()),
                CorrectedCv = PermutationTest.CoefficientOfVariation(members.Select(a => corrected[a]).ToArray()),
                AgentsDifferP = tests[g].P,
                Shrinkage = tests[g].Shrinkage,
            };
        }).ToArray();        return new ContributionSummary(Schedule.Objective.Name, Schedule.Objective.Samples, Schedule.Every, Schedule.AuditEvery,
            Tasks, MeasuredTasks, InitialObjective, LatestObjective, total, _sumOfDeltas, agents, groups, _timeline.ToArray(), _audits.ToArray())
        {
            BaselineProbes = Schedule.BaselineProbes,
        };
    }

    /// <summary>
    /// Each agent's corrected credit (docs/contributions.md, "Corrected credit"), in three parts: a typical peer's credit for as many
    /// tasks (its measured tasks × the mean baseline credit of all measured tasks), its group's advantage over typical peers per
    /// task × its tasks, and its own deviation from that group mean kept by the group's <see cref="AgentDifference.Shrinkage"/>.
    /// Exchangeable agents, whose spread is what chance gives, thus get equal credit per task; agents that differ more than chance
    /// keep their difference. The corrected credits sum to the total credit, as the raw ones do. All NaN when no task had a baseline
    /// (<c>ledger.baseline-probes = 0</c>, or a runner that cannot run counterfactual tasks): there is then nothing to correct by.
    /// </summary>
    public double[] CorrectedCredits(IReadOnlyList<AgentDifference> groupTests)
    {
        ArgumentNullException.ThrowIfNull(groupTests);
        if (_baselinedTasks == 0) return Enumerable.Repeat(double.NaN, _agentAdvantage.Length).ToArray();
        double typical = MeasuredTasks > 0 ? _baselineCredit / MeasuredTasks : 0;
        var groupAdvantage = new double[_groupNames.Length];
        var groupTasks = new long[_groupNames.Length];
        for (int a = 0; a < _agentAdvantage.Length; a++)
        {
            groupAdvantage[_groupOfAgent[a]] += _agentAdvantage[a];
            groupTasks[_groupOfAgent[a]] += _agentMeasured[a];
        }
        return Enumerable.Range(0, _agentAdvantage.Length).Select(a =>
        {
            int g = _groupOfAgent[a];
            double perTask = groupTasks[g] > 0 ? groupAdvantage[g] / groupTasks[g] : 0;
            double deviation = _agentAdvantage[a] - _agentMeasured[a] * perTask;
            return _agentMeasured[a] * (typical + perTask) + groupTests[g].Shrinkage * deviation;
        }).ToArray();
    }

    /// <summary>The permutation test of group <paramref name="group"/>'s task advantages over its agents, seeded from J's seed.</summary>
    public AgentDifference GroupTest(int group)
    {
        if (_baselinedTasks == 0) return AgentDifference.None;
        var tasks = Enumerable.Range(0, _taskAgents.Count).Where(i => _groupOfAgent[_taskAgents[i]] == group).ToArray();
        return PermutationTest.AgentsDiffer(tasks.Select(i => _taskAgents[i]).ToArray(), tasks.Select(i => _taskAdvantages[i]).ToArray(),
            Schedule.Objective.Seed + group);
    }

    private void Validate(LedgerState state)
    {
        int agents = _agentCredit.Length, groups = _groupCredit.Length;
        if (state.AgentCredit is null || state.AgentMeasured is null || state.AgentCosines is null || state.GroupCredit is null
            || state.Timeline is null || state.Audits is null || state.AgentAdvantage is null || state.TaskAgents is null || state.TaskAdvantages is null)
            throw new ArgumentException("the ledger state lacks one of its arrays", nameof(state));
        if (state.AgentCredit.Length != agents || state.AgentMeasured.Length != agents || state.AgentCosines.Length != agents
            || state.AgentCosines.Any(c => c is null) || state.AgentAdvantage.Length != agents || state.TaskAgents.Any(a => (uint)a >= (uint)agents))
            throw new ArgumentException($"the ledger state is for {state.AgentCredit.Length} agents, this ledger has {agents}", nameof(state));
        if (state.GroupCredit.Length != groups
            || state.Timeline.Any(p => p?.GroupCredit?.Length != groups) || state.Audits.Any(p => p?.GroupAlignment?.Length != groups))
            throw new ArgumentException($"the ledger state is for {state.GroupCredit.Length} groups, this ledger has {groups}", nameof(state));
        // One timeline point per measured task, and every measured task belongs to one agent (see Record).
        if (state.Tasks < 0 || state.MeasuredTasks < 0 || state.MeasuredTasks > state.Tasks || state.Timeline.Length != state.MeasuredTasks
            || state.AgentMeasured.Sum() != state.MeasuredTasks || state.BaselinedTasks < 0 || state.BaselinedTasks > state.MeasuredTasks || state.TaskAgents.Length != state.MeasuredTasks || state.TaskAdvantages.Length != state.MeasuredTasks)
            throw new ArgumentException(
                $"the ledger state is inconsistent: {state.Tasks} tasks, {state.MeasuredTasks} measured, {state.Timeline.Length} timeline points, "
                + $"{state.AgentMeasured.Sum()} measured by agents", nameof(state));
    }

    private static CreditPoint Copy(CreditPoint point) => point with { GroupCredit = (double[])point.GroupCredit.Clone() };

    private static AuditPoint Copy(AuditPoint point) => point with { GroupAlignment = (double[])point.GroupAlignment.Clone() };

    private static double Share(double credit, double total) => total != 0 && double.IsFinite(total) ? credit / total : double.NaN;

    private static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Average();
}
