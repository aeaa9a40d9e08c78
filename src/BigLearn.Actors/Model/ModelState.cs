using Akka.Actor;
using BigLearn.Actors.Population;
using BigLearn.Core.Adaptation;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;

namespace BigLearn.Actors.Model;

/// <summary>How the model actor is run: seed of its choice stream, credits, mode, group shares, evaluation period.</summary>
/// <param name="Seed">Seed of the model's own stream (its choices among groups).</param>
/// <param name="Credits">Proposals an agent may have pending at once.</param>
/// <param name="Mode">Lockstep (deterministic) or free.</param>
/// <param name="GroupShares">Weight of each group, indexed by group.</param>
/// <param name="EvaluateEvery">Evaluate after every this many tasks (0: never).</param>
/// <param name="Contributions">When to measure per-agent contributions (null: never).</param>
/// <param name="Batch">Proposals of different agents applied together as one summed step (1: one task at a time, the paper's semantics).</param>
public sealed record ModelSettings(long Seed, int Credits, SchedulingMode Mode, double[] GroupShares, long EvaluateEvery = 0,
    ContributionSchedule? Contributions = null, int Batch = 1)
{
    /// <summary>The settings of a population's model.</summary>
    public static ModelSettings From(PopulationSpec spec) =>
        new(spec.Seed, spec.Credits, spec.Mode, spec.Groups.Select(g => g.Share).ToArray(), spec.EvaluateEvery, spec.Contributions, spec.Batch)
        {
            Adaptation = spec.AdaptationPlan(),
        };

    /// <summary>
    /// A local folder where a runner that keeps its state in files (<see cref="Core.Training.IStateFileRunner"/>) writes it at a
    /// checkpoint; only the folder's path travels in the checkpoint message. Null: such a runner's state is not checkpointed.
    /// </summary>
    public string? StateFolder { get; init; }

    /// <summary>How the population adapts its perspectives and which agents do (null: it does not; docs/adaptation.md).</summary>
    public AdaptationPlan? Adaptation { get; init; }
}

/// <summary>The adaptation a model runs: its settings and the agents that hold menus.</summary>
/// <param name="Settings">Mode and knobs.</param>
/// <param name="Agents">Every agent of a menu group, with the menu's shares.</param>
public sealed record AdaptationPlan(AdaptationSettings Settings, AdaptiveAgent[] Agents);

/// <summary>
/// A proposal waiting in the model, with who sent it and the task rebuilt from its descriptor. Its age is what
/// "oldest" compares first: the model's task count at arrival in lockstep, the arrival number in free mode.
/// </summary>
internal sealed class PendingProposal(long age, long arrival, IActorRef agent, ModelProtocol.Propose proposal, LearningTask task)
{
    internal long Age { get; } = age;
    internal long Arrival { get; } = arrival;
    internal IActorRef Agent { get; } = agent;
    internal ModelProtocol.Propose Proposal { get; } = proposal;
    internal LearningTask Task { get; } = task;
}

/// <summary>
/// Oldest first. In lockstep every proposal that arrives between two picks sees the same task count, so ties are
/// broken by agent id and proposal id, never by the (timing-dependent) arrival order.
/// </summary>
internal sealed class OldestFirst : IComparer<PendingProposal>
{
    public static OldestFirst Instance { get; } = new();

    public int Compare(PendingProposal? x, PendingProposal? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int c = x.Age.CompareTo(y.Age);
        if (c == 0) c = x.Proposal.AgentId.CompareTo(y.Proposal.AgentId);
        if (c == 0) c = x.Proposal.ProposalId.CompareTo(y.Proposal.ProposalId);
        return c != 0 ? c : x.Arrival.CompareTo(y.Arrival);
    }
}

/// <summary>
/// The model actor's bookkeeping: pending proposals per agent and per group, the active set, the counters and
/// the choice stream. Like an agent's state it lives outside the actor instance (captured in the Props), so a
/// restarted model keeps its queue and its counts; only the runner is rebuilt. Opaque outside this assembly
/// (public only because the model actor's constructor takes it).
/// </summary>
public sealed partial class ModelState
{
    private sealed class AgentSlot
    {
        public bool Active;
        public readonly List<PendingProposal> Pending = [];

        // The highest proposal id of this agent that was picked to run. An agent numbers its proposals in order and the
        // model runs them in order, so an id at or below it has run: a proposal delivered twice is never applied twice.
        public long LastRun = -1;
    }

    private readonly Dictionary<int, AgentSlot> _agents = [];

