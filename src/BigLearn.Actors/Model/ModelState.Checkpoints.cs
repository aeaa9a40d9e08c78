using Akka.Actor;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Population;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Model;

public sealed partial class ModelState
{
    /// <summary>A state continuing from <paramref name="snapshot"/>: counters, stream, active set, runner; the pending proposals come back through <see cref="AcceptRestored"/>.</summary>
    internal ModelState(ModelSettings settings, ModelSnapshot snapshot) : this(settings)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        TasksRun = snapshot.TasksRun;
        AppliedTasks = snapshot.AppliedTasks;
        Rejections = snapshot.Rejections;
        Refusals = snapshot.Refusals;
        Withdrawals = snapshot.Withdrawals;
        Restarts = snapshot.Restarts;
        RunUntil = snapshot.RunUntil;
        _arrivals = snapshot.Arrivals;
        Rng.Restore(snapshot.Rng);
        foreach (var (id, lastRun) in snapshot.LastRun) _restoredLastRun[id] = lastRun;
        foreach (int id in snapshot.ActiveAgents)
        {
            _agents[id] = new AgentSlot { Active = true, LastRun = _restoredLastRun.GetValueOrDefault(id, -1) };
            _activeAgents++;
        }
        LastGood = snapshot.Runner;
        RestoreFolder = snapshot.RunnerFolder;
        LastCheckpointAt = snapshot.TasksRun;
        if (snapshot.Adaptation is { } adaptation)
        {
            if (Adaptation is null) throw new ArgumentException("the checkpoint holds an adaptation, and this run's population does not adapt");
            Adaptation.Restore(adaptation);
        }
        else if (Adaptation is not null) throw new ArgumentException("this run's population adapts, and the checkpoint holds no adaptation");
    }

    /// <summary>Periodic checkpoints: whenever the task count reaches a multiple of this (0: none).</summary>
    internal long CheckpointEvery { get; set; }

    /// <summary>The task count of the latest checkpoint (so that one point is not taken twice).</summary>
    internal long LastCheckpointAt { get; set; }

    /// <summary>A checkpoint was asked for (interrupt) and not yet taken.</summary>
    internal bool CheckpointRequested { get; set; }

    /// <summary>The checkpoint at the end of the budget was asked for and not yet taken.</summary>
    internal bool FinalCheckpointRequested { get; set; }

    /// <summary>Paused at a checkpoint until the supervisor says go on.</summary>
    internal bool Holding { get; set; }

    /// <summary>The runner's state after the latest task that returned (or the checkpoint's): what a rebuilt runner starts from.</summary>
    internal RunnerState? LastGood { get; set; }

    /// <summary>The checkpoint folder with the state files of a file-state runner to start from (a resumed run), until a newer good state is kept.</summary>
    internal string? RestoreFolder { get; set; }

    /// <summary>Tasks since <see cref="LastGood"/> was kept.</summary>
    internal int TasksSinceGood { get; set; }

    /// <summary>
    /// Every active agent has all its credits pending here (always true in free mode): in lockstep nothing can change
    /// until the model picks, which is what makes this point the same whatever the thread timing.
    /// </summary>
    private bool PoolComplete => Settings.Mode == SchedulingMode.Free || _fullAgents == _activeAgents;

    /// <summary>
    /// Whether to pause for a checkpoint now: at a quiescent point inside a phase (never at its end, where the supervisor is
    /// switching phases), at a multiple of <see cref="CheckpointEvery"/> not yet saved or when asked; or at the end of the
    /// budget when the final one was asked for.
    /// </summary>
    internal bool CheckpointDue
    {
        get
        {
            if (Holding || !PoolComplete) return false;
            if (FinalCheckpointRequested) return TasksRun >= RunUntil;
            if (TasksRun >= RunUntil || _live == 0) return false;
            // Crossing a multiple, not landing on it: a cooperative batch can step over one.
            return CheckpointRequested || (CheckpointEvery > 0 && TasksRun / CheckpointEvery > LastCheckpointAt / CheckpointEvery);
        }
    }

    /// <summary>Pauses and returns the state (the caller adds nothing: the runner's state is <paramref name="runner"/>).</summary>
    internal ModelSnapshot TakeCheckpoint(RunnerState? runner, string? runnerFolder = null)
    {
        Holding = true;
        CheckpointRequested = false;
        FinalCheckpointRequested = false;
        LastCheckpointAt = TasksRun;
        var pending = _queues.SelectMany(queue => queue).Select(p => new PendingSnapshot(p.Proposal, p.Age, p.Arrival)).ToArray();
        var active = _agents.Where(a => a.Value.Active).Select(a => a.Key).Order().ToArray();
        var lastRun = new Dictionary<int, long>(_restoredLastRun);
        foreach (var (id, slot) in _agents)
            if (slot.LastRun >= 0) lastRun[id] = slot.LastRun;
        return new ModelSnapshot(TasksRun, AppliedTasks, Rejections, Refusals, Withdrawals, Restarts, RunUntil, _arrivals, Rng.State,
            active, pending, runner, lastRun) { RunnerFolder = runnerFolder, Adaptation = Adaptation?.Capture() };
    }

    /// <summary>Puts a saved proposal back with its age (no refusal counted: it was accepted before the checkpoint).</summary>
    internal string? AcceptRestored(PendingSnapshot saved, IActorRef agent)
    {
        string? reason = Check(saved.Proposal, out var slot, out var task);
        if (reason is not null) return reason;
        var pending = new PendingProposal(saved.Age, saved.Arrival, agent, saved.Proposal, task!);
        slot!.Pending.Add(pending);
        if (slot.Pending.Count == Settings.Credits) _fullAgents++;
        _queues[saved.Proposal.Group].Add(pending);
        _live++;
        return null;
    }
}
