using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using BigLearn.Actors.Agents;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Population;
using static BigLearn.Actors.Cluster.ShardedAgentProtocol;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// One agent as a sharded entity on an agents-role node: it holds a <see cref="TaskAgent"/> child built from the
/// <see cref="StartAgent"/> it was sent (the state whole, the group from the configuration) and forwards everything else to it,
/// the sender kept, so the model answers the child directly and the supervisor gets its replies directly.
/// </summary>
/// <remarks>
/// The entity keeps nothing the supervisor cannot send again: after its node is lost the population is rolled back to its newest
/// checkpoint and every agent is started again from that checkpoint's snapshot in a new incarnation (new entities, wherever their
/// shards now live). A message that arrives before any <see cref="StartAgent"/> (an old incarnation's, to a shard that moved off a
/// lost node) is dropped with a warning and the entity passivates: the supervisor that sent it has recovered since.
/// </remarks>
public sealed class AgentEntity : ReceiveActor
{
    private readonly Func<string, string, PopulationSpec> _specOf;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _agent;
    private IActorRef _supervisor = ActorRefs.Nobody;
    private string? _incarnation;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public AgentEntity(Func<string, string, PopulationSpec> specOf)
    {
        _specOf = specOf;
        Receive<StartAgent>(Start);
        Receive<StopAgent>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Receive<CheckpointProtocol.AgentStopped>(stopped => _supervisor.Tell(stopped));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_agent)) _agent = null;
        });
        ReceiveAny(message =>
        {
            if (_agent is not null)
            {
                _agent.Forward(message);
                return;
            }
            // An entity made by a message of a run that has recovered since (its shard moved off a lost node): nothing to keep.
            _log.Warning("Agent entity {0}: {1} arrived before the agent was started; dropped", Self.Path.Name, message.GetType().Name);
            if (_incarnation is null) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    /// <summary>Props of an entity; <paramref name="specOf"/> turns (configuration text, origin) into the population (cache it: every agent asks).</summary>
    public static Props Props(Func<string, string, PopulationSpec> specOf)
    {
        ArgumentNullException.ThrowIfNull(specOf);
        return Akka.Actor.Props.Create(() => new AgentEntity(specOf));
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // As the population supervisor treats a local agent: restart with its state (it lives in the AgentState the Props hold).
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), cause => cause is ActorInitializationException ? Directive.Stop : Directive.Restart);

    private void Start(StartAgent start)
    {
        // The entity id holds the incarnation, so a second start is always a repeat of the first: answered, nothing restarted.
        if (_incarnation is not null)
        {
            Sender.Tell(new AgentStarted(start.Snapshot.AgentId, _incarnation), _agent);
            return;
        }
        var spec = _specOf(start.ConfigText, start.ConfigOrigin);
        var snapshot = start.Snapshot;
        if (snapshot.Group < 0 || snapshot.Group >= spec.Groups.Count)
            throw new ArgumentException($"agent {snapshot.AgentId}: group {snapshot.Group} does not exist in the configuration ({spec.Groups.Count} groups)");
        var state = new AgentState(spec.Seed, snapshot.AgentId, snapshot.Group);
        state.Restore(snapshot, _ => true); // the supervisor kept only the outstanding proposals its model holds
        var system = (ExtendedActorSystem)Context.System;
        var model = system.Provider.ResolveActorRef(start.ModelPath);
        _supervisor = system.Provider.ResolveActorRef(start.SupervisorPath);
        _incarnation = start.Incarnation;
        _agent = Context.ActorOf(TaskAgent.Props(state, spec.Groups[snapshot.Group], model, start.Credits, start.MaxRejectionsInARow),
            $"agent-{Uri.EscapeDataString(start.Incarnation)}");
        Context.Watch(_agent);
        Sender.Tell(new AgentStarted(snapshot.AgentId, start.Incarnation), _agent); // from the agent: the proxy watches it and the supervisor talks to it
    }
}
