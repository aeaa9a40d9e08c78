using BigLearn.Actors.Model;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Ledger;

/// <summary>
/// The model actor's side of the contribution ledger: before a task it measures J (and, at audit points, every pending
/// agent's alignment), after it J again, and hands back plain numbers. Runs on the model's thread only; the probe keeps
/// every tensor inside its own dispose scopes.
/// </summary>
/// <remarks>
/// In exact mode J after task n is J before task n+1, since nothing else changes θ in between (audits and evaluations only
/// read it), so one evaluation per task suffices: J is cached with the runner it was measured on and that runner's version
/// (applied steps). The version alone does not identify θ: a runner restored to a saved state (a model restarted from its
/// last good state, a resumed run) can have a version the cache has seen with other parameters. So the cache serves only
/// the same runner instance, and the model actor also calls <see cref="Forget"/> whenever it restores a runner's state.
/// </remarks>
internal sealed class ContributionMeter(ContributionSchedule schedule, IReadOnlyList<double> groupShares)
{
    // Streams of the baseline's draws: Rng.ForStream(J's seed, BaselineStream − task number), apart from the agents' streams (≥ 0).
    private const long BaselineStream = -1;

    private ITaskRunner? _cachedRunner;
    private long _cachedVersion = long.MinValue;
    private double _cachedObjective;

    /// <summary>What was measured before a task.</summary>
    internal sealed record Measurement(bool Measured, double Before, IReadOnlyList<AgentAlignment> Audit, double Baseline = double.NaN);

    internal ContributionSchedule Schedule { get; } = schedule;

    /// <summary>Measures before task <paramref name="sequence"/> (1-based); null when this task is neither measured nor audited.</summary>
    internal Measurement? Before(ITaskRunner runner, long sequence, PendingProposal running, IEnumerable<PendingProposal> waiting) =>
        Before(runner, sequence, [running], waiting);

    /// <summary>
    /// Measures before the tasks <paramref name="running"/>, numbered from <paramref name="firstSequence"/> (1-based) and applied
    /// together as one cooperative batch: J is measured when any of their numbers is, the audit runs when any of them is due.
    /// </summary>
    internal Measurement? Before(ITaskRunner runner, long firstSequence, IReadOnlyList<PendingProposal> running, IEnumerable<PendingProposal> waiting)
    {
        if (runner is not IObjectiveProbe probe) return null;
        bool measure = false, audit = false;
        for (long s = firstSequence; s < firstSequence + running.Count; s++)
        {
            measure |= Schedule.Measures(s);
            audit |= Schedule.Audits(s) && runner is IContributionProbe;
        }
        if (!measure && !audit) return null;
        var pool = waiting as IReadOnlyCollection<PendingProposal> ?? waiting.ToArray();
        var alignments = audit ? Audit((IContributionProbe)runner, pool.Concat(running), firstSequence) : [];
        if (!measure) return new Measurement(false, double.NaN, alignments);
        double before = Objective(runner, probe);
        double baseline = running.Count == 1 && Schedule.BaselineProbes > 0 && runner is ICounterfactualProbe counterfactual
            ? Baseline(counterfactual, before, firstSequence, running[0], pool)
            : double.NaN;
        return new Measurement(true, before, alignments, baseline);
    }

    /// <summary>Completes <paramref name="measurement"/> after the task ran.</summary>
    internal TaskContribution After(ITaskRunner runner, Measurement measurement)
    {
        double after = measurement.Measured && runner is IObjectiveProbe probe ? Objective(runner, probe) : double.NaN;
        return new TaskContribution(measurement.Measured, measurement.Before, after, Schedule.Every, measurement.Audit, Baseline: measurement.Baseline);
    }

