using Akka.Actor;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Running;

/// <remarks>
/// Read-only subscribers (a dashboard): everything the observer sees is told to them as it arrives, never asked, so a subscriber
/// that falls behind only grows its own mailbox and never slows the model. Agent locations are kept, so that a subscriber that
/// comes after them still learns where every agent lives.
/// </remarks>
internal sealed partial class RunObserver
{
    private readonly List<IActorRef> _subscribers = [];
    private readonly SortedDictionary<int, string> _locations = [];

    private void ReceiveSubscribers()
    {
        Receive<RunObserverProtocol.Subscribe>(subscribe =>
        {
            if (_subscribers.Contains(subscribe.Subscriber)) return;
            _subscribers.Add(subscribe.Subscriber);
            Context.Watch(subscribe.Subscriber);
            foreach (var (agent, node) in _locations) subscribe.Subscriber.Tell(new AgentLocated(agent, node));
        });
        Receive<AgentLocated>(located =>
        {
            _locations[located.AgentId] = located.Node;
            Publish(located);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
    }

    private void Publish(object message)
    {
        foreach (var subscriber in _subscribers) subscriber.Tell(message);
    }
}
