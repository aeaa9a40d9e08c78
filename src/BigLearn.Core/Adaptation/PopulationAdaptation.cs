using BigLearn.Core.Randomness;

namespace BigLearn.Core.Adaptation;

/// <summary>
/// A population that chooses its own perspectives: every adaptive agent holds shares over its group's menu of mask families,
/// and this object moves them from the ledger's credit of each task (docs/adaptation.md). It has no clock and no threads: the
/// model calls <see cref="Observe"/> after every task and <see cref="AfterTask"/> with the task's number, in task order, so a
/// lockstep run adapts identically every time, and <see cref="Capture"/>/<see cref="Restore"/> carry it through checkpoints.
/// </summary>
/// <remarks>
/// <para><b>The signal.</b> A task's raw value is its ΔJ (the fall of the ledger's objective it caused; its advantage over the
/// counterfactual peers when the ledger runs baseline probes). Its signal is that value's rank among the population's last
/// <see cref="AdaptationSettings.Window"/> values, centred: ½ for the best of them, −½ for the worst. Ranking makes the signal
/// comparable across families and across the run (ΔJ shrinks a thousandfold as the model learns) and immune to ΔJ's heavy
/// tails (one task at θ₀ can move J by 26 where a peer's moves it by 1); the window's recent tasks play the baseline that
/// corrected credit gets from probes, at no cost.</para>
/// <para><b>Bandit.</b> Each family's signal is averaged with step α; the shares are
/// (1 − ε)·softmax(average / τ) + ε / M.</para>
/// <para><b>Pbt.</b> Shares stay fixed between steps. Every <see cref="AdaptationSettings.PbtEvery"/> tasks, within each group,
/// the agents are ranked by their mean signal since the previous step; the lowest fraction copy the shares of an agent drawn
/// from the highest fraction and multiply each by exp(σ·N(0, 1)) (explore), then renormalise and mix in the floor. Agents start
/// from the menu's shares perturbed the same way, so the first step has differences to select from.</para>
/// </remarks>
public sealed class PopulationAdaptation
{
    private sealed class Agent(int id, int group, double[] shares)
    {
        public int Id { get; } = id;
        public int Group { get; } = group;
        public double[] Shares = shares;
        public double[] ArmSignals = new double[shares.Length];
        public long[] ArmTasks = new long[shares.Length];
        public double SignalSum;
        public long SignalCount;
    }

    private readonly Dictionary<int, Agent> _agents = [];
    private readonly double[] _window;
    private int _windowCount, _windowNext;
    private readonly Rng _rng;

    /// <summary>An adaptation of <paramref name="agents"/> (at least one) with <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">The settings are out of range, or an agent's shares are not positive and finite.</exception>
    public PopulationAdaptation(AdaptationSettings settings, IEnumerable<AdaptiveAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(agents);
        settings.Validate();
        Settings = settings;
        _window = new double[settings.Window];
        _rng = Rng.ForStream(settings.Seed, -3); // −1 is the model's stream, −2 the ledger's batch
        foreach (var agent in agents.OrderBy(a => a.AgentId))
        {
            if (agent.InitialShares.Length == 0 || agent.InitialShares.Any(s => !(s > 0) || !double.IsFinite(s)))
                throw new ArgumentException($"agent {agent.AgentId}: a menu needs at least one family, every share finite and above 0");
            var shares = Normalise(agent.InitialShares);
            if (settings.Mode == AdaptMode.Pbt) shares = Explore(shares);
            _agents.Add(agent.AgentId, new Agent(agent.AgentId, agent.Group, shares));
        }
    }

    /// <summary>The settings.</summary>
    public AdaptationSettings Settings { get; }

    /// <summary>Pbt copies made so far.</summary>
    public long Copies { get; private set; }

    /// <summary>Whether <paramref name="agentId"/> adapts.</summary>
    public bool Adapts(int agentId) => _agents.ContainsKey(agentId);

    /// <summary>The shares <paramref name="agentId"/> draws its next family with (a copy), or null when it does not adapt.</summary>
    public double[]? SharesOf(int agentId) => _agents.TryGetValue(agentId, out var agent) ? (double[])agent.Shares.Clone() : null;

    /// <summary>Each adaptive agent's family counts so far.</summary>
    public long[]? ArmTasksOf(int agentId) => _agents.TryGetValue(agentId, out var agent) ? (long[])agent.ArmTasks.Clone() : null;

    /// <summary>
    /// Books a task's raw <paramref name="value"/> (ΔJ, or its advantage; NaN or infinite: not measured, nothing is booked)
    /// for <paramref name="agentId"/>, which drew family <paramref name="arm"/> (−1: the agent does not adapt). Returns the
    /// task's signal in [−½, ½], 0 while the window holds fewer than two values, or NaN when nothing was booked.
    /// </summary>
    public double Observe(int agentId, int arm, double value)
    {
        if (!double.IsFinite(value)) return double.NaN;
        double signal = _windowCount < 2 ? 0 : Rank(value);
        _window[_windowNext] = value;
        _windowNext = (_windowNext + 1) % _window.Length;
        _windowCount = Math.Min(_windowCount + 1, _window.Length);
        if (arm < 0 || !_agents.TryGetValue(agentId, out var agent)) return signal;
        if (arm >= agent.Shares.Length) throw new ArgumentOutOfRangeException(nameof(arm), arm, $"agent {agentId}'s menu has {agent.Shares.Length} families");
        agent.ArmTasks[arm]++;
        agent.SignalSum += signal;
        agent.SignalCount++;
        if (Settings.Mode == AdaptMode.Bandit)
        {
            agent.ArmSignals[arm] += Settings.StepSize * (signal - agent.ArmSignals[arm]);
            agent.Shares = Softmax(agent.ArmSignals);
        }
        return signal;
    }

