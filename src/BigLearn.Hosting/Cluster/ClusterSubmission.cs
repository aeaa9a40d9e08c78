using Akka.Actor;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using Microsoft.Extensions.DependencyInjection;
using static BigLearn.Actors.Cluster.ExperimentProtocol;
using LogLevel = BigLearn.Hosting.Configuration.LogLevel;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// <c>biglearn run --cluster HOST:PORT</c>: joins the cluster as a member without roles (it holds neither a model nor agents),
/// submits the experiment to a model-role node through the experiment shard region, reports its progress as a local run does and
/// leaves the cluster when the run has written its folder. The run folder must be on storage the model-role nodes see (the same
/// machine, or a shared volume): they write it.
/// </summary>
public static class ClusterSubmission
{
    /// <summary>The longest wait for this process to become a member of the cluster.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs each of <paramref name="runs"/> on the cluster at <paramref name="cluster"/> at the same time (they spread over the model-role
    /// nodes), and returns their ends in the same order once every one has ended.
    /// </summary>
    /// <exception cref="ClusterUsageException">The cluster cannot be joined, or a run was refused for a reason the user can fix.</exception>
    /// <exception cref="InvalidOperationException">A run failed on the cluster.</exception>
    public static async Task<IReadOnlyList<ExperimentFinished>> RunAsync(ClusterEndpoint cluster, NodeTls? tls, bool insecure,
        IReadOnlyList<ClusterRunRequest> runs, Action<string>? stage, TextWriter? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(runs);
        string host = ClusterStatusClient.LocalAddressToward(cluster.Host);
        if (!ClusterEndpoint.IsLoopback(host) && tls is null && !insecure)
            throw new ClusterUsageException($"--cluster {cluster}: reaching a non-loopback cluster needs TLS (--tls-cert FILE.pfx, password in {NodeTls.PasswordVariable}); or pass --insecure");
        // Asked first, without joining: a wrong address or a cluster without the roles a run needs is one line at once.
        var status = await ClusterStatusClient.QueryAsync(cluster, ClusterStatusClient.DefaultTimeout, cancellationToken, tls).ConfigureAwait(false);
        foreach (var role in Actors.Cluster.ClusterRoles.All)
            if (!status.Members.Any(m => m.IsUp && m.Roles.Contains(role)))
                throw new ClusterUsageException($"--cluster {cluster}: no member with role {role} is up (start one with: biglearn node --roles {role} ...)");
        var settings = new NodeSettings(host, 0, [], [cluster], insecure) { Tls = tls };
        using var logging = RunLogging.StartConsole(LogLevel.Warning, log);
        // Errors only: the submitter follows the run, and the cluster's own warnings (a lost node) are the nodes' to log.
        using var node = ClusterNode.Build(settings, LogLevel.Warning, errorsOnly: true);
        await node.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var system = node.Services.GetRequiredService<ActorSystem>();
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            if (await Task.WhenAny(up.Task, Task.Delay(JoinTimeout, cancellationToken)).ConfigureAwait(false) != up.Task)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new ClusterUsageException($"--cluster {cluster}: could not join the cluster there within {JoinTimeout.TotalSeconds:0} s (is a biglearn node running there?)");
            }
            var ends = runs.Select((run, i) =>
            {
                var submit = new SubmitExperiment(run.Experiment, run.Config.ResolvedText, run.Config.Origin, Path.GetFullPath(run.Folder), Resume: false, Recoveries: []);
                var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
                system.ActorOf(Submitter.Props(ClusterNode.RegionsOf(system).Experiments, submit, run.Progress, stage, done), $"submitter-{i}");
                return done.Task;
            }).ToArray();
            var answers = await Task.WhenAll(ends).WaitAsync(cancellationToken).ConfigureAwait(false);
            return answers.Select(end => end switch
            {
                ExperimentFinished finished => finished,
                ExperimentFailed { UserError: true } failed => throw new ClusterUsageException(failed.Error),
                ExperimentFailed failed => throw new InvalidOperationException($"the run failed on the cluster: {failed.Error}"),
                _ => throw new InvalidOperationException($"unexpected answer {end.GetType().Name}"),
            }).ToArray();
        }
        finally
        {
            using var bounded = new CancellationTokenSource(ClusterNode.ShutdownTimeout);
            await node.StopAsync(bounded.Token).ConfigureAwait(false); // leaves the cluster gracefully
        }
    }
}

/// <summary>One run to submit to a cluster.</summary>
/// <param name="Experiment">The experiment's id on the cluster (unique while it runs; the run folder's name serves).</param>
/// <param name="Config">The configuration (sent resolved).</param>
/// <param name="Folder">The run folder (must not exist or be empty, on storage the model-role nodes see).</param>
/// <param name="Progress">Told the run's progress.</param>
public sealed record ClusterRunRequest(string Experiment, ConfigSource Config, string Folder, IProgress<RunProgress>? Progress);
