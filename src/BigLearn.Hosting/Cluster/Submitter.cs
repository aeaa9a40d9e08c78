using Akka.Actor;
using Akka.Event;
using BigLearn.Hosting.Running;
using static BigLearn.Actors.Cluster.ExperimentProtocol;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// The actor of <c>biglearn run --cluster</c>: submits the experiment through the experiment shard region, follows it (stages,
/// progress, the end) and watches its host. When the host's node is lost it submits again with <c>Resume</c>, so the run continues
/// from its newest checkpoint on another model-role node; until a host accepts, it repeats the submission every
/// <see cref="ResendEvery"/>, at most <see cref="MaxResends"/> times.
/// </summary>
internal sealed class Submitter : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan ResendEvery = TimeSpan.FromSeconds(5);
    public const int MaxResends = 60;

    private readonly IActorRef _experiments;
    private readonly IProgress<RunProgress>? _progress;
    private readonly Action<string>? _stage;
    private readonly TaskCompletionSource<object> _done;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<string> _recoveries;
    private SubmitExperiment _submit;
    private IActorRef? _host;
    private int _resends;

    public Submitter(IActorRef experiments, SubmitExperiment submit, IProgress<RunProgress>? progress, Action<string>? stage, TaskCompletionSource<object> done)
    {
        (_experiments, _submit, _progress, _stage, _done) = (experiments, submit, progress, stage, done);
        _recoveries = [.. submit.Recoveries];
        Receive<ExperimentAccepted>(accepted =>
        {
            Timers.Cancel("resend");
            if (Sender.Equals(_host)) return;
            _host = Sender;
            Context.Watch(_host);
            _stage?.Invoke($"running on {accepted.Node}");
        });
        Receive<ExperimentStage>(stage =>
        {
            if (stage.Stage.StartsWith("recovering ", StringComparison.Ordinal)) _recoveries.Add(stage.Stage["recovering ".Length..]);
            _stage?.Invoke(stage.Stage);
        });
        Receive<ExperimentProgress>(p => _progress?.Report(new RunProgress(p.TasksDone, p.Budget)
        {
            Figures = [.. p.Figures.Select(f => (f.Label, f.Text))],
            TopAgents = [.. p.TopAgents.Select(a => new AgentCredit(a.AgentId, a.Group, a.Credit))],
            CreditsSampled = p.CreditsSampled,
        }));
        Receive<ExperimentFinished>(End);
        Receive<ExperimentFailed>(End);
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_host)) return;
            _host = null;
            var line = $"from its newest checkpoint after: model node {t.ActorRef.Path.Address} was lost";
            _recoveries.Add(line);
            _log.Warning("Experiment {0}: its host on {1} was lost; submitting it again to resume", _submit.Experiment, t.ActorRef.Path.Address);
            _stage?.Invoke($"recovering {line}");
            _submit = _submit with { Resume = true, Recoveries = [.. _recoveries] };
            Send();
        });
        Receive<Resend>(_ =>
        {
            if (++_resends > MaxResends)
            {
                _done.TrySetResult(new ExperimentFailed(_submit.Experiment,
                    $"no model-role node took the experiment within {(MaxResends * ResendEvery).TotalSeconds:0} s (is a node with --roles model up?)", UserError: true));
                Context.Stop(Self);
                return;
            }
            _experiments.Tell(_submit);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef experiments, SubmitExperiment submit, IProgress<RunProgress>? progress, Action<string>? stage, TaskCompletionSource<object> done) =>
        Akka.Actor.Props.Create(() => new Submitter(experiments, submit, progress, stage, done));

    protected override void PreStart() => Send();

    private void Send()
    {
        _experiments.Tell(_submit);
        Timers.StartPeriodicTimer("resend", Resend.Instance, ResendEvery);
    }

    private void End(object message)
    {
        if (_host is not null) Context.Unwatch(_host);
        _done.TrySetResult(message);
        Context.Stop(Self);
    }

    private sealed class Resend
    {
        public static Resend Instance { get; } = new();
    }
}
