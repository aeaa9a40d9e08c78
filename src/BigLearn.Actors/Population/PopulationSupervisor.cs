using Akka.Actor;
using Akka.Event;
using BigLearn.Actors.Agents;
using BigLearn.Actors.Model;
using BigLearn.Core.Training;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Actors.Population;

/// <summary>
/// Builds a run's actors from a <see cref="PopulationSpec"/> (the model, then one agent per id 0..N−1 across
/// groups in order), walks the activation phases, keeps the tallies and answers <see cref="StartRun"/> with
/// <see cref="RunCompleted"/> once exactly <c>BudgetTasks</c> tasks are done.
/// </summary>
/// <remarks>
/// Phases: the model is told the active agents together with the task count at which the phase ends, and it
/// holds there until the next <see cref="SetActive"/>, so the windows (and the budget) are exact in tasks done
/// whatever the timing. Order on a switch: deactivate agents, update the model, then activate agents, so that
/// a newly active agent's proposal never reaches a model that still thinks it inactive.
/// Supervision (one-for-one): a failing agent or model is restarted (both keep their state, see
/// <see cref="TaskAgent"/> and <see cref="ModelActor"/>); a child that fails to start, or fails more than
/// 10 times a minute, is stopped and the run fails with that cause.
/// </remarks>
public sealed partial class PopulationSupervisor : ReceiveActor, IWithTimers
{
    private const int MaxRestartsPerMinute = 10;
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(30);

    private readonly PopulationSpec _spec;
    private readonly Func<ModelRuntime> _runtimeFactory;
    private readonly IActorRef? _observer;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int[] _groupOfAgent;
    private readonly List<IActorRef> _agents = []; // the children: watched and stopped
    private readonly List<IActorRef> _targets = []; // where agents are told things: the children, or the sharded agents once ready
    private int _unready;
    private readonly long[] _tasks, _applied, _steps, _rejections;
    private readonly List<Evaluation> _evaluations = [];
    private readonly SortedDictionary<int, AgentStats> _agentStats = [];
    private IActorRef _model = ActorRefs.Nobody;
    private IActorRef? _asker;
    private int _phase = -1;
    private long _tasksDone;
    private int _restarts;
    private Exception? _lastFailure;
    private string? _lostBeforeStart;

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public PopulationSupervisor(PopulationSpec spec, Func<ModelRuntime> runtimeFactory, IActorRef? observer, Checkpoints.PopulationOptions? options = null)
    {
        _spec = spec;
        _options = options ?? new Checkpoints.PopulationOptions();
        _runtimeFactory = runtimeFactory;
        _observer = observer;
        _groupOfAgent = spec.GroupOfAgents();
        int groups = spec.Groups.Count;
        (_tasks, _applied, _steps, _rejections) = (new long[groups], new long[groups], new long[groups], new long[groups]);
        Idle();
    }

