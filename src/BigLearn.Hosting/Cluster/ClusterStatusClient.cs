using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using BigLearn.Actors.Cluster;
using BigLearn.Actors.Messages;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// <c>biglearn cluster status</c>: asks one node's <see cref="ClusterStatusActor"/> for its view of the membership, from a
/// short-lived actor system with remoting only (it does not join the cluster, so asking changes nothing there).
/// </summary>
public static class ClusterStatusClient
{
    /// <summary>The default bound on the whole question (connecting, asking, the answer).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // Remoting only, on an ephemeral port, and silent: a refused connection is reported by the caller as one line.
    private const string ClientHocon = """
        akka {
          loglevel = OFF
          stdout-loglevel = OFF
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.provider = remote
          remote.log-remote-lifecycle-events = off
          remote.dot-netty.tcp.port = 0
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;

    /// <summary>
    /// Asks the node at <paramref name="node"/> for its <see cref="ClusterStatus"/>, waiting at most <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="ClusterUsageException">No answer within the timeout (no node there, not a biglearn node, or unreachable).</exception>
    public static async Task<ClusterStatus> QueryAsync(ClusterEndpoint node, TimeSpan timeout, CancellationToken cancellationToken, NodeTls? tls = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var config = ConfigurationFactory.ParseString(ClientHocon)
            .WithFallback(ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.hostname = \"{LocalAddressToward(node.Host)}\""))
            .WithFallback(ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.enable-ssl = {(tls is null ? "off" : "on")}"))
            .WithFallback(BigLearnSerializer.Config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (tls is not null)
            setup = setup.And(new Akka.Remote.Transport.DotNetty.DotNettySslSetup(tls.Certificate, suppressValidation: false,
                requireMutualAuthentication: true, customValidator: tls.Validator));
        var system = ActorSystem.Create("biglearn-status", setup);
        try
        {
            var selection = system.ActorSelection(node.AkkaAddressOver(tls is not null) + ClusterRoles.StatusActorPath);
            return await selection.Ask<ClusterStatus>(GetClusterStatus.Instance, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new ClusterUsageException(
                $"--cluster {node}: no answer from a biglearn node at {node.AkkaAddressOver(tls is not null)} within {timeout.TotalSeconds:0.#} s (is a node running there?)");
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    // The client's own address must be one the node can answer: loopback for a loopback node, otherwise the local address the
    // operating system would route toward the node (a UDP "connect" sends nothing).
    internal static string LocalAddressToward(string host)
    {
        if (ClusterEndpoint.IsLoopback(host)) return IPAddress.TryParse(host, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6 ? "::1" : "127.0.0.1";
        try
        {
            var target = Dns.GetHostAddresses(host).FirstOrDefault()
                ?? throw new ClusterUsageException($"--cluster: cannot resolve '{host}'");
            using var probe = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(target, 9);
            return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException e)
        {
            throw new ClusterUsageException($"--cluster: cannot reach '{host}': {e.Message}");
        }
    }
}
