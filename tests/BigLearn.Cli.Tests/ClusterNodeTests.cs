using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BigLearn.Hosting.Cluster;
using static BigLearn.Cli.Tests.NodeProcesses;

namespace BigLearn.Cli.Tests;

/// <summary>
/// <c>biglearn node</c> and <c>biglearn cluster status</c>: two real node processes on loopback form a cluster that
/// <c>cluster status</c> (run in-process) lists, and leave it on SIGTERM; bad command lines, a non-loopback host without
/// <c>--insecure</c> and a closed port end with exit 2 and one line. Every process is ended by its id, whatever happens.
/// </summary>
public sealed class ClusterNodeTests
{
    [Fact]
    public async Task Two_nodes_on_loopback_form_a_cluster_that_status_lists_and_leave_it_on_SIGTERM()
    {
        int seedPort = FreePort(); // closed again before the node binds it: a small race, accepted
        string seed = $"127.0.0.1:{seedPort}";
        var first = Start(["node", "--roles", "model,agents", "--port", $"{seedPort}", "--seed-nodes", seed]);
        Node? second = null;
        try
        {
            Assert.Equal($"node akka.tcp://biglearn@{seed} roles agents,model", await first.FirstLine);
            second = Start(["node", "--roles", "agents", "--port", "0", "--seed-nodes", seed]);
            string secondLine = await second.FirstLine;
            Assert.Matches(@"^node akka\.tcp://biglearn@127\.0\.0\.1:[1-9][0-9]* roles agents$", secondLine);
            string secondAddress = secondLine.Split(' ')[1];

            // Both Up, with their roles, as the seed node sees them (bounded: joining takes a few gossip rounds).
            var members = await WaitForMembers(seed, 2, first, second);
            Assert.Equal(["agents", "model"], Roles(members, $"akka.tcp://biglearn@{seed}"));
            Assert.Equal(["agents"], Roles(members, secondAddress));
            Assert.All(members, m => Assert.True(m!["up"]!.GetValue<bool>() && m["reachable"]!.GetValue<bool>()));

            // The table, from the other node, once its view has converged too (gossip reaches it a moment later).
            string secondEndpoint = secondAddress["akka.tcp://biglearn@".Length..];
            await WaitForMembers(secondEndpoint, 2, first, second);
            var (code, table, errors) = await RunAsync(["cluster", "status", "--cluster", secondEndpoint]);
            Assert.True(code == 0, errors);
            var lines = table.TrimEnd().Split('\n');
            Assert.StartsWith($"cluster seen from {secondAddress}: 2 member(s), 2 up, leader akka.tcp://biglearn@127.0.0.1:", lines[0]);
            Assert.Matches(@"^ADDRESS +STATUS +ROLES +REACHABLE$", lines[1]);
            Assert.Contains(lines, l => l.StartsWith($"akka.tcp://biglearn@{seed} ", StringComparison.Ordinal) && l.Contains(" Up ") && l.Contains("agents,model"));

            // SIGTERM: the second node leaves gracefully (the seed sees one member) and exits with 143.
            Terminate(second.Process);
            Assert.Equal(143, await Exit(second));
            Assert.Contains("as [Leaving]", await second.Errors);
            members = await WaitForMembers(seed, 1, first);
            Assert.Equal($"akka.tcp://biglearn@{seed}", members[0]!["address"]!.GetValue<string>());

            Terminate(first.Process);
            Assert.Equal(143, await Exit(first));
            string rest = await first.Rest;
            Assert.True(rest.Length == 0, $"more than the address line on stdout: {rest}");
        }
        finally
        {
            End(first.Process);
            if (second is not null) End(second.Process);
        }
    }

