using System.Globalization;
using BigLearn.Actors.Cluster;

namespace BigLearn.Hosting.Cluster;

/// <summary>What a <c>biglearn node</c> is told on its command line, checked.</summary>
/// <param name="Host">The address the node binds to and is known by (127.0.0.1 unless told otherwise).</param>
/// <param name="Port">The remoting port; 0 picks a free one (the node prints the one it got).</param>
/// <param name="Roles">The node's roles, from <see cref="ClusterRoles.All"/>, distinct, in ordinal order.</param>
/// <param name="SeedNodes">The seed nodes to join; empty: the node forms a new cluster of its own (joins itself).</param>
/// <param name="Insecure">True when a non-loopback <paramref name="Host"/> was allowed without TLS.</param>
public sealed record NodeSettings(string Host, int Port, IReadOnlyList<string> Roles, IReadOnlyList<ClusterEndpoint> SeedNodes, bool Insecure)
{
    /// <summary>
    /// The name other nodes reach this one by, when it differs from the bound address (a container binds 0.0.0.0 and is
    /// reached by its own address on the container network); null: the bound address.
    /// </summary>
    public string? PublicHost { get; init; }

    /// <summary>Mutual TLS with the cluster's certificate; null: plain TCP (loopback, or with --insecure).</summary>
    public NodeTls? Tls { get; init; }

    /// <summary>The address a node binds to unless told otherwise.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>True when <see cref="Host"/> is not a loopback address (the node can be reached from other machines).</summary>
    public bool Exposed => !ClusterEndpoint.IsLoopback(Host);

    /// <summary>Checks a command line's values.</summary>
    /// <param name="host">The bind address; null or empty for <see cref="DefaultHost"/>.</param>
    /// <param name="port">0 to 65535.</param>
    /// <param name="roles">Role names, each possibly comma-separated (<c>model,agents</c>); at least one.</param>
    /// <param name="seedNodes"><c>HOST:PORT</c> values, each possibly comma-separated.</param>
    /// <param name="insecure">Allows a non-loopback host without TLS.</param>
    /// <param name="publicHost">The name other nodes reach this one by; null or empty for the bound address.</param>
    /// <param name="tlsCertificate">The cluster's PKCS#12 certificate for mutual TLS; null or empty for none.</param>
    /// <exception cref="ClusterUsageException">A value is wrong; the message is one line saying which and what is allowed.</exception>
    public static NodeSettings From(string? host, int port, IEnumerable<string> roles, IEnumerable<string> seedNodes, bool insecure,
        string? publicHost = null, string? tlsCertificate = null)
    {
        var tls = string.IsNullOrWhiteSpace(tlsCertificate) ? null : NodeTls.Load(tlsCertificate);
        if (publicHost is not null && !ClusterEndpoint.IsHost(publicHost.Trim()))
            throw new ClusterUsageException($"--public-host: '{publicHost}' is not an IP address or host name");
        host = string.IsNullOrWhiteSpace(host) ? DefaultHost : host.Trim();
        if (!ClusterEndpoint.IsHost(host))
            throw new ClusterUsageException($"--host: '{host}' is not an IP address or host name");
        if (port is < 0 or > 65535)
            throw new ClusterUsageException($"--port: {port.ToString(CultureInfo.InvariantCulture)} is not a port; use 1 to 65535, or 0 for a free one");
        var names = Split(roles).ToList();
        if (names.Count == 0)
            throw new ClusterUsageException($"--roles: give at least one of: {string.Join(", ", ClusterRoles.All)}");
        foreach (var name in names)
            if (!ClusterRoles.All.Contains(name, StringComparer.Ordinal))
                throw new ClusterUsageException($"--roles: unknown role '{name}'; allowed: {string.Join(", ", ClusterRoles.All)}");
        var seeds = Split(seedNodes).Select(s => ClusterEndpoint.Parse(s, "--seed-nodes")).Distinct().ToList();
        if (!ClusterEndpoint.IsLoopback(host) && !insecure && tls is null)
            throw new ClusterUsageException(
                $"--host {host}: binding to a non-loopback address needs TLS (--tls-cert FILE.pfx, password in {NodeTls.PasswordVariable}); or pass --insecure to bind without it (anyone who reaches the port can join)");
        return new NodeSettings(host, port, [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], seeds, insecure)
        {
            PublicHost = string.IsNullOrWhiteSpace(publicHost) ? null : publicHost.Trim(),
            Tls = tls,
        };
    }

    private static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
