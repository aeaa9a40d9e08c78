using BigLearn.Core.Adaptation;
using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Actors.Population;

/// <summary>How the model actor chooses among pending proposals.</summary>
public enum SchedulingMode
{
    /// <summary>
    /// Deterministic whatever the thread timing: the model picks only when every active agent has all its
    /// credits spent on pending proposals, and draws its choice from its own seeded stream.
    /// </summary>
    Lockstep,

    /// <summary>The model picks as soon as anything is pending (maximum throughput, timing-dependent order).</summary>
    Free,
}

/// <summary>
/// A stretch of the run, [FromTask, UntilTask) in tasks done, during which the same groups are active.
/// </summary>
/// <param name="FromTask">Tasks done when the phase begins.</param>
/// <param name="UntilTask">Tasks done when it ends (exclusive).</param>
/// <param name="ActiveGroups">Indices of the active groups, ascending.</param>
public sealed record ActivationPhase(long FromTask, long UntilTask, int[] ActiveGroups);

/// <summary>
/// The whole population of a run: the seed every agent's stream derives from, the task budget, the credits
/// (proposals an agent may have outstanding), the scheduling mode, the groups (agents are numbered 0..N−1
/// across groups in order) and how often the model evaluates (every <see cref="EvaluateEvery"/> tasks; 0 = never).
/// </summary>
public sealed record PopulationSpec
{
    /// <summary>Builds and validates a population (also that some group is active at every point of the budget).</summary>
    public PopulationSpec(long seed, long budgetTasks, IReadOnlyList<GroupSpec> groups,
        SchedulingMode mode = SchedulingMode.Lockstep, int credits = 1, long evaluateEvery = 0)
    {
        if (budgetTasks < 1) throw new PopulationSpecException("population.budget-tasks", budgetTasks, "must be at least 1");
        if (credits < 1) throw new PopulationSpecException("population.credits", credits, "must be at least 1");
        if (!Enum.IsDefined(mode)) throw new PopulationSpecException("population.scheduling", mode, "must be lockstep or free");
        if (evaluateEvery < 0) throw new PopulationSpecException("population.evaluate-every", evaluateEvery, "must be 0 (never) or a positive task count");
        if (groups is null || groups.Count == 0) throw new PopulationSpecException("population.groups", "(none)", "at least one group is required");
        var duplicate = groups.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new PopulationSpecException("population.groups", duplicate.Key, "group names must be unique");
        Seed = seed;
        BudgetTasks = budgetTasks;
        Groups = groups.ToArray();
        Mode = mode;
        Credits = credits;
        EvaluateEvery = evaluateEvery;
        Phases = ComputePhases();
    }

    /// <summary>The experiment seed (agent a draws from <c>Rng.ForStream(Seed, a)</c>).</summary>
    public long Seed { get; }

    /// <summary>Tasks the run executes (rejected tasks included).</summary>
    public long BudgetTasks { get; }

    /// <summary>The groups, in agent-numbering order.</summary>
    public IReadOnlyList<GroupSpec> Groups { get; }

    /// <summary>Lockstep (deterministic) or free (fast).</summary>
    public SchedulingMode Mode { get; }

    /// <summary>Proposals an agent may have outstanding at once.</summary>
    public int Credits { get; }

    /// <summary>Evaluate the model after every this many tasks (0: never).</summary>
    public long EvaluateEvery { get; }

    /// <summary>
    /// Proposals of different agents the model applies together as one step on the sum of their losses (<c>model.batch</c>;
    /// 1, the default, runs one task at a time as the paper does).
    /// </summary>
    public int Batch
    {
        get => _batch;
        init => _batch = value >= 1 ? value : throw new PopulationSpecException("model.batch", value, "must be at least 1");
    }

    private readonly int _batch = 1;

    /// <summary>When the model measures per-agent contributions (null: never; see <see cref="ContributionSchedule"/>).</summary>
    public ContributionSchedule? Contributions { get; init; }

    /// <summary>
    /// How the agents of menu groups (<see cref="GroupSpec.Menu"/>) adapt their shares (null or <see cref="AdaptMode.None"/>: they
    /// draw with the menu's shares throughout). Adapting needs the ledger's ΔJ of every task: <see cref="Contributions"/> set.
    /// </summary>
    public AdaptationSettings? Adaptation { get; init; }

    /// <summary>The model's adaptation plan: the settings and every menu group's agents; null when nothing adapts.</summary>
    /// <exception cref="PopulationSpecException">The population adapts without a ledger, or without a menu group.</exception>
    public Model.AdaptationPlan? AdaptationPlan()
    {
        if (Adaptation is not { Mode: not AdaptMode.None } settings) return null;
        string mode = settings.Mode.ToString().ToLowerInvariant();
        if (Contributions is null)
            throw new PopulationSpecException("ledger.every", 0, $"population.adapt = {mode} steers by the ledger's ΔJ of each task; set ledger.every ≥ 1");
        var agents = new List<AdaptiveAgent>();
        int id = 0;
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            for (int i = 0; i < group.Count; i++, id++)
                if (group.Menu is { } menu) agents.Add(new AdaptiveAgent(id, g, menu.Weights.ToArray()));
        }
        if (agents.Count == 0)
            throw new PopulationSpecException("population.adapt", mode, "needs a group with a menu (groups.<name>.menu = [ ... ]) to adapt");
        return new Model.AdaptationPlan(settings, agents.ToArray());
    }

    /// <summary>The stretches of the budget with a constant set of active groups, in order, covering [0, budget).</summary>
    public IReadOnlyList<ActivationPhase> Phases { get; }

    /// <summary>Total number of agents.</summary>
    public int AgentCount => Groups.Sum(g => g.Count);

    /// <summary>The group index of each agent id (0..N−1 across groups in order).</summary>
    public int[] GroupOfAgents() => Groups.SelectMany((g, index) => Enumerable.Repeat(index, g.Count)).ToArray();

    private ActivationPhase[] ComputePhases()
    {
        var boundaries = new SortedSet<long> { 0, BudgetTasks };
        foreach (var group in Groups)
        {
            boundaries.Add(FirstTaskCountReaching(group.Start));
            boundaries.Add(FirstTaskCountReaching(group.Stop));
        }
        var points = boundaries.Where(b => b >= 0 && b <= BudgetTasks).ToArray();
        var phases = new List<ActivationPhase>();
        for (int i = 0; i + 1 < points.Length; i++)
        {
            // Activity is a window in tasks done, so it is constant between consecutive boundaries.
            var active = Enumerable.Range(0, Groups.Count).Where(g => Groups[g].IsActiveAt(points[i], BudgetTasks)).ToArray();
            if (active.Length == 0)
                throw new PopulationSpecException("population.groups", $"tasks {points[i]}..{points[i + 1] - 1}",
                    "no group is active there; the groups' [start, stop) windows must cover the whole budget");
            phases.Add(new ActivationPhase(points[i], points[i + 1], active));
        }
        return phases.ToArray();
    }

    // The smallest n in [0, budget] with n / budget ≥ fraction, found with the same floating-point test as
    // GroupSpec.IsActiveAt so that the phases agree with it exactly.
    private long FirstTaskCountReaching(double fraction)
    {
        long n = Math.Clamp((long)Math.Ceiling(fraction * BudgetTasks), 0, BudgetTasks);
        while (n > 0 && (double)(n - 1) / BudgetTasks >= fraction) n--;
        while (n < BudgetTasks && (double)n / BudgetTasks < fraction) n++;
        return n;
    }
}
