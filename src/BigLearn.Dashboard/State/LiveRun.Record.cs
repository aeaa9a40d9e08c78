using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Hosting.Running;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Dashboard.State;

/// <remarks>What the subscriber actor records: each call takes the lock, updates and wakes the event streams.</remarks>
public sealed partial class LiveRun
{
    /// <summary>The run has started (its actors exist).</summary>
    public void Started() => Update(() =>
    {
        _status = "running";
        Event(_run.TasksDone > 0 ? $"resumed after {_run.TasksDone} tasks" : "started");
    });

    /// <summary>A task ran: counts, credit (when measured), audits, the agent's masks, phase switches.</summary>
    public void Task(TaskCompleted completed) => Update(() =>
    {
        _tasks = Math.Max(_tasks, completed.Sequence);
        if (_status == "waiting") _status = "running";
        int phase = PhaseAt(completed.Sequence - 1);
        if (phase != _phase)
        {
            if (_phase >= 0) Event(PhaseText());
            _phase = phase;
        }
        double credit = 0;
        if (completed.Contribution is { } contribution)
        {
            if (contribution.Measured) credit = contribution.Credit;
            foreach (var audit in contribution.Audit)
            {
                if (!double.IsFinite(audit.Cosine) || (uint)audit.AgentId >= (uint)_agents.Length) continue;
                _agents[audit.AgentId].CosineSum += audit.Cosine;
                _agents[audit.AgentId].Audits++;
            }
        }
        if ((uint)completed.AgentId < (uint)_agents.Length)
            _agents[completed.AgentId].Task(completed.Sequence, completed.Task, completed.Outcome.Rejected, credit);
        if ((uint)completed.Group < (uint)_groupTasks.Length)
        {
            _groupTasks[completed.Group]++;
            _groupCredit[completed.Group] += credit;
        }
        SampleCredit(completed.Sequence);
    });

    /// <summary>An evaluation: a point of every curve, the figures that are not curves, and new pictures.</summary>
    public void Evaluation(RunObserverProtocol.EvaluationSeen seen)
    {
        Update(() => AddEvaluation(seen.TasksRun, seen.Seconds, seen.Values));
        DrawPictures();
    }

    /// <summary>Where an agent lives (a cluster run).</summary>
    public void Located(AgentLocated located) => Update(() =>
    {
        if ((uint)located.AgentId < (uint)_agents.Length) _agents[located.AgentId].Node = located.Node;
    });

    /// <summary>A checkpoint was handed over to be written.</summary>
    public void Checkpoint(RunObserverProtocol.CheckpointSeen seen) => Update(() => Event($"checkpoint at {seen.TasksDone} tasks"));

    /// <summary>The population finished (budget reached or interrupted): the agents' restarts are known now.</summary>
    public void Completed(RunCompleted completed) => Update(() =>
    {
        if (_completed) return; // a stop's answer repeats what the observer passed on
        _completed = true;
        foreach (var stats in completed.Agents)
            if ((uint)stats.AgentId < (uint)_agents.Length) _agents[stats.AgentId].Restarts = stats.Restarts;
        _status = completed.Interrupted ? "interrupted" : "finishing";
        Event(completed.Interrupted ? $"interrupted after {completed.TotalTasks} tasks" : $"budget reached: {completed.TotalTasks} tasks");
    });

    /// <summary>The model answered a control: paused or not, and the shares now.</summary>
    public void Controlled(RunControlled controlled, string what) => Update(() =>
    {
        if (!_ended && _status is "running" or "paused" or "waiting") _status = controlled.Paused ? "paused" : "running";
        for (int g = 0; g < Math.Min(_shares.Length, controlled.GroupShares.Length); g++) _shares[g] = controlled.GroupShares[g];
        Event(what);
    });

    /// <summary>A stop was asked for; the run ends at its next quiescent point.</summary>
    public void Stopping() => Update(() =>
    {
        if (!_ended) _status = "stopping";
        Event("stop requested from the dashboard");
    });

    /// <summary>The run ended: its folder is written (<paramref name="output"/>) or it failed (<paramref name="failure"/>).</summary>
    public void Ended(ExperimentRunOutput? output, string? failure) => Update(() =>
    {
        _ended = true;
        if (output is null)
        {
            _status = "failed";
            _message = failure;
            Event($"failed: {failure}");
            return;
        }
        _status = output.Interrupted ? "interrupted" : "done";
        // The corrected credit needs the whole ledger (its permutation tests): it is known at the end only.
        if (output.Outcome is Reporting.Experiments.ExperimentOutcome { Contributions: { } ledger })
            foreach (var agent in ledger.Agents)
                if ((uint)agent.Id < (uint)_agents.Length) _agents[agent.Id].Corrected = Curves.Finite(agent.CorrectedCredit);
        _message = $"wrote {output.Files.Count} files to {output.Folder}";
        Event(_message);
    });

    private bool _completed;

    private void Update(Action change)
    {
        lock (_lock) change();
        Changed();
    }

    private void AddEvaluation(long tasks, double seconds, IReadOnlyDictionary<string, double> values)
    {
        var scalars = values.Where(v => Curves.IsScalar(v.Key)).ToDictionary(v => v.Key, v => Curves.Finite(v.Value), StringComparer.Ordinal);
        _valueNames.UnionWith(scalars.Keys);
        _evaluations.Add(new EvaluationPoint(tasks, Curves.Finite(seconds), scalars));
        var curves = Curves.For(_run.Experiment.ModelKind.Name, _valueNames).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in scalars.Where(s => !curves.Contains(s.Key))) _figures[name] = value;
        if (tasks >= _latestTasks)
        {
            _latestTasks = tasks;
            _latestValues = values;
        }
    }

    // One point per stride of tasks (the bucket's newest), so the chart has about a thousand points whatever the budget.
    private void SampleCredit(long sequence)
    {
        var point = new GroupCreditPoint(sequence, (double[])_groupCredit.Clone());
        long bucket = sequence / _stride;
        if (bucket == _lastCreditBucket && _credit.Count > 1) _credit[^1] = point;
        else _credit.Add(point);
        _lastCreditBucket = bucket;
    }

    // A resumed run continues the ledger its checkpoint saved.
    private void RestoreLedger(LedgerState ledger)
    {
        for (int a = 0; a < Math.Min(_agents.Length, ledger.AgentCredit.Length); a++)
        {
            _agents[a].Credit = ledger.AgentCredit[a];
            _agents[a].CosineSum = ledger.AgentCosines[a].Where(double.IsFinite).Sum();
            _agents[a].Audits = ledger.AgentCosines[a].Count(double.IsFinite);
        }
        ledger.GroupCredit.AsSpan(0, Math.Min(_groupCredit.Length, ledger.GroupCredit.Length)).CopyTo(_groupCredit);
        long lastBucket = -1;
        foreach (var point in ledger.Timeline)
        {
            long bucket = point.Tasks / _stride;
            if (bucket != lastBucket) _credit.Add(new GroupCreditPoint(point.Tasks, (double[])point.GroupCredit.Clone()));
            lastBucket = bucket;
        }
    }
}
