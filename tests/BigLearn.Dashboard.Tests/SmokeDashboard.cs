using System.Net.Http.Headers;
using System.Text.Json;
using BigLearn.Dashboard.State;
using BigLearn.Dashboard.Web;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;

namespace BigLearn.Dashboard.Tests;

/// <summary>Tests that run the smoke population with libtorch go one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DashboardCollection
{
    public const string Name = "Dashboard";
}

/// <summary>
/// The smoke population (configs/gmm25-smoke.conf, 60 tasks) run in this process with a dashboard on a free loopback port,
/// started paused, so a test sees it before its first task and lets it go with the token. Disposing it waits (bounded) for the run
/// and stops the server; the run folder is deleted.
/// </summary>
internal sealed class SmokeDashboard : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly Task<ExperimentRunOutput> _run;
    private readonly string _scratch;

    private SmokeDashboard(DashboardServer server, Task<ExperimentRunOutput> run, string scratch, string folder)
    {
        Server = server;
        _run = run;
        _scratch = scratch;
        Folder = folder;
        Http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = Patience };
    }

    public DashboardServer Server { get; }
    public HttpClient Http { get; }
    public string Folder { get; }
    public string Token => Server.Options.Token;

    public static async Task<SmokeDashboard> StartAsync(string config = "gmm25-smoke.conf")
    {
        var scratch = Directory.CreateTempSubdirectory("biglearn-dashboard-").FullName;
        var folder = Path.Combine(scratch, "smoke");
        var runs = new RunRegistry();
        var server = await DashboardServer.StartAsync(new DashboardOptions(System.Net.IPAddress.Loopback, 0, DashboardOptions.NewToken()), runs);
        var tap = new DashboardTap(runs) { StartPaused = true };
        var experiment = ModelKinds.Load(Path.Combine(RepoRoot(), "configs", config));
        var run = Task.Factory.StartNew(() => ExperimentRun.Run(experiment, folder, consoleLog: TextWriter.Null, tap: tap),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var dashboard = new SmokeDashboard(server, run, scratch, folder);
        await dashboard.UntilAsync(s => s.Status == "paused", "the run to start paused");
        return dashboard;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BigLearn.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The run's id (the folder's name).</summary>
    public string Id => "smoke";

    public async Task<RunSnapshot> StateAsync() =>
        JsonSerializer.Deserialize<RunSnapshot>(await Http.GetStringAsync($"api/runs/{Id}"), Endpoints.Json)!;

    /// <summary>Polls the state only in a test (the page itself is pushed to): until <paramref name="done"/>, at most <see cref="Patience"/>.</summary>
    public async Task<RunSnapshot> UntilAsync(Func<RunSnapshot, bool> done, string what)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (Server.Runs.Find(Id) is null) // the run attaches once libtorch and its actors are up
        {
            var added = Server.Runs.WhenAdded();
            if (Server.Runs.Find(Id) is not null) break;
            if (await Task.WhenAny(added, _run, Task.Delay(Patience, limit.Token)) != added)
            {
                if (_run.IsCompleted) await _run;
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for the run to attach");
            }
        }
        var live = (LiveRun)Server.Runs.Find(Id)!;
        while (true)
        {
            long version = live.Version;
            var state = live.Snapshot(0, 0);
            if (done(state)) return state;
            if (_run.IsFaulted) await _run; // the run's own failure says more than a timeout
            var changed = live.WhenChangedAfter(version);
            if (await Task.WhenAny(changed, Task.Delay(Patience, limit.Token)) != changed)
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}; the run is {state.Status} after {state.TasksDone} tasks");
        }
    }

    public async Task<HttpResponseMessage> PostAsync(string action, string? token, string body = "{}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/runs/{Id}/{action}") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    public Task<ExperimentRunOutput> Finished => _run;

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await PostAsync("stop", Token);
            await PostAsync("resume", Token);
        }
        try
        {
            await _run.WaitAsync(Patience);
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            // the test that owns the run has reported its failure
        }
        Http.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }
}
