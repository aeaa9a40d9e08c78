using System.Globalization;
using System.Net;
using BigLearn.Actors.Cluster;

namespace BigLearn.Hosting.Cluster;

/// <summary>A node's remoting endpoint, <c>HOST:PORT</c> (an IPv4 address or a host name; an IPv6 address in brackets).</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port, 1 to 65535.</param>
public sealed record ClusterEndpoint(string Host, int Port)
{
    /// <summary>The Akka address of the node's actor system at this endpoint (<c>akka.tcp://biglearn@127.0.0.1:4053</c>).</summary>
    public string AkkaAddress => AkkaAddressOver(tls: false);

    /// <summary>The node's Akka address over plain TCP (<c>akka.tcp</c>) or TLS (<c>akka.ssl.tcp</c>, Akka's protocol name for it).</summary>
    public string AkkaAddressOver(bool tls) =>
        $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://{ClusterRoles.SystemName}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>HOST:PORT</c>; <paramref name="what"/> names the option in the one-line refusal.</summary>
    /// <exception cref="ClusterUsageException">Not <c>HOST:PORT</c> with a port from 1 to 65535.</exception>
    public static ClusterEndpoint Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        int colon = trimmed.LastIndexOf(':');
        string host = colon > 0 ? trimmed[..colon] : "";
        string port = colon > 0 ? trimmed[(colon + 1)..] : "";
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0 || port.Length == 0 || !IsHost(host))
            throw new ClusterUsageException($"{what}: '{text}' is not HOST:PORT (for example 127.0.0.1:4053)");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value is < 1 or > 65535)
            throw new ClusterUsageException($"{what}: '{text}' has port '{port}'; a port is 1 to 65535");
        return new ClusterEndpoint(host, value);
    }

    /// <summary>True for an address or name that is only reachable from this machine (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>True for an IP address or a syntactically valid DNS name.</summary>
    internal static bool IsHost(string host) =>
        IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns;
}
