using BigLearn.Actors.Agents;

namespace BigLearn.Actors.Checkpoints;

/// <summary>Copies an <see cref="AgentState"/> to and from its <see cref="AgentSnapshot"/>.</summary>
public static class AgentSnapshots
{
    /// <summary>The whole state as plain data.</summary>
    public static AgentSnapshot ToSnapshot(this AgentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new AgentSnapshot(state.AgentId, state.Group, state.Rng.State, state.Active, state.Stopped, state.Outstanding.Order().ToArray(),
            state.NextProposalId, state.Proposals, state.Tasks, state.Steps, state.Rejections, state.Refusals, state.Withdrawals, state.Restarts,
            state.MaxInFlight, state.FirstOwnLoss, state.LastOwnLoss, state.RejectionsInARow) { Shares = state.Shares?.ToArray() };
    }

    /// <summary>
    /// Overwrites <paramref name="state"/> (same agent) with <paramref name="snapshot"/>, keeping only the outstanding proposals that
    /// <paramref name="stillPending"/> accepts (those the model saved; in lockstep that is all of them). The state is left inactive:
    /// the supervisor activates it again when the run starts, so nothing is proposed before that.
    /// </summary>
    public static void Restore(this AgentState state, AgentSnapshot snapshot, Func<long, bool> stillPending)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.AgentId != state.AgentId || snapshot.Group != state.Group)
            throw new ArgumentException($"the snapshot is of agent {snapshot.AgentId} in group {snapshot.Group}, not agent {state.AgentId} in group {state.Group}", nameof(snapshot));
        state.Rng.Restore(snapshot.Rng);
        state.Active = false;
        state.Stopped = snapshot.Stopped;
        state.Outstanding.Clear();
        foreach (long id in snapshot.Outstanding)
            if (stillPending(id)) state.Outstanding.Add(id);
        state.NextProposalId = snapshot.NextProposalId;
        state.Proposals = snapshot.Proposals;
        state.Tasks = snapshot.Tasks;
        state.Steps = snapshot.Steps;
        state.Rejections = snapshot.Rejections;
        state.Refusals = snapshot.Refusals;
        state.Withdrawals = snapshot.Withdrawals;
        state.Restarts = snapshot.Restarts;
        state.MaxInFlight = snapshot.MaxInFlight;
        state.FirstOwnLoss = snapshot.FirstOwnLoss;
        state.LastOwnLoss = snapshot.LastOwnLoss;
        state.RejectionsInARow = snapshot.RejectionsInARow;
        state.Shares = snapshot.Shares?.ToArray();
    }
}
