using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace BigLearn.Dashboard.Web;

/// <summary>A mistake in the dashboard's options (one line naming the option, the value and what is allowed).</summary>
public sealed class DashboardUsageException(string message) : Exception(message);

/// <summary>Where the dashboard listens and the token its controls need.</summary>
/// <param name="Address">The address to bind: 127.0.0.1 unless told otherwise.</param>
/// <param name="Port">The port (0: a free one, which <see cref="DashboardServer.Url"/> then says).</param>
/// <param name="Token">The token a request that changes a run must carry (<c>Authorization: Bearer TOKEN</c>); on an address other than
/// loopback every API request must carry it.</param>
public sealed record DashboardOptions(IPAddress Address, int Port, string Token)
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 5099;

    /// <summary>True when the address is reachable from other machines: then every API request needs the token.</summary>
    public bool Exposed => !IPAddress.IsLoopback(Address);

    /// <summary>Options from the command line's <c>--port</c> and <c>--dashboard-bind</c>, with a new random token.</summary>
    /// <exception cref="DashboardUsageException">A port outside 0..65535 or an address that is not an IP address.</exception>
    public static DashboardOptions From(int? port, string? bind)
    {
        int p = port ?? DefaultPort;
        if (p is < 0 or > 65535)
            throw new DashboardUsageException($"--port {p.ToString(CultureInfo.InvariantCulture)}: not allowed (0..65535; 0 picks a free port)");
        var address = IPAddress.Loopback;
        if (bind is not null && !IPAddress.TryParse(bind, out address!))
            throw new DashboardUsageException($"--dashboard-bind {bind}: not allowed (an IP address to listen on, such as 127.0.0.1, 0.0.0.0 or ::)");
        return new DashboardOptions(address, p, NewToken());
    }

    /// <summary>A new token: 128 random bits as hex.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
