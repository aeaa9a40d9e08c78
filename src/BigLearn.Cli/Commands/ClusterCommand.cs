using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Hosting.Cluster;
using BigLearn.Reporting;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;

namespace BigLearn.Cli.Commands;

/// <summary><c>biglearn cluster status --cluster HOST:PORT [--json] [--timeout SECONDS]</c>: the membership as one node sees it.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliConsole console)
    {
        var endpoint = new Option<string>("--cluster")
        {
            Description = "A node of the cluster to ask, HOST:PORT (as the node printed it)",
            HelpName = "HOST:PORT",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Give up after this many seconds without an answer (exit code 2)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => ClusterStatusClient.DefaultTimeout.TotalSeconds,
        };
        var tls = new Option<string?>("--tls-cert")
        {
            Description = $"The cluster's PKCS#12 certificate, for a cluster that uses mutual TLS (password in {NodeTls.PasswordVariable})",
            HelpName = "FILE.pfx",
        };
        var status = new Command("status",
            "List the cluster's members (address, status, roles, reachability) as the node at --cluster sees them, without joining the cluster")
        {
            endpoint, json, timeout, tls,
        };
        status.SetAction((parsed, cancellationToken) => Task.FromResult(Status(console, parsed.GetValue(endpoint)!, parsed.GetValue(json),
            parsed.GetValue(timeout), parsed.GetValue(tls), cancellationToken)));
        return new Command("cluster", "Inspect a cluster of biglearn nodes") { status };
    }

    private static int Status(CliConsole console, string endpointText, bool json, double seconds, string? tlsCertificate, CancellationToken cancellationToken)
    {
        var node = ClusterEndpoint.Parse(endpointText, "--cluster");
        if (!double.IsFinite(seconds) || seconds is <= 0 or > 3600)
            throw new CliUsageException($"--timeout {seconds.ToString(CultureInfo.InvariantCulture)}: a number of seconds above 0, at most 3600");
        // Synchronously, as the other commands: nothing here waits on a caller's synchronization context.
        var tls = string.IsNullOrWhiteSpace(tlsCertificate) ? null : NodeTls.Load(tlsCertificate);
        var answer = ClusterStatusClient.QueryAsync(node, TimeSpan.FromSeconds(seconds), cancellationToken, tls).GetAwaiter().GetResult();
        console.Output.Write(json ? Json(answer) : Table(answer));
        return 0;
    }

    /// <summary>The status as an aligned table under a one-line heading.</summary>
    internal static string Table(ClusterStatus status)
    {
        var text = new StringBuilder();
        int up = status.Members.Count(m => m.IsUp);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"cluster seen from {status.Node}: {status.Members.Length} member(s), {up} up, leader {status.Leader ?? "none"}");
        string[] header = ["ADDRESS", "STATUS", "ROLES", "REACHABLE"];
        var rows = status.Members.Select(m => new[] { m.Address, m.Status, string.Join(',', m.Roles), m.Reachable ? "yes" : "no" }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        var experiments = status.Placement.SelectMany(p => p.Experiments.Select(e => (Experiment: e, Model: p.Node)))
            .OrderBy(e => e.Experiment, StringComparer.Ordinal).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"{experiments.Count} experiment(s) running");
        foreach (var (experiment, model) in experiments)
        {
            var agents = status.Placement.SelectMany(p => p.Agents.Where(a => a.Experiment == experiment).Select(a => $"{a.Count} on {p.Node}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {experiment}: model on {model}; agents: {string.Join(", ", agents)}");
        }
        return text.ToString();
    }

    /// <summary>The status as indented JSON: node, leader, members (address, status, roles, reachable, up).</summary>
    internal static string Json(ClusterStatus status) =>
        IndentedJson.Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("node", status.Node);
            if (status.Leader is null) writer.WriteNull("leader");
            else writer.WriteString("leader", status.Leader);
            writer.WriteStartArray("members");
            foreach (var member in status.Members)
            {
                writer.WriteStartObject();
                writer.WriteString("address", member.Address);
                writer.WriteString("status", member.Status);
                writer.WriteStartArray("roles");
                foreach (var role in member.Roles) writer.WriteStringValue(role);
                writer.WriteEndArray();
                writer.WriteBoolean("reachable", member.Reachable);
                writer.WriteBoolean("up", member.IsUp);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("placement");
            foreach (var node in status.Placement)
            {
                writer.WriteStartObject();
                writer.WriteString("node", node.Node);
                writer.WriteStartArray("experiments");
                foreach (var experiment in node.Experiments) writer.WriteStringValue(experiment);
                writer.WriteEndArray();
                writer.WriteStartObject("agents");
                foreach (var agents in node.Agents) writer.WriteNumber(agents.Experiment, agents.Count);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
}
