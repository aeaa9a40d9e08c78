using System.Net;
using System.Text.Json;
using BigLearn.Dashboard.State;
using BigLearn.Dashboard.Web;

namespace BigLearn.Dashboard.Tests;

/// <summary>The HTTP endpoints against a real Kestrel on a free loopback port, with the smoke population running in this process.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardHttpTests
{
    [Fact]
    public async Task Controls_need_the_token_and_act_through_the_model()
    {
        await using var dashboard = await SmokeDashboard.StartAsync();
        var paused = await dashboard.StateAsync();
        Assert.Equal(("paused", 0L, 60L), (paused.Status, paused.TasksDone, paused.Budget));
        Assert.Equal([0, 1, 2, 3], paused.Agents.Select(a => a.Id));
        Assert.Equal(["marginal", "marginal", "marginal", "joint"], paused.Agents.Select(a => a.Group));
        Assert.True(paused.Controllable);

        // Without the token, or with another, every control is 401 and nothing changes.
        foreach (var token in new string?[] { null, "wrong", dashboard.Token + "0" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.PostAsync("resume", token)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.PostAsync("stop", token)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.PostAsync("share", token, """{"group":"joint","share":0.5}""")).StatusCode);
        }
        var still = await dashboard.StateAsync();
        Assert.Equal(("paused", 0L), (still.Status, still.TasksDone));
        Assert.Equal([0.9, 0.1], still.Groups.Select(g => g.Share));

        // Bad input with the token: one line, 400, nothing changes.
        var bad = await dashboard.PostAsync("share", dashboard.Token, "not json");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("body: not JSON", Error(await bad.Content.ReadAsStringAsync()));
        var unknown = await dashboard.PostAsync("share", dashboard.Token, """{"group":"nobody","share":0.5}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("group \"nobody\" is unknown (the groups are marginal, joint)", Error(await unknown.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await dashboard.PostAsync("share", dashboard.Token, """{"group":"joint","share":-1}""")).StatusCode);

        // With the token the model takes the share, then runs to its budget.
        var share = await dashboard.PostAsync("share", dashboard.Token, """{"group":"joint","share":0.5}""");
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        Assert.Equal([0.9, 0.5], (await dashboard.StateAsync()).Groups.Select(g => g.Share));
        Assert.Equal(HttpStatusCode.OK, (await dashboard.PostAsync("resume", dashboard.Token)).StatusCode);
        var output = await dashboard.Finished.WaitAsync(SmokeDashboard.Patience);
        var done = await dashboard.UntilAsync(s => s.Status == "done", "the end");

        Assert.Equal(60, done.TasksDone);
        Assert.Equal([0L, 20, 40, 60], done.Evaluations.Select(e => e.Tasks));
        Assert.Equal(60, done.Agents.Sum(a => a.Tasks));
        Assert.Equal(done.Agents.Sum(a => a.Tasks), done.Groups.Sum(g => g.Tasks));
        Assert.False(done.Controllable);
        // The page's figures are the run's: the last curve point is summary.json's, the credits are the ledger's.
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Folder, "summary.json")));
        Assert.Equal(summary.RootElement.GetProperty("reverse_kl").GetDouble(), done.Evaluations[^1].Values["reverse_kl"]);
        Assert.Equal(summary.RootElement.GetProperty("modes_covered").GetDouble(), done.Evaluations[^1].Values["modes_covered"]);
        using var ledger = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Folder, "contributions.json")));
        foreach (var line in ledger.RootElement.GetProperty("agents").EnumerateArray())
        {
            Assert.Equal(line.GetProperty("credit").GetDouble(), done.Agents[line.GetProperty("id").GetInt32()].Credit!.Value, 12);
            // The corrected credit needs the whole ledger: it arrives with the end of the run, equal to the file's.
            Assert.Equal(line.GetProperty("corrected_credit").GetDouble(), done.Agents[line.GetProperty("id").GetInt32()].Corrected!.Value, 12);
        }
        Assert.Equal(ledger.RootElement.GetProperty("total_credit").GetDouble(), done.Credit[^1].Groups.Sum(), 12);

        // The agent's page: its tasks, its masks (a 1-D marginal in a Haar basis observes nothing: |S| = 0 every time).
        var agent = JsonSerializer.Deserialize<AgentDetail>(await dashboard.Http.GetStringAsync("api/runs/smoke/agents/0"), Endpoints.Json)!;
        Assert.Equal(done.Agents[0].Tasks, agent.ObservedSizes!.Sum());
        Assert.Equal(agent.Row.Tasks, agent.ObservedSizes![0]);
        Assert.Equal(new Dictionary<string, long> { ["haar"] = agent.Row.Tasks }, agent.Transforms);
        Assert.Equal(agent.Row.Tasks, agent.History[^1].OwnTasks);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.Http.GetAsync("api/runs/smoke/agents/4")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.Http.GetAsync("api/runs/nothing")).StatusCode);

        // The density picture of the last evaluation, and a control after the end is a conflict.
        await ((LiveRun)dashboard.Server.Runs.Find("smoke")!).PicturesDrawnAsync(CancellationToken.None);
        var picture = await dashboard.Http.GetAsync("api/runs/smoke/pictures/density");
        Assert.Equal(("image/png", true), (picture.Content.Headers.ContentType!.MediaType, (await picture.Content.ReadAsByteArrayAsync()).Length > 10_000));
        var late = await dashboard.PostAsync("pause", dashboard.Token);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("the run has ended (done)", Error(await late.Content.ReadAsStringAsync()));

        // The same run served from its files: the same curves and credits, and no controls.
        var runs = new RunRegistry();
        runs.Add(FolderRun.Load("files", output.Folder));
        await using var served = await DashboardServer.StartAsync(new DashboardOptions(IPAddress.Loopback, 0, "t"), runs);
        using var http = new HttpClient { BaseAddress = new Uri(served.Url) };
        var files = JsonSerializer.Deserialize<RunSnapshot>(await http.GetStringAsync("api/runs/files"), Endpoints.Json)!;
        Assert.Equal(done.Evaluations.Select(e => (e.Tasks, e.Values["reverse_kl"], e.Values["modes_covered"])),
            files.Evaluations.Select(e => (e.Tasks, e.Values["reverse_kl"], e.Values["modes_covered"])));
        Assert.Equal(done.Agents.Select(a => (a.Id, a.Tasks, a.Credit)), files.Agents.Select(a => (a.Id, a.Tasks, a.Credit)));
        Assert.Equal(done.Agents.Select(a => a.Corrected), files.Agents.Select(a => a.Corrected)); // from agents.csv's corrected_credit
        using var control = new HttpRequestMessage(HttpMethod.Post, "api/runs/files/pause");
        control.Headers.Authorization = new("Bearer", "t");
        Assert.Equal(HttpStatusCode.Conflict, (await http.SendAsync(control)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/runs/files/pictures/density-final")).StatusCode);
        Assert.Contains("uPlot", await http.GetStringAsync("assets/vendor/uplot/uPlot.iife.min.js"));
        Assert.Contains("<title>biglearn dashboard</title>", await http.GetStringAsync("/"));
    }

    [Fact]
    public async Task The_event_stream_sends_each_point_once_as_the_run_advances()
    {
        await using var dashboard = await SmokeDashboard.StartAsync();
        using var response = await dashboard.Http.GetAsync("api/runs/smoke/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await NextState(reader);
        Assert.Equal(("paused", 0L), (first.Status, first.TasksDone));
        Assert.Equal(HttpStatusCode.OK, (await dashboard.PostAsync("resume", dashboard.Token)).StatusCode);

        // Accumulate as the page does: each event carries the points from its index on.
        var evaluations = first.Evaluations.ToList();
        var tasksSeen = new List<long> { first.TasksDone };
        var state = first;
        while (state.Status is not ("done" or "failed"))
        {
            state = await NextState(reader);
            Assert.True(state.EvaluationsFrom <= evaluations.Count, "an event skipped evaluations");
            evaluations.RemoveRange(state.EvaluationsFrom, evaluations.Count - state.EvaluationsFrom);
            evaluations.AddRange(state.Evaluations);
            tasksSeen.Add(state.TasksDone);
        }
        Assert.Equal("done", state.Status);
        Assert.Equal([0L, 20, 40, 60], evaluations.Select(e => e.Tasks));
        Assert.Equal(tasksSeen.Order(), tasksSeen); // never backwards
        Assert.Equal(60, tasksSeen[^1]);
        Assert.True(state.Evaluations.Count <= 1, "the last event resent points the client had");
    }

    private static async Task<RunSnapshot> NextState(StreamReader reader)
    {
        using var limit = new CancellationTokenSource(SmokeDashboard.Patience);
        string? kind = null;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind == "state")
                return JsonSerializer.Deserialize<RunSnapshot>(line[6..], Endpoints.Json)!;
        }
        throw new EndOfStreamException("the event stream ended");
    }

    private static string Error(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("error").GetString()!;
    }
}
