using BigLearn.Actors.Model;
using BigLearn.Core.Evaluation.Contributions;
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
internal sealed class ContributionMeter(ContributionSchedule schedule)
{
    private ITaskRunner? _cachedRunner;
    private long _cachedVersion = long.MinValue;
    private double _cachedObjective;

    /// <summary>What was measured before a task.</summary>
    internal sealed record Measurement(bool Measured, double Before, IReadOnlyList<AgentAlignment> Audit);

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
        var alignments = audit ? Audit((IContributionProbe)runner, waiting.Concat(running), firstSequence) : [];
        return new Measurement(measure, measure ? Objective(runner, probe) : double.NaN, alignments);
    }

    /// <summary>Completes <paramref name="measurement"/> after the task ran.</summary>
    internal TaskContribution After(ITaskRunner runner, Measurement measurement)
    {
        double after = measurement.Measured && runner is IObjectiveProbe probe ? Objective(runner, probe) : double.NaN;
        return new TaskContribution(measurement.Measured, measurement.Before, after, Schedule.Every, measurement.Audit);
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
        return Enumerable.Range(0, n).Select(i => whole with { Share = shares[i], Audit = i == 0 ? whole.Audit : [] }).ToArray();
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