    // Agents' last run proposal ids from a checkpoint, for those not active at it (their slots appear when they are).
    private readonly Dictionary<int, long> _restoredLastRun = [];
    private readonly SortedSet<PendingProposal>[] _queues;
    private int _activeAgents;
    private int _fullAgents; // active agents whose every credit is pending here
    private int _live;
    private long _arrivals;

    internal ModelState(ModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Credits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Batch, 1);
        if (settings.GroupShares.Length == 0 || settings.GroupShares.Any(s => !(s > 0) || double.IsInfinity(s)))
            throw new ArgumentException("every group share must be a finite number greater than 0", nameof(settings));
        Settings = settings;
        // Stream id −1: agents use ids 0..N−1 of the same seed, so the model's stream is distinct from all of theirs.
        Rng = Rng.ForStream(settings.Seed, -1);
        _queues = settings.GroupShares.Select(_ => new SortedSet<PendingProposal>(OldestFirst.Instance)).ToArray();
        _shares = (double[])settings.GroupShares.Clone();
        if (settings.Adaptation is { Settings.Mode: not AdaptMode.None } plan) Adaptation = new PopulationAdaptation(plan.Settings, plan.Agents);
    }

    /// <summary>The population's adaptation, or null when it does not adapt (lives here so that restarts and checkpoints keep it).</summary>
    internal PopulationAdaptation? Adaptation { get; }

    internal ModelSettings Settings { get; }
    internal Rng Rng { get; }
    internal long RunUntil { get; private set; }
    internal long TasksRun { get; set; }
    internal long AppliedTasks { get; set; }
    internal long Rejections { get; set; }
    internal long Refusals { get; private set; }
    internal long Withdrawals { get; private set; }
    internal int Restarts { get; set; }
    internal int Pending => _live;

    /// <summary>The proposals being run right now (so that a crash can answer them); empty between tasks.</summary>
    internal IReadOnlyList<PendingProposal> Running { get; set; } = [];

    /// <summary>
    /// Queues the proposal, or returns why it is not run: <paramref name="withdrawn"/> is true when its agent was
    /// deactivated (it is handed back like the proposals that were pending then), false when it is refused.
    /// </summary>
    internal string? Accept(ModelProtocol.Propose proposal, IActorRef agent, out bool withdrawn)
    {
        withdrawn = false;
        if (_agents.TryGetValue(proposal.AgentId, out var known) && !known.Active)
        {
            // A proposal sent before the agent heard of its deactivation: whether it arrives before or after the
            // deactivation must not matter (lockstep runs are compared byte for byte), so it is withdrawn either way.
            Withdrawals++;
            withdrawn = true;
            return "the agent was deactivated";
        }
        string? reason = Check(proposal, out var slot, out var task);
        if (reason is not null)
        {
            Refusals++;
            return reason;
        }
        long arrival = _arrivals++;
        var pending = new PendingProposal(Settings.Mode == SchedulingMode.Lockstep ? TasksRun : arrival, arrival, agent, proposal, task!);
        slot!.Pending.Add(pending);
        if (slot.Pending.Count == Settings.Credits) _fullAgents++;
        _queues[proposal.Group].Add(pending);
        _live++;
        return null;
    }

    private string? Check(ModelProtocol.Propose proposal, out AgentSlot? slot, out LearningTask? task)
    {
        task = null;
        if (!_agents.TryGetValue(proposal.AgentId, out slot) || !slot.Active) return $"agent {proposal.AgentId} is not active";
        if (proposal.Group < 0 || proposal.Group >= _queues.Length) return $"group {proposal.Group} is unknown (the model has {_queues.Length})";
        if (proposal.InnerSteps < 1) return $"inner steps {proposal.InnerSteps} must be at least 1";
        if (proposal.ProposalId <= slot.LastRun)
            return $"proposal {proposal.ProposalId} of agent {proposal.AgentId} was already run (a proposal runs at most once)";
        if (slot.Pending.Any(p => p.Proposal.ProposalId == proposal.ProposalId))
            return $"proposal {proposal.ProposalId} of agent {proposal.AgentId} is already pending (a proposal runs at most once)";
        if (slot.Pending.Count >= Settings.Credits) return $"agent {proposal.AgentId} already has {slot.Pending.Count} of {Settings.Credits} credits pending";
        try
        {
            task = proposal.Task.ToLearningTask();
        }
        catch (ArgumentException e)
        {
            return $"invalid task: {e.Message}";
        }
        return null;
    }

    /// <summary>The proposals waiting now, oldest first within each group (for contribution audits).</summary>
    internal IEnumerable<PendingProposal> PendingProposals() => _queues.SelectMany(q => q);

    /// <summary>Sets the active agents and the task count to run up to; returns the withdrawn proposals.</summary>
    internal IReadOnlyList<PendingProposal> SetActive(IReadOnlyCollection<int> agentIds, long runUntil)
    {
        RunUntil = runUntil;
        var active = agentIds.ToHashSet();
        var withdrawn = new List<PendingProposal>();
        foreach (var (id, slot) in _agents)
        {
            if (!slot.Active || active.Contains(id)) continue;
            if (slot.Pending.Count == Settings.Credits) _fullAgents--;
            foreach (var pending in slot.Pending)
            {
                _queues[pending.Proposal.Group].Remove(pending);
                _live--;
                withdrawn.Add(pending);
            }
            Withdrawals += slot.Pending.Count;
            slot.Pending.Clear();
            slot.Active = false;
            _activeAgents--;
        }
        foreach (int id in active)
        {
            if (!_agents.TryGetValue(id, out var slot)) _agents[id] = slot = new AgentSlot { LastRun = _restoredLastRun.GetValueOrDefault(id, -1) };
            if (slot.Active) continue;
            slot.Active = true;
            _activeAgents++;
            if (slot.Pending.Count == Settings.Credits) _fullAgents++;
        }
        return withdrawn;
    }

    /// <summary>
    /// Whether a task may be picked now: the phase is not finished, something is pending, and in lockstep every
    /// active agent has all its credits pending (so the pool does not depend on when messages arrived).
    /// </summary>
    internal bool CanPick =>
        TasksRun < RunUntil && _live > 0 && !Holding && !Paused
        && (Settings.Mode == SchedulingMode.Free || _fullAgents == _activeAgents);

    /// <summary>Takes the next proposal: a group drawn by share among those with pending proposals, its oldest proposal.</summary>
    internal PendingProposal Pick()
    {
        if (!CanPick) throw new InvalidOperationException("nothing can be picked now");
        return Take(null)!;
    }

    /// <summary>
    /// A cooperative batch: <see cref="Pick"/>, then up to <paramref name="max"/> − 1 more proposals of other agents from the same
    /// pool, each drawn the same way among the groups that still hold one, and never past <see cref="RunUntil"/>. In lockstep the
    /// pool is complete when the first is picked and nothing arrives between the picks, so the batch is the same whatever the
    /// timing. With <paramref name="max"/> = 1 this is exactly <see cref="Pick"/>.
    /// </summary>
    internal IReadOnlyList<PendingProposal> PickBatch(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var batch = new List<PendingProposal> { Pick() };
        if (max == 1) return batch;
        var agents = new HashSet<int> { batch[0].Proposal.AgentId };
        while (batch.Count < max && TasksRun + batch.Count < RunUntil && Take(agents) is { } next)
        {
            batch.Add(next);
            agents.Add(next.Proposal.AgentId);
        }
        return batch;
    }

    // A group drawn by share among those holding a proposal of an agent outside `excluded`, then its oldest such proposal; null when
    // there is none. Without exclusions every group with a pending proposal takes part, which is what Pick has always drawn.
    private PendingProposal?[]? _eligible;

    private PendingProposal? Take(HashSet<int>? excluded)
    {
        var shares = _shares;
        var eligible = _eligible ??= new PendingProposal?[shares.Length]; // reused: a pick allocates nothing
        double total = 0;
        for (int g = 0; g < shares.Length; g++)
        {
            eligible[g] = excluded is null ? _queues[g].Min : _queues[g].FirstOrDefault(p => !excluded.Contains(p.Proposal.AgentId));
            if (eligible[g] is not null) total += shares[g];
        }
        if (total == 0) return null;
        double u = Rng.NextDouble() * total;
        int chosen = -1;
        for (int g = 0; g < shares.Length; g++)
        {
            if (eligible[g] is null) continue;
            chosen = g; // the last group with pending work absorbs rounding at the top end
            u -= shares[g];
            if (u < 0) break;
        }
        var next = eligible[chosen]!;
        Array.Clear(eligible);
        _queues[chosen].Remove(next);
        _live--;
        var slot = _agents[next.Proposal.AgentId];
        if (slot.Pending.Count == Settings.Credits) _fullAgents--;
        slot.Pending.Remove(next);
        slot.LastRun = Math.Max(slot.LastRun, next.Proposal.ProposalId);
        return next;
    }
}