    /// <summary>
    /// Completes <paramref name="measurement"/> after a cooperative batch: one contribution per task, the batch's ΔJ split by each
    /// task's first-order share (<see cref="ContributionSplit"/>) at θ before the batch; the audit goes with the first task only,
    /// so that it is booked once.
    /// </summary>
    internal TaskContribution[] After(ITaskRunner runner, Measurement measurement, BatchOutcome batch)
    {
        var whole = After(runner, measurement);
        int n = batch.Outcomes.Count;
        var shares = measurement.Measured && n > 1 && runner is IContributionProbe probe
            ? ContributionSplit.Shares(probe.ObjectiveSlopes(batch.ParametersBefore, batch.Updates))
            : Enumerable.Repeat(1.0 / n, n).ToArray();
        // The batch's members are peers at the same θ: each one's baseline is the batch's mean part.
        double baseline = measurement.Measured ? (measurement.Before - whole.ObjectiveAfter) / n : double.NaN;
        return Enumerable.Range(0, n).Select(i => whole with { Share = shares[i], Audit = i == 0 ? whole.Audit : [], Baseline = baseline }).ToArray();
    }

    /// <summary>Drops the cached J (the runner's parameters were replaced without a new version).</summary>
    internal void Forget()
    {
        _cachedRunner = null;
        _cachedVersion = long.MinValue;
    }

    private double Objective(ITaskRunner runner, IObjectiveProbe probe)
    {
        if (ReferenceEquals(runner, _cachedRunner) && runner.Version == _cachedVersion) return _cachedObjective;
        _cachedObjective = probe.EvaluateObjective();
        _cachedRunner = runner;
        _cachedVersion = runner.Version;
        return _cachedObjective;
    }

    // The mean ΔJ of BaselineProbes counterfactual tasks at the current θ, each drawn from the population's mix as the model would
    // draw its next task (a group by share among those with a pending proposal), then uniformly among that group's pending proposals
    // of other agents than the running one. Draws are independent (with replacement); a proposal drawn twice is run once. NaN when
    // no other agent has a proposal pending (nothing to compare with). Deterministic given the pool and the task's number.
    private double Baseline(ICounterfactualProbe probe, double before, long sequence, PendingProposal running, IReadOnlyCollection<PendingProposal> pool)
    {
        var byGroup = new List<PendingProposal>[groupShares.Count];
        double total = 0;
        foreach (var p in pool)
        {
            if (p.Proposal.AgentId == running.Proposal.AgentId) continue;
            int g = p.Proposal.Group;
            if (byGroup[g] is null) total += groupShares[g];
            (byGroup[g] ??= []).Add(p);
        }
        if (!(total > 0)) return double.NaN;
        foreach (var list in byGroup) list?.Sort(OldestFirst.Instance); // the pool's order must not depend on arrival timing
        var rng = Rng.ForStream(Schedule.Objective.Seed, BaselineStream - sequence);
        var measured = new Dictionary<PendingProposal, double>();
        double sum = 0;
        for (int i = 0; i < Schedule.BaselineProbes; i++)
        {
            double u = rng.NextDouble() * total;
            List<PendingProposal>? chosen = null;
            for (int g = 0; g < byGroup.Length; g++)
            {
                if (byGroup[g] is null) continue;
                chosen = byGroup[g]; // the last group with a proposal absorbs rounding at the top end
                u -= groupShares[g];
                if (u < 0) break;
            }
            var p = chosen![rng.NextInt(chosen.Count)];
            if (!measured.TryGetValue(p, out double delta))
                measured[p] = delta = before - probe.ObjectiveAfter(p.Task, p.Proposal.InnerSteps, p.Proposal.BatchSeed);
            sum += delta;
        }
        return sum / Schedule.BaselineProbes;
    }

    // Each agent's next task (the proposal it has pending, with the batch seed it will use) against ∇J at the same θ.
    // A population above the schedule's AuditAgents is audited a rotating share at a time.
    private AgentAlignment[] Audit(IContributionProbe probe, IEnumerable<PendingProposal> proposals, long sequence)
    {
        var objectiveGradient = probe.ObjectiveGradient();
        var next = proposals
            .GroupBy(p => p.Proposal.AgentId)
            .Select(g => g.OrderBy(p => p, OldestFirst.Instance).First())
            .OrderBy(p => p.Proposal.AgentId)
            .ToArray();
        return next
            .Where((_, index) => Schedule.AuditsAgent(sequence, index, next.Length))
            .Select(p => new AgentAlignment(p.Proposal.AgentId, p.Proposal.Group,
                ContributionSchedule.Cosine(probe.TaskGradient(p.Task, p.Proposal.BatchSeed), objectiveGradient)))
            .ToArray();
    }
}