    /// <summary>
    /// Called after task number <paramref name="sequence"/> (1-based): in pbt mode, at every multiple of
    /// <see cref="AdaptationSettings.PbtEvery"/>, makes the exploit/explore step and returns its copies (empty otherwise).
    /// </summary>
    public IReadOnlyList<PbtCopy> AfterTask(long sequence)
    {
        if (Settings.Mode != AdaptMode.Pbt || sequence % Settings.PbtEvery != 0) return [];
        var copies = new List<PbtCopy>();
        foreach (var group in _agents.Values.GroupBy(a => a.Group).OrderBy(g => g.Key))
        {
            // Ties (agents without tasks since the last step) are broken by id, so the ranking never depends on dictionary order.
            var ranked = group.OrderByDescending(a => a.SignalCount == 0 ? 0 : a.SignalSum / a.SignalCount).ThenBy(a => a.Id).ToArray();
            int n = ranked.Length, k = Math.Max(1, (int)Math.Floor(Settings.PbtFraction * n));
            if (n < 2) continue;
            for (int i = n - k; i < n; i++)
            {
                var source = ranked[_rng.NextInt(k)];
                ranked[i].Shares = Explore(source.Shares);
                Array.Copy(source.ArmSignals, ranked[i].ArmSignals, source.ArmSignals.Length);
                copies.Add(new PbtCopy(ranked[i].Id, source.Id));
            }
        }
        foreach (var agent in _agents.Values) (agent.SignalSum, agent.SignalCount) = (0, 0);
        Copies += copies.Count;
        return copies;
    }

    /// <summary>The whole state as plain data.</summary>
    public AdaptationState Capture()
    {
        var window = new double[_windowCount];
        for (int i = 0; i < _windowCount; i++) window[i] = _window[(_windowNext - _windowCount + i + _window.Length) % _window.Length];
        var agents = _agents.Values.OrderBy(a => a.Id).Select(a => new AgentAdaptationState(a.Id, (double[])a.Shares.Clone(),
            (double[])a.ArmSignals.Clone(), (long[])a.ArmTasks.Clone(), a.SignalSum, a.SignalCount)).ToArray();
        return new AdaptationState(agents, window, _rng.State, Copies);
    }

    /// <summary>Continues from <paramref name="state"/>, captured from an adaptation of the same agents and menus.</summary>
    /// <exception cref="ArgumentException">The state is of other agents, menus or a larger window.</exception>
    public void Restore(AdaptationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Window.Length > _window.Length) throw new ArgumentException($"the saved window holds {state.Window.Length} values; this run's holds {_window.Length}");
        var ids = state.Agents.Select(a => a.AgentId).Order().ToArray();
        if (!ids.SequenceEqual(_agents.Keys.Order()))
            throw new ArgumentException($"the saved adaptation is of agents {string.Join(",", ids)}, not {string.Join(",", _agents.Keys.Order())}");
        foreach (var saved in state.Agents)
        {
            var agent = _agents[saved.AgentId];
            int m = agent.Shares.Length;
            if (saved.Shares.Length != m || saved.ArmSignals.Length != m || saved.ArmTasks.Length != m)
                throw new ArgumentException($"agent {saved.AgentId}'s saved menu has {saved.Shares.Length} families; this run's has {m}");
        }
        foreach (var saved in state.Agents)
        {
            var agent = _agents[saved.AgentId];
            agent.Shares = (double[])saved.Shares.Clone();
            agent.ArmSignals = (double[])saved.ArmSignals.Clone();
            agent.ArmTasks = (long[])saved.ArmTasks.Clone();
            (agent.SignalSum, agent.SignalCount) = (saved.SignalSum, saved.SignalCount);
        }
        Array.Clear(_window);
        Array.Copy(state.Window, _window, state.Window.Length);
        _windowCount = state.Window.Length;
        _windowNext = _windowCount % _window.Length;
        _rng.Restore(state.Rng);
        Copies = state.Copies;
    }

    // The centred mid-rank of value among the window: (below + ½·equal) / n − ½.
    private double Rank(double value)
    {
        int below = 0, equal = 0;
        for (int i = 0; i < _windowCount; i++)
        {
            if (_window[i] < value) below++;
            else if (_window[i] == value) equal++;
        }
        return (below + 0.5 * equal) / _windowCount - 0.5;
    }

    private double[] Softmax(double[] signals)
    {
        double max = signals.Max();
        var shares = signals.Select(s => Math.Exp((s - max) / Settings.Temperature)).ToArray();
        return WithFloor(Normalise(shares));
    }

    private double[] Explore(double[] shares) =>
        WithFloor(Normalise(shares.Select(s => s * Math.Exp(Settings.PbtPerturb * _rng.NextGaussian())).ToArray()));

    private double[] WithFloor(double[] shares)
    {
        double floor = Settings.Floor / shares.Length;
        return shares.Select(s => (1 - Settings.Floor) * s + floor).ToArray();
    }

    private static double[] Normalise(double[] shares)
    {
        double total = shares.Sum();
        return shares.Select(s => s / total).ToArray();
    }
}
