using System.CommandLine;
using BigLearn.Hosting.Cluster;
using LogLevel = BigLearn.Hosting.Configuration.LogLevel;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn node --roles model,agents [--port 4053] [--seed-nodes HOST:PORT,...] [--host 127.0.0.1] [--insecure]</c>: runs a
/// cluster node until SIGINT or SIGTERM, then leaves the cluster gracefully and exits with 130 or 143.
/// </summary>
internal static class NodeCommand
{
    public static Command Create(CliConsole console)
    {
        var roles = new Option<string[]>("--roles")
        {
            Description = "The node's roles, comma-separated: model (can hold an experiment's model), agents (hosts task agents)",
            HelpName = "model,agents",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var port = new Option<int>("--port")
        {
            Description = "Remoting port; 0 picks a free one (the first stdout line says which)",
            DefaultValueFactory = _ => 4053,
        };
        var seeds = new Option<string[]>("--seed-nodes")
        {
            Description = "Seed nodes to join, comma-separated HOST:PORT (a node may list itself); none: start a new cluster",
            HelpName = "HOST:PORT,...",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var host = new Option<string?>("--host")
        {
            Description = $"Address to bind and be known by (default {NodeSettings.DefaultHost}); a non-loopback address needs --insecure until TLS is supported",
            HelpName = "ADDRESS",
        };
        var publicHost = new Option<string?>("--public-host")
        {
            Description = "The name or address other nodes reach this one by, when it differs from --host (in a container: its address on the container network)",
            HelpName = "ADDRESS",
        };
        var tls = new Option<string?>("--tls-cert")
        {
            Description = $"Mutual TLS with the cluster's PKCS#12 certificate (password in {NodeTls.PasswordVariable}): peers must present the same certificate; allows a non-loopback --host",
            HelpName = "FILE.pfx",
        };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "Allow a non-loopback --host without TLS: anyone who reaches the port can join the cluster and send it messages",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "Log lines on stderr from this level: debug, information or warning",
            DefaultValueFactory = _ => "information",
        };
        logLevel.AcceptOnlyFromAmong("debug", "information", "warning");
        var dashboard = new DashboardCli();
        var command = new Command("node",
            "Run a cluster node (Akka.Cluster) with the given roles until SIGINT or SIGTERM, then leave the cluster gracefully; " +
            "prints 'node ADDRESS roles ROLES' first, logs on stderr. Binds to 127.0.0.1 unless told otherwise")
        {
            roles, port, seeds, host, publicHost, tls, insecure, logLevel,
        };
        // The node's own --port is its remoting port: the dashboard's is --dashboard-port here.
        var dashboardPort = new Option<int?>("--dashboard-port")
        {
            Description = $"With --dashboard: the page's port (default {Dashboard.Web.DashboardOptions.DefaultPort}; 0 picks a free one)",
            HelpName = "PORT",
        };
        command.Options.Add(dashboard.Enabled);
        command.Options.Add(dashboardPort);
        command.Options.Add(dashboard.Bind);
        command.SetAction((parsed, cancellationToken) => Task.FromResult(Run(console,
            NodeSettings.From(parsed.GetValue(host), parsed.GetValue(port), parsed.GetValue(roles) ?? [], parsed.GetValue(seeds) ?? [],
                parsed.GetValue(insecure), parsed.GetValue(publicHost), parsed.GetValue(tls)),
            parsed.GetValue(logLevel) switch { "debug" => LogLevel.Debug, "warning" => LogLevel.Warning, _ => LogLevel.Information },
            NodeDashboard(parsed, dashboard, dashboardPort), cancellationToken)));
        return command;
    }

    private static Dashboard.Web.DashboardOptions? NodeDashboard(ParseResult parsed, DashboardCli dashboard, Option<int?> port)
    {
        var (enabled, p, bind) = (parsed.GetValue(dashboard.Enabled), parsed.GetValue(port), parsed.GetValue(dashboard.Bind));
        if (!enabled && p is not null) throw new CliUsageException($"--dashboard-port {p}: only with --dashboard (the dashboard's port)");
        if (!enabled && bind is not null) throw new CliUsageException($"--dashboard-bind {bind}: only with --dashboard (the dashboard's address)");
        if (enabled && !parsed.GetValue<string[]>("--roles")!.SelectMany(r => r.Split(',')).Contains(Actors.Cluster.ClusterRoles.Model))
            throw new CliUsageException("--dashboard: only on a node with the model role (--roles model,...): the runs' models and observers live there");
        if (!enabled) return null;
        try
        {
            return Dashboard.Web.DashboardOptions.From(p, bind);
        }
        catch (Dashboard.Web.DashboardUsageException e)
        {
            throw new CliUsageException(e.Message.Replace("--port ", "--dashboard-port ", StringComparison.Ordinal));
        }
    }

    private static int Run(CliConsole console, NodeSettings settings, LogLevel logLevel, Dashboard.Web.DashboardOptions? dashboard,
        CancellationToken cancellationToken)
    {
        if (settings.Exposed)
            console.Error.WriteLine($"biglearn: warning: --insecure: binding to {settings.Host} without TLS; anyone who reaches port {settings.Port} can join the cluster and send it messages");
        // stdout carries the address line only: Akka writes a few lines straight to Console.Out while it shuts remoting down
        // (after its loggers have stopped), so in a process of its own the node sends Console.Out to stderr; the address line
        // still goes to the real stdout through console.Output.
        if (ReferenceEquals(console.Output, Console.Out)) Console.SetOut(Console.Error);
        using var live = dashboard is null ? null : new LiveDashboard(console, dashboard);
        using var signals = InterruptSignals.Listen(cancellationToken);
        var exit = ClusterNode.RunAsync(settings, console.Output, console.Error, logLevel, signals.Token, live?.Tap).GetAwaiter().GetResult();
        if (exit == NodeExit.Removed)
        {
            console.Error.WriteLine("biglearn: the node was removed from the cluster (downed or shut down by the cluster); it stopped");
            return Cli.Failure;
        }
        return signals.ExitCode;
    }
}
