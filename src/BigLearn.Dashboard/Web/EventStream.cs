using System.Text.Json;
using BigLearn.Dashboard.State;
using Microsoft.AspNetCore.Http;

namespace BigLearn.Dashboard.Web;

/// <summary>
/// A run's server-sent events: one <c>state</c> event at once, then one whenever the run changed, at most four a second (the data's
/// pace, never a poll), each with only the curve points the client has not had yet; a comment every 15 s keeps idle proxies open.
/// </summary>
public static class EventStream
{
    /// <summary>The shortest time between two events of one stream.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    internal static async Task Run(HttpContext http, RunView run)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var stop = http.RequestAborted;
        int evaluations = 0, credit = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long version = run.Version;
                var snapshot = run.Snapshot(evaluations, credit);
                await response.WriteAsync("event: state\ndata: " + JsonSerializer.Serialize(snapshot, Endpoints.Json) + "\n\n", stop).ConfigureAwait(false);
                await response.Body.FlushAsync(stop).ConfigureAwait(false);
                evaluations = snapshot.EvaluationsFrom + snapshot.Evaluations.Count;
                // The newest credit point may still move within its bucket: it is sent again next time.
                credit = Math.Max(0, snapshot.CreditFrom + snapshot.Credit.Count - 1);
                await Task.Delay(MinInterval, stop).ConfigureAwait(false);
                while (true)
                {
                    var changed = run.WhenChangedAfter(version);
                    if (await Task.WhenAny(changed, Task.Delay(Heartbeat, stop)).ConfigureAwait(false) == changed) break;
                    stop.ThrowIfCancellationRequested();
                    await response.WriteAsync(": keep-alive\n\n", stop).ConfigureAwait(false);
                    await response.Body.FlushAsync(stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away, or the server stops
        }
    }
}
