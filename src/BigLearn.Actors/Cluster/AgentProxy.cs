using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static BigLearn.Actors.Cluster.ShardedAgentProtocol;

namespace BigLearn.Actors.Cluster;

/// <summary>
/// The population supervisor's child for an agent that lives as a sharded <see cref="AgentEntity"/>: it starts the entity through
/// the shard region, then forwards every message to it in order (the sender kept), and when the entity dies (its node was lost) it
/// tells the supervisor (<see cref="AgentLost"/>, which fails the run: its host recovers it from its newest checkpoint) and stops.
/// </summary>
/// <remarks>
/// Until the entity has answered <see cref="AgentStarted"/>, the proxy keeps what it is sent and repeats the <see cref="StartAgent"/>
/// every <see cref="RetryEvery"/> (the entity answers a repeat without restarting anything). Just after a node is lost, a shard can
/// still be handed to that node's region for a moment, and a message sent there is gone; repeating until the answer comes makes the
/// start reach a live node once the coordinator knows better. After <see cref="MaxTries"/> tries the agent counts as lost.
/// </remarks>
public sealed class AgentProxy : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    /// <summary>The interval between tries of the start.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    /// <summary>Tries of the start before the agent counts as lost.</summary>
    public const int MaxTries = 120;

    private readonly IActorRef _region;
    private readonly string _entityId;
    private readonly StartAgent _start;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _entity;
    private int _tries;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public AgentProxy(IActorRef region, string entityId, StartAgent start)
    {
        _region = region;
        _entityId = entityId;
        _start = start;
        Starting();
    }

    /// <summary>Set by Akka.</summary>
    public IStash Stash { get; set; } = null!;

    /// <summary>Set by Akka.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of a proxy that starts <paramref name="start"/> in entity <paramref name="entityId"/> of <paramref name="region"/>.</summary>
    public static Props Props(IActorRef region, string entityId, StartAgent start)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentException.ThrowIfNullOrEmpty(entityId);
        ArgumentNullException.ThrowIfNull(start);
        return Akka.Actor.Props.Create(() => new AgentProxy(region, entityId, start));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        SendStart();
        Timers.StartPeriodicTimer("start", Retry.Instance, RetryEvery);
    }

    /// <inheritdoc />
    protected override void PostStop() =>
        _region.Tell(new ShardingEnvelope(_entityId, new StopAgent(_start.Incarnation)), ActorRefs.NoSender);

    private void Starting()
    {
        Receive<AgentStarted>(started =>
        {
            if (started.Incarnation != _start.Incarnation) return;
            Timers.Cancel("start");
            _entity = Sender; // the agent inside the entity
            Context.Watch(_entity);
            Context.Parent.Tell(new AgentReady(_start.Snapshot.AgentId, _entity));
            Become(Started);
            Stash.UnstashAll();
        });
        Receive<Retry>(_ =>
        {
            if (++_tries < MaxTries)
            {
                SendStart();
                return;
            }
            _log.Warning("Agent {0}: no answer to its start after {1} tries", _entityId, _tries);
            Context.Parent.Tell(new AgentLost(_start.Snapshot.AgentId, "(no node answered its start)"));
            Context.Stop(Self);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Started()
    {
        Receive<AgentStarted>(_ => { }); // the answer to a repeated start
        Receive<Retry>(_ => { });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_entity)) return;
            // An entity on this node has a local path: name the node by its cluster address all the same.
            var node = t.ActorRef.Path.Address.HasLocalScope ? ((ExtendedActorSystem)Context.System).Provider.DefaultAddress : t.ActorRef.Path.Address;
            _log.Warning("Agent {0} was lost with its node ({1})", _entityId, node);
            _entity = null;
            Context.Parent.Tell(new AgentLost(_start.Snapshot.AgentId, node.ToString()));
            Context.Stop(Self);
        });
        // Straight to the entity: one sender, one receiver, so the order of the supervisor's messages is kept.
        ReceiveAny(message => _entity!.Forward(message));
    }

    private void SendStart() => _region.Tell(new ShardingEnvelope(_entityId, _start), Self);

    private sealed class Retry
    {
        public static Retry Instance { get; } = new();
    }
}
