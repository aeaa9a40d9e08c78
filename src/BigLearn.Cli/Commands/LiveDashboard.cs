using BigLearn.Dashboard.State;
using BigLearn.Dashboard.Web;

namespace BigLearn.Cli.Commands;

/// <summary>The dashboard of a command that runs experiments in this process (<c>run</c>, <c>resume</c>, <c>node</c>): started first, so its URL is the first line; stopped last.</summary>
internal sealed class LiveDashboard : IDisposable
{
    private readonly DashboardServer _server;
    private readonly RunRegistry _runs = new();

    public LiveDashboard(CliConsole console, DashboardOptions options)
    {
        _server = DashboardCli.Start(console, options, _runs);
        Tap = new DashboardTap(_runs);
    }

    /// <summary>What the runs are handed: every run that attaches appears on the page.</summary>
    public DashboardTap Tap { get; }

    public void Dispose() => DashboardCli.Stop(_server, _runs.All.OfType<LiveRun>());
}
