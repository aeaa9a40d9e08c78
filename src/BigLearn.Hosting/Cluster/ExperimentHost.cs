using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;
using static BigLearn.Actors.Cluster.ExperimentProtocol;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// An experiment as a sharded entity on a model-role node: on <see cref="SubmitExperiment"/> it runs the experiment through
/// <see cref="ExperimentRun"/> on a thread of its own, with the model and supervisor in this node's actor system and the agents
/// placed through the agent shard region, and reports stages, progress and the end to whoever submitted it last.
/// </summary>
/// <remarks>
/// Recovery: when the population fails (an agent's node was lost, so its proxy stopped), the host rolls the whole run back to its
/// newest checkpoint (or starts it again when it has none) under a new incarnation, at most <see cref="MaxRecoveries"/> times.
/// Rolling everything back, model and agents together, is what keeps a recovery exact: no task is applied twice, none is lost, and in
/// lockstep the run's figures are those of an uninterrupted run. When the host itself stops (its node leaves), the run is interrupted
/// (a final checkpoint where the node still can) and the submitter's next <see cref="SubmitExperiment"/> with <c>Resume</c> continues it
/// on whichever model-role node the shard moves to.
/// </remarks>
internal sealed class ExperimentHost : ReceiveActor
{
    /// <summary>The most recoveries of one submission before the run is given up.</summary>
    public const int MaxRecoveries = 5;

    private readonly IActorRef _agentRegion;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stop = new();
    private IActorRef _submitter = ActorRefs.Nobody;
    private bool _running;

    public ExperimentHost(IActorRef agentRegion)
    {
        _agentRegion = agentRegion;
        Receive<SubmitExperiment>(Submit);
        Receive<Report>(report =>
        {
            _submitter.Tell(report.Message);
            if (report.Message is ExperimentFinished or ExperimentFailed)
            {
                _running = false;
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            }
        });
    }

    public static Props Props(IActorRef agentRegion) => Akka.Actor.Props.Create(() => new ExperimentHost(agentRegion));

    protected override void PostStop()
    {
        _stop.Cancel(); // the node is leaving: the run takes its final checkpoint if it can
        base.PostStop();
    }

    private void Submit(SubmitExperiment submit)
    {
        _submitter = Sender;
        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Sender.Tell(new ExperimentAccepted(submit.Experiment, node));
        if (_running) return; // a repeat (the submitter reconnecting): the run goes on and reports to it
        _running = true;
        _log.Info("Experiment {0}: {1} in {2}", submit.Experiment, submit.Resume ? "resuming" : "starting", submit.Folder);
        var self = Self;
        var system = Context.System;
        var region = _agentRegion;
        var token = _stop.Token;
        Task.Factory.StartNew(() => self.Tell(new Report(Work(submit, system, region, m => self.Tell(new Report(m)), token))),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static object Work(SubmitExperiment submit, ActorSystem system, IActorRef agentRegion, Action<object> tell, CancellationToken token)
    {
        string id = submit.Experiment;
        var recoveries = submit.Recoveries.ToList();
        bool resume = submit.Resume;
        IExperiment experiment;
        try
        {
            experiment = ModelKinds.Parse(ConfigSource.Parse(submit.ConfigText, submit.ConfigOrigin));
        }
        catch (ConfigException e)
        {
            return new ExperimentFailed(id, e.Message, UserError: true);
        }
        if (resume && Directory.Exists(submit.Folder) && CheckpointStore.List(submit.Folder).Count == 0)
        {
            // The lost node had not written a checkpoint yet: start again (its lock died with it).
            Directory.Delete(submit.Folder, recursive: true);
            resume = false;
        }
        WaitForAgentRegions(system, agentRegion, token);
        var progress = new ProgressMessages(id, tell);
        void Stage(string name) => tell(new ExperimentStage(id, name));
        while (true)
        {
            var host = new ClusterRunHost(system, agentRegion, id, recoveries.ToArray());
            try
            {
                var tap = ClusterNode.TapOf(system);
                var output = resume
                    ? ExperimentRun.Resume(submit.Folder, progress, cancellationToken: token, stage: Stage, cluster: host, tap: tap)
                    : ExperimentRun.Run(experiment, submit.Folder, progress, Stage, cancellationToken: token, cluster: host, tap: tap);
                var outcome = output.Outcome;
                return new ExperimentFinished(id, output.Folder, [.. output.Files], output.Interrupted, outcome.Tasks, outcome.Budget,
                    [.. outcome.Table.Header], [.. outcome.Table.Rows.Select(r => r.ToArray())], outcome.TotalSeconds, [.. outcome.Sentences], [.. recoveries]);
            }
            catch (Exception e) when (IsUserError(e))
            {
                return new ExperimentFailed(id, OneLine(e.Message), UserError: true);
            }
            catch (Exception e) when (!token.IsCancellationRequested && recoveries.Count - submit.Recoveries.Length < MaxRecoveries)
            {
                resume = CheckpointStore.List(submit.Folder).Count > 0;
                var line = $"{(resume ? "from its newest checkpoint" : "from the start (no checkpoint yet)")} after: {OneLine(e.Message)}";
                recoveries.Add(line);
                Serilog.Log.Warning("Experiment {Experiment} recovers {Line}", id, line);
                Stage($"recovering {line}");
            }
            catch (Exception e)
            {
                return new ExperimentFailed(id, $"{e.GetType().Name}: {OneLine(e.Message)}", UserError: false);
            }
        }
    }

    /// <summary>
    /// Waits (at most <see cref="RegionsTimeout"/>) until the agent shard coordinator knows a region on every agents-role member that is
    /// Up: shards are placed on the regions it knows when the agents start, and a young cluster's regions register a moment after
    /// their nodes are Up, so a run started at once would put every agent on the first node.
    /// </summary>
    private static void WaitForAgentRegions(ActorSystem system, IActorRef agentRegion, CancellationToken token)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < RegionsTimeout && !token.IsCancellationRequested)
        {
            var expected = cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(Actors.Cluster.ClusterRoles.Agents));
            try
            {
                var stats = agentRegion.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(3), token)
                    .GetAwaiter().GetResult();
                if (stats.Regions.Count >= expected) return;
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // asked again below
            }
            token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>The longest wait for the agent regions of a young cluster.</summary>
    public static readonly TimeSpan RegionsTimeout = TimeSpan.FromSeconds(15);

    private static bool IsUserError(Exception e) =>
        e is ConfigException or RunFolderException or Core.Images.ImageDataException or IOException or UnauthorizedAccessException;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>A message for the submitter, routed through the host so that it reaches the newest submitter.</summary>
    private sealed record Report(object Message);

    // Progress as messages, at most one per hundredth of the budget or change of figures (a remote message per task would cost
    // as much as the task).
    private sealed class ProgressMessages(string experiment, Action<object> tell) : IProgress<RunProgress>
    {
        private long _lastHundredth = -1;
        private string _lastFigures = "";

        public void Report(RunProgress value)
        {
            long hundredth = 100 * value.TasksDone / Math.Max(1, value.Budget);
            var figures = string.Join(";", value.Figures);
            if (hundredth == _lastHundredth && figures == _lastFigures) return;
            (_lastHundredth, _lastFigures) = (hundredth, figures);
            tell(new ExperimentProgress(experiment, value.TasksDone, value.Budget,
                [.. value.Figures.Select(f => new Actors.Cluster.ExperimentProtocol.ProgressFigure(f.Label, f.Text))],
                [.. value.TopAgents.Select(a => new ProgressAgent(a.AgentId, a.Group, a.Credit))], value.CreditsSampled));
        }
    }
}