    [Theory]
    [InlineData("unknown role 'frob'; allowed: model, agents", "node", "--roles", "model,frob")]
    [InlineData("--roles", "node", "--port", "4053")]
    [InlineData("--port: 70000 is not a port; use 1 to 65535, or 0 for a free one", "node", "--roles", "model", "--port", "70000")]
    [InlineData("--port: -1 is not a port", "node", "--roles", "model", "--port", "-1")]
    [InlineData("abc", "node", "--roles", "model", "--port", "abc")]
    [InlineData("--seed-nodes: '127.0.0.1' is not HOST:PORT", "node", "--roles", "agents", "--seed-nodes", "127.0.0.1")]
    [InlineData("--seed-nodes: '127.0.0.1:0' has port '0'; a port is 1 to 65535", "node", "--roles", "agents", "--seed-nodes", "127.0.0.1:4053,127.0.0.1:0")]
    [InlineData("--seed-nodes: 'no host:4053' is not HOST:PORT", "node", "--roles", "agents", "--seed-nodes", "no host:4053")]
    [InlineData("--host: 'bad host' is not an IP address or host name", "node", "--roles", "agents", "--host", "bad host")]
    [InlineData("'chatty'", "node", "--roles", "agents", "--log-level", "chatty")]
    [InlineData("--cluster", "cluster", "status")]
    [InlineData("--cluster: 'localhost' is not HOST:PORT", "cluster", "status", "--cluster", "localhost")]
    [InlineData("--timeout 0: a number of seconds above 0, at most 3600", "cluster", "status", "--cluster", "127.0.0.1:4053", "--timeout", "0")]
    public void A_bad_command_line_exits_with_2_and_one_line(string expected, params string[] args)
    {
        var (code, output, errors) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(errors.TrimEnd().Split('\n'));
        Assert.StartsWith("biglearn: ", errors);
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Run_on_a_cluster_that_is_not_there_or_with_options_that_need_one_is_a_one_line_refusal_that_writes_nothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), "biglearn-no-cluster-" + Guid.NewGuid().ToString("N"));
        string port = FreePort().ToString(CultureInfo.InvariantCulture);
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["--cluster", $"127.0.0.1:{port}", "--out", folder], $"--cluster 127.0.0.1:{port}: no answer from a biglearn node at akka.tcp://biglearn@127.0.0.1:{port} within 10 s"),
            (["--cluster", $"127.0.0.1:{port}", "--seeds", "888,5079", "--out", folder], "no answer from a biglearn node"),
            (["--cluster", "localhost", "--out", folder], "--cluster: 'localhost' is not HOST:PORT"),
            (["--tls-cert", "cluster.pfx", "--out", folder], "--tls-cert: only with --cluster HOST:PORT"),
            (["--insecure", "--out", folder], "--insecure: only with --cluster HOST:PORT"),
        })
        {
            var (code, _, errors) = Run(["run", ValidationTests.SmokeConfig(), .. args]);
            Assert.Equal(2, code);
            Assert.Contains(expected, ValidationTests.SingleLine(errors));
            Assert.False(Directory.Exists(folder), $"{string.Join(' ', args)} left {folder} behind");
        }
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    [InlineData("example.org")]
    public void A_non_loopback_host_without_insecure_is_refused_before_anything_binds(string host)
    {
        var (code, output, errors) = Run(["node", "--roles", "model,agents", "--port", "0", "--host", host]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"biglearn: --host {host}: binding to a non-loopback address needs TLS (--tls-cert FILE.pfx, password in BIGLEARN_TLS_PASSWORD); " +
            "or pass --insecure to bind without it (anyone who reaches the port can join)", errors.TrimEnd());
    }

    [Fact]
    public void Loopback_binds_by_default_and_a_non_loopback_host_is_allowed_only_with_insecure()
    {
        var local = NodeSettings.From(null, 0, ["model, agents", "agents"], [], insecure: false);
        Assert.Equal("127.0.0.1", local.Host);
        Assert.Equal(["agents", "model"], local.Roles);
        Assert.False(local.Exposed);
        Assert.False(NodeSettings.From("localhost", 1, ["model"], [], false).Exposed);
        Assert.False(NodeSettings.From("::1", 1, ["model"], [], false).Exposed);
        Assert.Throws<ClusterUsageException>(() => NodeSettings.From("192.168.1.5", 4053, ["model"], [], insecure: false));
        Assert.Null(NodeSettings.From(null, 0, ["agents"], [], false).PublicHost);
        Assert.Equal("model", NodeSettings.From("0.0.0.0", 4053, ["agents"], [], true, " model ").PublicHost);
        Assert.Throws<ClusterUsageException>(() => NodeSettings.From(null, 0, ["agents"], [], false, "not a host!"));
        var exposed = NodeSettings.From("192.168.1.5", 4053, ["model"], ["192.168.1.5:4053", "192.168.1.6:4053", "192.168.1.5:4053"], insecure: true);
        Assert.True(exposed.Exposed);
        Assert.Equal(["akka.tcp://biglearn@192.168.1.5:4053", "akka.tcp://biglearn@192.168.1.6:4053"], exposed.SeedNodes.Select(s => s.AkkaAddress));
        Assert.Equal(new ClusterEndpoint("::1", 4053), ClusterEndpoint.Parse("[::1]:4053", "--cluster"));
    }

    [Fact]
    public void Status_of_a_closed_port_exits_with_2_and_one_line_within_its_timeout()
    {
        int port = FreePort();
        var clock = Stopwatch.StartNew();
        var (code, output, errors) = Run(["cluster", "status", "--cluster", $"127.0.0.1:{port}", "--timeout", "2"]);
        clock.Stop();
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"biglearn: --cluster 127.0.0.1:{port}: no answer from a biglearn node at akka.tcp://biglearn@127.0.0.1:{port} within 2 s " +
            "(is a node running there?)", errors.TrimEnd());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task With_mutual_TLS_nodes_sharing_the_certificate_join_and_a_node_with_another_does_not()
    {
        var folder = Directory.CreateTempSubdirectory("biglearn-tls-").FullName;
        var (cluster, other) = (Certificate(folder, "cluster"), Certificate(folder, "other"));
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        var first = Start(["node", "--roles", "model,agents", "--port", port.ToString(CultureInfo.InvariantCulture), "--seed-nodes", seed, "--tls-cert", cluster]);
        Node? second = null, stranger = null;
        try
        {
            Assert.StartsWith($"node akka.ssl.tcp://biglearn@{seed} ", await first.FirstLine);
            second = Start(["node", "--roles", "agents", "--port", "0", "--seed-nodes", seed, "--tls-cert", cluster]);
            stranger = Start(["node", "--roles", "agents", "--port", "0", "--seed-nodes", seed, "--tls-cert", other]);
            var strangerAddress = (await stranger.FirstLine).Split(' ')[1];
            var members = await WaitForMembers(seed, 2, cluster, first, second);
            // The stranger has been trying since before the second joined; it never gets in.
            await Task.Delay(TimeSpan.FromSeconds(5));
            members = await WaitForMembers(seed, 2, cluster, first, second);
            Assert.DoesNotContain(members, m => m!["address"]!.GetValue<string>() == strangerAddress);

            // Asked without the certificate, or with another, the cluster does not answer: exit 2 and one line.
            foreach (var tls in (string[][])[[], ["--tls-cert", other]])
            {
                var (code, output, errors) = await RunAsync(["cluster", "status", "--cluster", seed, "--timeout", "3", .. tls]);
                Assert.Equal(2, code);
                Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }

            // Junk bytes on the TLS port leave the node running and answering.
            using (var junk = new TcpClient())
            {
                await junk.ConnectAsync(IPAddress.Loopback, port);
                await junk.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n\u0000\u0001garbage"));
            }
            await WaitForMembers(seed, 2, cluster, first, second);
        }
        finally
        {
            End(first.Process);
            if (second is not null) End(second.Process);
            if (stranger is not null) End(stranger.Process);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_certificate_that_cannot_be_used_is_refused_in_one_line()
    {
        var folder = Directory.CreateTempSubdirectory("biglearn-tls-").FullName;
        try
        {
            var locked = Certificate(folder, "locked", password: "not in the environment");
            Assert.Contains("cannot be read as PKCS#12 with the password in BIGLEARN_TLS_PASSWORD", Assert.Throws<ClusterUsageException>(() => NodeTls.Load(locked)).Message);
            Assert.Contains("no such file", Assert.Throws<ClusterUsageException>(() => NodeTls.Load(Path.Combine(folder, "none.pfx"))).Message);
            // With TLS a non-loopback address is allowed without --insecure.
            Assert.True(NodeSettings.From("10.1.2.3", 4053, ["agents"], [], insecure: false, tlsCertificate: Certificate(folder, "ok")).Exposed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // A self-signed certificate with its private key, as a PKCS#12 file (what a cluster's operator would make with openssl).
    private static string Certificate(string folder, string name, string password = "")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=biglearn-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static string[] Roles(JsonArray members, string address) =>
        [.. members.Single(m => m!["address"]!.GetValue<string>() == address)!["roles"]!.AsArray().Select(r => r!.GetValue<string>())];
}
