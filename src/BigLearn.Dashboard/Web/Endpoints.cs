using System.Text.Json;
using BigLearn.Dashboard.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BigLearn.Dashboard.Web;

/// <summary>
/// The dashboard's HTTP surface (minimal APIs). Reading: <c>GET /</c> (the page), <c>/assets/…</c>, <c>/api/runs</c>,
/// <c>/api/runs/{id}</c>, <c>/api/runs/{id}/agents/{agent}</c>, <c>/api/runs/{id}/pictures/{name}</c> and the event stream
/// <c>/api/runs/{id}/events</c>. Changing: <c>POST /api/runs/{id}/pause</c>, <c>/resume</c>, <c>/stop</c> and <c>/share</c>
/// (<c>{"group": NAME, "share": NUMBER}</c>), only with <c>Authorization: Bearer TOKEN</c>: 401 without it, and nothing changes.
/// On an address other than loopback every <c>/api</c> request needs the token. Every error is JSON <c>{"error": "one line"}</c>.
/// </summary>
internal static class Endpoints
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app, RunRegistry runs, DashboardOptions options)
    {
        app.Use(async (context, next) =>
        {
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                // A request that breaks something is answered; the run and the server go on.
                context.Response.Clear();
                await Error(StatusCodes.Status500InternalServerError, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}").ExecuteAsync(context).ConfigureAwait(false);
            }
        });

        app.MapGet("/", () => Assets.Result("index.html"));
        app.MapGet("/assets/{**path}", (string path) => Assets.Result(path));

        var api = app.MapGroup("/api");
        if (options.Exposed) api.AddEndpointFilter(async (context, next) =>
            Authorized(context.HttpContext, options) ? await next(context).ConfigureAwait(false) : Unauthorized());

        api.MapGet("/runs", () => Results.Json(runs.All.Select(r => r.Describe()).ToArray(), Json));
        api.MapGet("/runs/{id}", (string id) => Find(runs, id, run => Results.Json(run.Snapshot(0, 0), Json)));
        api.MapGet("/runs/{id}/agents/{agent:int}", (string id, int agent) => Find(runs, id, run =>
            run.Agent(agent) is { } detail ? Results.Json(detail, Json) : Error(StatusCodes.Status404NotFound, $"agent {agent}: no such agent in run {id}")));
        api.MapGet("/runs/{id}/pictures/{name}", (string id, string name, HttpContext http) => Find(runs, id, run =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return run.Picture(name) is { } png ? Results.Bytes(png, "image/png") : Error(StatusCodes.Status404NotFound, $"picture {name}: none yet");
        }));
        api.MapGet("/runs/{id}/events", (string id, HttpContext http) => runs.Find(id) is { } run
            ? EventStream.Run(http, run)
            : Error(StatusCodes.Status404NotFound, $"run {id}: no such run").ExecuteAsync(http));

        api.MapPost("/runs/{id}/pause", (string id, HttpContext http) => Control(runs, options, id, http, (c, t) => c.PauseAsync(t)));
        api.MapPost("/runs/{id}/resume", (string id, HttpContext http) => Control(runs, options, id, http, (c, t) => c.ResumeAsync(t)));
        api.MapPost("/runs/{id}/stop", (string id, HttpContext http) => Control(runs, options, id, http, (c, t) => c.StopAsync(t)));
        api.MapPost("/runs/{id}/share", async (string id, HttpContext http) =>
        {
            if (!Authorized(http, options)) return Unauthorized(); // before the body is read: nothing of an unauthorised request is used
            var (group, share, error) = await ShareRequest.Read(http).ConfigureAwait(false);
            if (error is not null) return Error(StatusCodes.Status400BadRequest, error);
            return await Control(runs, options, id, http, (c, t) => c.SetShareAsync(group!, share, t)).ConfigureAwait(false);
        });
    }

    private static IResult Find(RunRegistry runs, string id, Func<RunView, IResult> found) =>
        runs.Find(id) is { } run ? found(run) : Error(StatusCodes.Status404NotFound, $"run {id}: no such run");

    private static async Task<IResult> Control(RunRegistry runs, DashboardOptions options, string id, HttpContext http,
        Func<IRunControls, CancellationToken, Task<string>> control)
    {
        if (!Authorized(http, options)) return Unauthorized();
        if (runs.Find(id) is not { } run) return Error(StatusCodes.Status404NotFound, $"run {id}: no such run");
        if (run.Controls is not { } controls)
            return Error(StatusCodes.Status409Conflict, $"run {id} is read from its files; only a run of this process has controls");
        try
        {
            return Results.Json(new { done = await control(controls, http.RequestAborted).ConfigureAwait(false) }, Json);
        }
        catch (ControlException e)
        {
            return Error(e.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>True when the request carries <c>Authorization: Bearer TOKEN</c> with the dashboard's token (compared in constant time).</summary>
    internal static bool Authorized(HttpContext http, DashboardOptions options)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = System.Text.Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        var expected = System.Text.Encoding.UTF8.GetBytes(options.Token);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static IResult Unauthorized() => Error(StatusCodes.Status401Unauthorized,
        "this needs the dashboard's token (printed when the dashboard started) as the header Authorization: Bearer TOKEN");

    internal static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);
}
