using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Hosting;
using BigLearn.Actors.Cluster;
using BigLearn.Actors.Messages;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = BigLearn.Hosting.Configuration.LogLevel;

namespace BigLearn.Hosting.Cluster;

/// <summary>How a node's run ended.</summary>
public enum NodeExit
{
    /// <summary>Stopped on request (the token: SIGINT or SIGTERM); it left the cluster gracefully.</summary>
    Stopped,

    /// <summary>The actor system ended on its own (the node was downed or removed from the cluster).</summary>
    Removed,
}

/// <summary>
/// <c>biglearn node</c>: a long-running generic host (Microsoft.Extensions.Hosting) with an Akka.NET actor system configured by
/// Akka.Hosting: remoting on <see cref="NodeSettings.Host"/> (127.0.0.1 unless told otherwise), Akka.Cluster with the node's
/// roles and seed nodes, the split-brain resolver with keep-majority (the same on every node: nothing about it is configurable),
/// BigLearn's wire serializer, logging through Serilog, and a <see cref="ClusterStatusActor"/> at
/// <see cref="ClusterRoles.StatusActorPath"/>. Stopping it runs Akka's CoordinatedShutdown, so the node leaves the cluster
/// (Leaving, Exiting, Removed) before its actor system ends.
/// </summary>
public static class ClusterNode
{
    /// <summary>The most time a node takes to leave the cluster and stop before the host gives up waiting.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The Akka settings every node shares beyond what Akka.Hosting's options set. The caller owns SIGINT and SIGTERM (the CLI's
    /// exit codes): Akka's own process-exit hook is off, stdout carries the address line only (Akka's stdout logger is off), and stopping the host runs CoordinatedShutdown instead.
    /// </summary>
    internal const string NodeHocon = """
        akka.remote.log-remote-lifecycle-events = off
        akka.cluster.log-info = on
        akka.cluster.split-brain-resolver.stable-after = 10s
        akka.log-dead-letters = off
        akka.stdout-loglevel = OFF
        akka.log-config-on-start = off
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    /// <summary>
    /// Runs a node until <paramref name="cancellationToken"/> is cancelled (then it leaves the cluster and stops) or its actor
    /// system ends on its own. The first line on <paramref name="stdout"/> is <c>node ADDRESS roles ROLES</c> with the address
    /// the node actually bound (the port 0 resolves to); log lines (from <paramref name="logLevel"/>) go to
    /// <paramref name="stderr"/>, the process's stderr when null. A <paramref name="tap"/> (the dashboard) listens to the
    /// experiments whose model this node holds.
    /// </summary>
    public static async Task<NodeExit> RunAsync(NodeSettings settings, TextWriter stdout, TextWriter? stderr, LogLevel logLevel,
        CancellationToken cancellationToken, IRunTap? tap = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        using var logging = RunLogging.StartConsole(logLevel, stderr);
        using var host = Build(settings, logLevel);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var exit = NodeExit.Stopped;
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            if (tap is not null) Taps.AddOrUpdate(system, tap);
            var cluster = Akka.Cluster.Cluster.Get(system);
            if (settings.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress); // the first node of a new cluster
            await stdout.WriteLineAsync($"node {cluster.SelfAddress} roles {string.Join(',', settings.Roles)}").ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);

            var stopped = Task.Delay(Timeout.Infinite, cancellationToken);
            var finished = await Task.WhenAny(stopped, system.WhenTerminated).ConfigureAwait(false);
            if (finished == system.WhenTerminated && !cancellationToken.IsCancellationRequested) exit = NodeExit.Removed;
        }
        finally
        {
            // Akka.Hosting runs CoordinatedShutdown here: cluster leave, exiting, then the actor system terminates.
            using var bounded = new CancellationTokenSource(ShutdownTimeout);
            await host.StopAsync(bounded.Token).ConfigureAwait(false);
        }
        return exit;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActorSystem, ClusterRegions> Regions = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActorSystem, IRunTap> Taps = new();

    /// <summary>The tap of a node's actor system (its dashboard), or null.</summary>
    internal static IRunTap? TapOf(ActorSystem system) => Taps.TryGetValue(system, out var tap) ? tap : null;

    /// <summary>The shard regions of a node's actor system (started with the node).</summary>
    internal static ClusterRegions RegionsOf(ActorSystem system) =>
        Regions.TryGetValue(system, out var regions) ? regions : throw new InvalidOperationException("not a biglearn node's actor system");

    /// <summary>The generic host of a node, not started.</summary>
    internal static IHost Build(NodeSettings settings, LogLevel logLevel, bool errorsOnly = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true, // no appsettings.json, environment or command-line configuration: the CLI's options are the settings
            ApplicationName = "biglearn-node",
        });
        builder.Logging.ClearProviders(); // stdout carries the node's address line only; logs go through Serilog to stderr
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>(); // the CLI handles SIGINT/SIGTERM (exit 130/143)
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddAkka(ClusterRoles.SystemName, akka =>
        {
            akka.AddHocon(ConfigurationFactory.ParseString(NodeHocon).WithFallback(ConfigurationFactory.ParseString(ClusterRegions.Hocon))
                    .WithFallback(Actors.Model.ModelActor.DispatcherConfig).WithFallback(BigLearnSerializer.Config), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = errorsOnly ? Akka.Event.LogLevel.ErrorLevel : logLevel switch
                    {
                        LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
                        LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
                        _ => Akka.Event.LogLevel.WarningLevel,
                    };
                    loggers.ClearLoggers();
                    loggers.AddLogger<SerilogLogger>();
                })
                .WithRemoting(Remote(settings))
                .WithClustering(new ClusterOptions
                {
                    Roles = [.. settings.Roles],
                    SeedNodes = [.. settings.SeedNodes.Select(s => s.AkkaAddressOver(settings.Tls is not null))],
                    SplitBrainResolver = new KeepMajorityOption(),
                })
                .WithActors((system, _) =>
                {
                    system.ActorOf(ClusterStatusActor.Props(), ClusterRoles.StatusActorName);
                    Regions.GetValue(system, s => ClusterRegions.Start(s, settings.Roles));
                });
        });
        return builder.Build();
    }

    // Plain TCP, or mutual TLS where both sides present the cluster's certificate and accept only it.
    private static RemoteOptions Remote(NodeSettings settings)
    {
        var options = new RemoteOptions { HostName = settings.Host, PublicHostName = settings.PublicHost, Port = settings.Port };
        if (settings.Tls is { } tls)
        {
            options.EnableSsl = true;
            options.Ssl = new SslOptions { X509Certificate = tls.Certificate, RequireMutualAuthentication = true, CustomValidator = tls.Validator };
        }
        return options;
    }

    // The host's lifetime when the caller owns the signals: nothing to wait for, nothing to register.
    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
