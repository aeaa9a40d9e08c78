using Akka.Actor;
using BigLearn.Hosting.Running;

namespace BigLearn.Dashboard.State;

/// <summary>
/// The dashboard's <see cref="IRunTap"/>: every run that attaches gets a <see cref="LiveRun"/> in the registry and a
/// <see cref="DashboardFeed"/> in its actor system, and its controls act through its supervisor.
/// </summary>
public sealed class DashboardTap(RunRegistry registry) : IRunTap
{
    private readonly Dictionary<TappedRun, LiveRun> _live = [];
    private readonly Lock _lock = new();

    /// <summary>Start every run paused (a test, or a researcher who wants the page open before the first task).</summary>
    public bool StartPaused { get; init; }

    /// <inheritdoc />
    public IActorRef? Attach(TappedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        LiveRun live = null!;
        var id = registry.NewId(run.ClusterExperiment ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(run.Folder))));
        var controls = new SupervisorControls(run.Supervisor, () => live);
        live = new LiveRun(id, run, controls);
        live.EnablePictures();
        var feed = run.System.ActorOf(DashboardFeed.Props(live), run.ActorPrefix + "dashboard");
        controls.Feed = feed;
        lock (_lock) _live[run] = live;
        registry.Add(live);
        if (StartPaused) run.Supervisor.Tell(Actors.Model.ModelProtocol.PauseRun.Instance, feed);
        live.Started();
        return feed;
    }

    /// <inheritdoc />
    public void Detach(TappedRun run, ExperimentRunOutput? output, string? failure)
    {
        LiveRun? live;
        lock (_lock) _live.Remove(run, out live);
        live?.Ended(output, failure);
    }
}
