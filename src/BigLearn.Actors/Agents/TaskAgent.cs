using Akka.Actor;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Tasks;
using static BigLearn.Actors.Agents.TaskAgentProtocol;

namespace BigLearn.Actors.Agents;

/// <summary>
/// One learning individual: it draws tasks from its group's mask distribution with its own random stream and
/// proposes them to the model while it is active and holds credit; every answer (result, rejection, refusal,
/// withdrawal) returns one credit. It never touches the model's parameters.
/// </summary>
/// <remarks>
/// Restart with state: the actor keeps nothing in fields but references. Its <see cref="AgentState"/> is
/// created by whoever builds the Props and captured in them, so the instance a supervisor recreates after a
/// crash gets the very same state object: counters, outstanding proposals and the random stream carry on,
/// and <see cref="PostRestart"/> only counts the restart and tops the credits up again (a proposal that was
/// being drawn when the crash happened was never sent, so its credit is still free).
/// </remarks>
public sealed partial class TaskAgent : ReceiveActor
{
    private readonly AgentState _state;
    private readonly GroupSpec _group;
    private readonly IActorRef _model;
    private readonly int _credits;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public TaskAgent(AgentState state, GroupSpec group, IActorRef model, int credits, int maxRejectionsInARow = 0)
    {
        _state = state;
        _group = group;
        _model = model;
        _credits = credits;
        _maxRejectionsInARow = maxRejectionsInARow;

        Receive<Activate>(_ =>
        {
            _state.Active = !_state.Stopped; // a stopped agent stays stopped
            FillCredits();
        });
        Receive<Deactivate>(_ => _state.Active = false);
        Receive<TaskResult>(result =>
        {
            if (!Settle(result.ProposalId)) return;
            _state.Tasks++;
            _state.Steps += result.Outcome.AppliedSteps;
            _state.FirstOwnLoss ??= result.Outcome.FirstLoss;
            _state.LastOwnLoss = result.Outcome.LastLoss;
            _state.RejectionsInARow = 0;
            if (result.Shares is { } shares) _state.Shares = shares;
            FillCredits();
        });
        Receive<TaskRejected>(rejected =>
        {
            if (!Settle(rejected.ProposalId)) return;
            _state.Tasks++;
            _state.Rejections++;
            _state.Steps += rejected.Outcome.AppliedSteps; // steps before the refused one did change the model
            CountRejectionInARow(rejected.Outcome.Rejection);
            FillCredits();
        });
        Receive<ProposalRefused>(refused =>
        {
            if (!Settle(refused.ProposalId)) return;
            _state.Refusals++;
            // The supervisor tells the model about an activation before it tells the agent, so an active agent
            // is not refused for being inactive; proposing again keeps a lockstep model from waiting forever.
            FillCredits();
        });
        Receive<ProposalWithdrawn>(withdrawn =>
        {
            if (!Settle(withdrawn.ProposalId)) return;
            _state.Withdrawals++;
            FillCredits();
        });
        Receive<GetStats>(_ => Sender.Tell(_state.ToStats()));
        Receive<Checkpoints.CheckpointProtocol.GetAgentSnapshot>(_ => Sender.Tell(Checkpoints.AgentSnapshots.ToSnapshot(_state)));
    }

    /// <summary>
    /// Props of an agent. <paramref name="state"/> is owned outside the actor so it survives restarts;
    /// <paramref name="model"/> receives the proposals; at most <paramref name="credits"/> are outstanding.
    /// </summary>
    public static Props Props(AgentState state, GroupSpec group, IActorRef model, int credits, int maxRejectionsInARow = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(credits, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRejectionsInARow);
        return Akka.Actor.Props.Create(() => new TaskAgent(state, group, model, credits, maxRejectionsInARow));
    }

    /// <inheritdoc />
    protected override void PreStart() => FillCredits();

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        _state.Restarts++;
        LogRestart(reason);
        base.PostRestart(reason); // calls PreStart, which tops the credits up if the agent is active
    }

    private bool Settle(long proposalId) => _state.Outstanding.Remove(proposalId);

    private void FillCredits()
    {
        while (_state.Active && _state.Outstanding.Count < _credits)
        {
            // Draw everything first: if the distribution throws, no credit is spent and the state stays consistent.
            int arm = -1;
            LearningTask task;
            if (_group.Menu is { } menu)
            {
                // A menu agent picks a family with its shares (the model's adaptation sets them), then a task from it.
                arm = _state.Rng.NextIndex(_state.Shares ?? menu.Weights);
                task = menu.Components[arm].Sample(_state.Rng);
            }
            else task = _group.Masks.Sample(_state.Rng);
            long batchSeed = _state.Rng.NextSeed();
            long id = _state.NextProposalId++;
            _state.Outstanding.Add(id);
            _state.Proposals++;
            _state.MaxInFlight = Math.Max(_state.MaxInFlight, _state.Outstanding.Count);
            _model.Tell(new ModelProtocol.Propose(_state.AgentId, _state.Group, id, TaskDescriptor.From(task), _group.InnerSteps, batchSeed) { Arm = arm }, Self);
        }
    }
}
