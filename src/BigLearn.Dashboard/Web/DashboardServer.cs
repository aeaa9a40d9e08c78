using System.Net;
using System.Net.Sockets;
using BigLearn.Dashboard.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BigLearn.Dashboard.Web;

/// <summary>
/// The dashboard's web server: Kestrel with ASP.NET Core minimal APIs in the process of the run (or of <c>biglearn serve</c>),
/// serving the page from the assembly's resources, the runs' state as JSON, a server-sent event stream per run and the controls.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, RunRegistry runs, DashboardOptions options, string url)
    {
        _app = app;
        Runs = runs;
        Options = options;
        Url = url;
    }

    /// <summary>The runs it serves.</summary>
    public RunRegistry Runs { get; }

    /// <summary>Where it listens and its token.</summary>
    public DashboardOptions Options { get; }

    /// <summary>The page's address (with the port it actually bound).</summary>
    public string Url { get; }

    /// <summary>Starts listening on <paramref name="options"/>' address and port.</summary>
    /// <exception cref="DashboardUsageException">The port is taken or the address is not this machine's (one line).</exception>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, RunRegistry runs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "biglearn-dashboard" });
        builder.Logging.ClearProviders(); // the terminal belongs to the run's progress; failures are answered per request
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.Address, options.Port);
            kestrel.Limits.MaxRequestBodySize = 16 * 1024; // a control is a few bytes
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSingleton(runs);
        builder.Services.AddSingleton(options);
        var app = builder.Build();
        Endpoints.Map(app, runs, options);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            bool inUse = e.InnerException?.GetType().Name == "AddressInUseException" || e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase);
            throw new DashboardUsageException(inUse
                ? $"--port {options.Port}: {options.Address}:{options.Port} is in use (choose another port, or 0 for a free one)"
                : $"--dashboard-bind {options.Address}: cannot listen there ({FirstLine(e.InnerException?.Message ?? e.Message)}; give an address of this machine)");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = options.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{options.Address}]" : options.Address.ToString();
        if (options.Address.Equals(IPAddress.Any)) host = "127.0.0.1";
        if (options.Address.Equals(IPAddress.IPv6Any)) host = "[::1]";
        return new DashboardServer(app, runs, options, $"http://{host}:{port}/");
    }

    /// <summary>Stops listening (open event streams end).</summary>
    public async ValueTask DisposeAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // streams that did not end in time are cut
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string FirstLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