    /// <summary>Timers of the actor (set by Akka).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props of a supervisor for one run. <paramref name="runtimeFactory"/> builds the model's runner and its evaluation
    /// on the model's thread; <paramref name="observer"/> (optional) receives every <see cref="TaskCompleted"/>, <see cref="Evaluation"/>
    /// and the final <see cref="RunCompleted"/>, for progress display and metrics. The actor system must include
    /// <see cref="ModelActor.DispatcherHocon"/>. <paramref name="options"/> turns on checkpoints (sent to the observer), stops
    /// agents after repeated rejections, or continues from a checkpoint.
    /// </summary>
    public static Props Props(PopulationSpec spec, Func<ModelRuntime> runtimeFactory, IActorRef? observer = null,
        Checkpoints.PopulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(runtimeFactory);
        return Akka.Actor.Props.Create(() => new PopulationSupervisor(spec, runtimeFactory, observer, options));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _model = Context.ActorOf(ModelActor.Props(ModelSettings.From(_spec) with { StateFolder = _options.StateFolder }, _runtimeFactory, Self, _options.Restore?.Model), "model");
        Context.Watch(_model);
        PlanCheckpoints();
        for (int id = 0; id < _groupOfAgent.Length; id++)
        {
            int group = _groupOfAgent[id];
            var state = new AgentState(_spec.Seed, id, group);
            RestoreAgent(state);
            var agent = Context.ActorOf(_options.Placement.AgentProps(state, _spec.Groups[group], _model, Self, _spec.Credits, _options.MaxRejectionsInARow), $"agent-{id}");
            Context.Watch(agent);
            _agents.Add(agent);
            _targets.Add(agent);
        }
        _unready = _options.Placement.AnnouncesAgents ? _agents.Count : 0;
        RestoreTallies();
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(MaxRestartsPerMinute, TimeSpan.FromMinutes(1), cause =>
    {
        _lastFailure = cause;
        if (cause is ActorInitializationException) return Directive.Stop; // a child that cannot start will not start next time either
        _restarts++;
        _log.Warning("Restarting a child after {0}: {1}", cause.GetType().Name, cause.Message);
        return Directive.Restart;
    });

    // The host asks the supervisor for evaluations and controls; the model is a child it never addresses by path.
    private void ForwardEvaluate()
    {
        Receive<Evaluate>(e => _model.Forward(e));
        Receive<PauseRun>(c => _model.Forward(c));
        Receive<ResumeRun>(c => _model.Forward(c));
        Receive<SetGroupShare>(c => _model.Forward(c));
    }

    // Once the budget is reached a control has nothing left to act on.
    private void RefuseControls(string reason)
    {
        Receive<PauseRun>(_ => Sender.Tell(new ControlRefused(reason)));
        Receive<ResumeRun>(_ => Sender.Tell(new ControlRefused(reason)));
        Receive<SetGroupShare>(_ => Sender.Tell(new ControlRefused(reason)));
    }

    private void Idle()
    {
        ForwardEvaluate();
        Receive<StartRun>(_ =>
        {
            _asker = Sender;
            if (_lostBeforeStart is not null)
            {
                Fail(_lostBeforeStart); // a run without one of its agents would wait for it forever in lockstep
                return;
            }
            if (_unready == 0) Start(); // otherwise when the last agent is ready
        });
        Receive<Cluster.ShardedAgentProtocol.AgentReady>(ready =>
        {
            // From now on the agent is told things directly, as the model tells it: one hop each, so a phase switch's
            // deactivation still reaches it before the model's withdrawals (as with local agents).
            _targets[ready.AgentId] = ready.Agent;
            _observer?.Tell(new AgentLocated(ready.AgentId, ready.Agent.Path.Address.ToString()));
            if (--_unready == 0 && _asker is not null && _lostBeforeStart is null) Start();
        });
        Receive<Cluster.ShardedAgentProtocol.AgentLost>(lost => LostBeforeStart($"agent {lost.AgentId} was lost with its node {lost.Node} before the run started"));
        Receive<Terminated>(t =>
        {
            _log.Warning("{0} stopped before the run started", t.ActorRef.Path.Name);
            LostBeforeStart($"{t.ActorRef.Path.Name} stopped before the run started");
        });
    }

    // Kept for the start; when the start is already waiting for its agents to be ready, it fails now (that agent never will be).
    private void LostBeforeStart(string reason)
    {
        _lostBeforeStart ??= reason;
        if (_asker is not null) Fail(_lostBeforeStart);
    }

    private void Start()
    {
        Become(Running);
        if (!ContinueFromCheckpoint()) EnterPhase(0);
    }

    private void Running()
    {
        Receive<StartRun>(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("this population is already running; create a new supervisor for another run"))));
        ForwardEvaluate();
        Receive<TaskCompleted>(completed =>
        {
            Tally(completed);
            _observer?.Tell(completed);
            if (_tasksDone < _spec.Phases[_phase].UntilTask) return;
            if (_phase + 1 < _spec.Phases.Count) EnterPhase(_phase + 1);
            else FinishAfterFinalCheckpoint();
        });
        Receive<Evaluation>(Record);
        Receive<Cluster.ShardedAgentProtocol.AgentLost>(lost => Fail($"agent {lost.AgentId} was lost with its node {lost.Node}"));
        Receive<Terminated>(t => Fail($"{t.ActorRef.Path.Name} stopped during the run"));
        ReceiveCheckpointMessages();
    }

    private void Collecting()
    {
        Receive<StartRun>(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("this population is finishing its run"))));
        Receive<Evaluate>(e => _model.Forward(e));
        RefuseControls("the run is finishing");
        Receive<ModelStats>(_ =>
        {
            // Each agent was told about its last result and its withdrawal before this reply, so its stats are complete.
            foreach (var agent in _targets) agent.Tell(TaskAgentProtocol.GetStats.Instance);
        });
        Receive<AgentStats>(stats =>
        {
            _agentStats[stats.AgentId] = stats;
            if (_agentStats.Count == _agents.Count) Complete();
        });
        Receive<Evaluation>(Record);
        Receive<StatsTimedOut>(_ => Fail($"only {_agentStats.Count} of {_agents.Count} agents reported their stats within {StatsTimeout.TotalSeconds} s"));
        Receive<Cluster.ShardedAgentProtocol.AgentLost>(lost => Fail($"agent {lost.AgentId} was lost with its node {lost.Node} while the run was finishing"));
        Receive<Terminated>(t => Fail($"{t.ActorRef.Path.Name} stopped while the run was finishing"));
        ReceiveWhileFinishing();
    }

    private void Done()
    {
        Receive<StartRun>(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("this population has already run; create a new supervisor for another run"))));
        Receive<Evaluate>(e => _model.Forward(e));
        RefuseControls("the run has ended");
        Receive<Evaluation>(e => _observer?.Tell(e));
        Receive<Terminated>(_ => { });
    }

    private void EnterPhase(int index)
    {
        var previous = _phase >= 0 ? _spec.Phases[_phase].ActiveGroups.ToHashSet() : [];
        var phase = _spec.Phases[index];
        var next = phase.ActiveGroups.ToHashSet();
        _phase = index;
        ForAgents(g => previous.Contains(g) && !next.Contains(g), Deactivate.Instance);
        var activeIds = Enumerable.Range(0, _agents.Count).Where(id => next.Contains(_groupOfAgent[id]) && !_stopped.Contains(id)).ToArray();
        if (activeIds.Length == 0)
        {
            EndBecauseNoAgentIsLeft();
            return;
        }
        _model.Tell(new SetActive(activeIds, phase.UntilTask));
        ForAgents(g => next.Contains(g) && !previous.Contains(g), Activate.Instance);
        _log.Info("Phase {0}: tasks {1}..{2}, active groups {3}", index, phase.FromTask, phase.UntilTask - 1,
            string.Join(",", phase.ActiveGroups.Select(g => _spec.Groups[g].Name)));
    }

    private void Finish()
    {
        Become(Collecting);
        foreach (var agent in _targets) agent.Tell(Deactivate.Instance);
        _model.Tell(new SetActive([], _spec.BudgetTasks));
        // The model answers GetModelStats after it has handled SetActive, i.e. after it has sent every withdrawal.
        // Asking the agents for their stats only then makes those stats (in-flight, withdrawals) the same whatever
        // the thread timing: a withdrawal and our GetStats come from different senders, so nothing else orders them.
        _model.Tell(GetModelStats.Instance);
        Timers.StartSingleTimer("stats", StatsTimedOut.Instance, StatsTimeout);
        if (_agents.Count == 0) Complete();
    }

    private void Complete()
    {
        Timers.CancelAll();
        var agents = _agentStats.Values.ToArray();
        var groups = _spec.Groups.Select((g, i) => new GroupTally(i, g.Name, _tasks[i], _applied[i], _steps[i], _rejections[i])).ToArray();
        var result = new RunCompleted(_tasks.Sum(), _applied.Sum(), _steps.Sum(), _rejections.Sum(), _restarts,
            _restarts - agents.Sum(a => a.Restarts), groups, agents, _evaluations.ToArray())
        {
            StoppedAgents = _stopped.Order().ToArray(),
            Interrupted = _interrupting && _tasksDone < _spec.BudgetTasks,
        };
        _asker?.Tell(result);
        _interruptAsker?.Tell(result);
        _observer?.Tell(result);
        Become(Done);
        foreach (var agent in _agents)
        {
            Context.Unwatch(agent);
            Context.Stop(agent);
        }
    }

    private void Fail(string reason)
    {
        var error = new InvalidOperationException(_lastFailure is null ? reason : $"{reason}: {_lastFailure.GetType().Name}: {_lastFailure.Message}", _lastFailure);
        _log.Error(error, "The run failed");
        _asker?.Tell(new Status.Failure(error));
        Become(Done);
    }

    private void Tally(TaskCompleted completed)
    {
        int g = completed.Group;
        _tasksDone++;
        _tasks[g]++;
        _steps[g] += completed.Outcome.AppliedSteps;
        if (completed.Outcome.Rejected) _rejections[g]++;
        else _applied[g]++;
    }

    private void Record(Evaluation evaluation)
    {
        _evaluations.Add(evaluation);
        _observer?.Tell(evaluation);
    }

    private void ForAgents(Func<int, bool> groupFilter, object message)
    {
        for (int id = 0; id < _agents.Count; id++)
            if (groupFilter(_groupOfAgent[id])) _targets[id].Tell(message);
    }

    private sealed class StatsTimedOut
    {
        public static StatsTimedOut Instance { get; } = new();
    }
}
