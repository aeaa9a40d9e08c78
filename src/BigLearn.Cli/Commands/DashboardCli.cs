using System.CommandLine;
using BigLearn.Dashboard.State;
using BigLearn.Dashboard.Web;

namespace BigLearn.Cli.Commands;

/// <summary>
/// The dashboard's options (<c>--dashboard [--port 5099] [--dashboard-bind ADDR]</c>) for <c>run</c>, <c>resume</c> and <c>node</c>
/// (<c>serve</c> has <c>--port</c> and <c>--dashboard-bind</c>), and its start: the page's URL is the command's first line, the
/// token its second.
/// </summary>
internal sealed class DashboardCli
{
    public Option<bool> Enabled { get; } = new("--dashboard")
    {
        Description = "Serve a live page of the run on 127.0.0.1 (the URL is the first line); controls need the token printed next",
    };

    public Option<int?> Port { get; } = new("--port")
    {
        Description = $"With --dashboard: the page's port (default {DashboardOptions.DefaultPort}; 0 picks a free one)",
        HelpName = "PORT",
    };

    public Option<string?> Bind { get; } = new("--dashboard-bind")
    {
        Description = "With --dashboard: listen on this address instead of 127.0.0.1 (then every request needs the token)",
        HelpName = "ADDRESS",
    };

    public IEnumerable<Option> All => [Enabled, Port, Bind];

    /// <summary>The options of a parsed command line, or null without <c>--dashboard</c>; <c>--port</c> or <c>--dashboard-bind</c> alone is refused.</summary>
    public DashboardOptions? Parse(ParseResult parsed)
    {
        var (enabled, port, bind) = (parsed.GetValue(Enabled), parsed.GetValue(Port), parsed.GetValue(Bind));
        if (!enabled)
        {
            if (port is not null) throw new CliUsageException($"--port {port}: only with --dashboard (the dashboard's port)");
            if (bind is not null) throw new CliUsageException($"--dashboard-bind {bind}: only with --dashboard (the dashboard's address)");
            return null;
        }
        return Options(port, bind);
    }

    /// <summary>Options from <c>--port</c> and <c>--dashboard-bind</c>, refused in one line.</summary>
    public static DashboardOptions Options(int? port, string? bind)
    {
        try
        {
            return DashboardOptions.From(port, bind);
        }
        catch (DashboardUsageException e)
        {
            throw new CliUsageException(e.Message);
        }
    }

    /// <summary>Starts the server and prints its URL (first line) and token (second line).</summary>
    public static DashboardServer Start(CliConsole console, DashboardOptions options, RunRegistry runs)
    {
        DashboardServer server;
        try
        {
            server = DashboardServer.StartAsync(options, runs).GetAwaiter().GetResult();
        }
        catch (DashboardUsageException e)
        {
            throw new CliUsageException(e.Message);
        }
        console.Output.WriteLine($"dashboard {server.Url}");
        console.Output.WriteLine($"dashboard token {options.Token} (pause, resume, share and stop need it: header Authorization: Bearer TOKEN, or paste it into the page)");
        if (options.Exposed)
            console.Error.WriteLine($"biglearn: warning: --dashboard-bind {options.Address}: the dashboard is reachable from other machines over plain HTTP; every request needs the token");
        console.Output.Flush();
        return server;
    }

    /// <summary>Lets the page's event streams send the run's last state, then stops the server.</summary>
    public static void Stop(DashboardServer server, IEnumerable<LiveRun> runs)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            foreach (var run in runs) run.PicturesDrawnAsync(bounded.Token).GetAwaiter().GetResult();
            // Two event intervals: every open stream has sent the end's state.
            Task.Delay(EventStream.MinInterval * 2, bounded.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // the last picture is not worth a hung exit
        }
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
