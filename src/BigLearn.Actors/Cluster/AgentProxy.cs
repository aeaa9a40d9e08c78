using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static BigLearn.Actors.Cluster.ShardedAgentProtocol;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// The population supervisor's child for an agent that lives as a sharded <see cref="AgentEntity"/>: it starts the entity through
/// the shard region, forwards every message to it in order (the sender kept), and stops itself when the entity dies (its node was
/// lost) after telling the supervisor (<see cref="AgentLost"/>), which fails the run: its host recovers it from its newest checkpoint.
/// </summary>
public sealed class AgentProxy : ReceiveActor
{
    private readonly IActorRef _region;
    private readonly string _entityId;
    private readonly StartAgent _start;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _entity;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public AgentProxy(IActorRef region, string entityId, StartAgent start)
    {
        _region = region;
        _entityId = entityId;
        _start = start;
        Receive<AgentStarted>(started =>
        {
            if (started.Incarnation != _start.Incarnation) return;
            _entity = Sender;
            Context.Watch(_entity);
        });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_entity)) return;
            _log.Warning("Agent {0} was lost with its node ({1})", _entityId, t.ActorRef.Path.Address);
            Context.Parent.Tell(new AgentLost(_start.Snapshot.AgentId, t.ActorRef.Path.Address.ToString()));
            Context.Stop(Self);
        });
        ReceiveAny(message => _region.Tell(new ShardingEnvelope(_entityId, message), Sender));
    }

    /// <summary>Props of a proxy that starts <paramref name="start"/> in entity <paramref name="entityId"/> of <paramref name="region"/>.</summary>
    public static Props Props(IActorRef region, string entityId, StartAgent start)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentException.ThrowIfNullOrEmpty(entityId);
        ArgumentNullException.ThrowIfNull(start);
        return Akka.Actor.Props.Create(() => new AgentProxy(region, entityId, start));
    }

    /// <inheritdoc />
    protected override void PreStart() => _region.Tell(new ShardingEnvelope(_entityId, _start), Self);

    /// <inheritdoc />
    protected override void PostStop() => _region.Tell(new ShardingEnvelope(_entityId, new StopAgent(_start.Incarnation)), ActorRefs.NoSender);
}
