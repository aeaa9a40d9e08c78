using System.Net;
using System.Net.Sockets;

namespace BigLearn.Dashboard.Tests;

/// <summary>The dashboard's options on the command line: the URL first, the token second, and one line with exit code 2 for a mistake.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardCliTests
{
    private static readonly string Smoke = Path.Combine(SmokeDashboard.RepoRoot(), "configs", "gmm25-smoke.conf");

    [Theory]
    [InlineData("run|{smoke}|--port|5099", "biglearn: --port 5099: only with --dashboard (the dashboard's port)")]
    [InlineData("run|{smoke}|--dashboard-bind|0.0.0.0", "biglearn: --dashboard-bind 0.0.0.0: only with --dashboard (the dashboard's address)")]
    [InlineData("run|{smoke}|--dashboard|--dashboard-bind|my-laptop", "biglearn: --dashboard-bind my-laptop: not allowed (an IP address to listen on, such as 127.0.0.1, 0.0.0.0 or ::)")]
    [InlineData("run|{smoke}|--dashboard|--port|70000", "biglearn: --port 70000: not allowed (0..65535; 0 picks a free port)")]
    [InlineData("run|{smoke}|--dashboard|--seeds|1,2", "biglearn: --dashboard: not with --seeds (one run at a time; watch each seed afterwards with biglearn serve {out}/seed-SEED)")]
    [InlineData("serve|{missing}", "biglearn: RUN_DIR {missing}: no such run folder")]
    [InlineData("node|--roles|agents|--dashboard", "biglearn: --dashboard: only on a node with the model role (--roles model,...): the runs' models and observers live there")]
    public void A_mistake_is_one_line_and_exit_code_2(string args, string expected)
    {
        var scratch = Directory.CreateTempSubdirectory("biglearn-dashboard-cli-").FullName;
        try
        {
            var (missing, output) = (Path.Combine(scratch, "missing"), Path.Combine(scratch, "out"));
            string Fill(string text) => text.Replace("{smoke}", Smoke).Replace("{missing}", missing).Replace("{out}", output);
            var argv = Fill(args).Split('|');
            if (argv[0] == "run") argv = [.. argv, "--out", output];
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Assert.Equal(2, Cli.Cli.Run(argv, stdout, stderr));
            Assert.Equal(Fill(expected), stderr.ToString().TrimEnd());
            Assert.Equal("", stdout.ToString());
            Assert.False(Directory.Exists(output));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void Run_prints_the_url_first_then_the_token_and_serve_refuses_a_taken_port()
    {
        var scratch = Directory.CreateTempSubdirectory("biglearn-dashboard-cli-").FullName;
        try
        {
            var folder = Path.Combine(scratch, "run");
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Assert.Equal(0, Cli.Cli.Run(["run", Smoke, "--dashboard", "--port", "0", "--out", folder], stdout, stderr));
            var lines = stdout.ToString().Split('\n');
            Assert.Matches(@"^dashboard http://127\.0\.0\.1:\d+/$", lines[0]);
            Assert.Matches(@"^dashboard token [0-9a-f]{32} \(", lines[1]);
            Assert.StartsWith("run gmm25-smoke", lines[2]);
            Assert.True(File.Exists(Path.Combine(folder, "summary.json")));

            // A port another process holds: one line naming the option and the address.
            using var taken = new TcpListener(IPAddress.Loopback, 0);
            taken.Start();
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            stderr = new StringWriter();
            Assert.Equal(2, Cli.Cli.Run(["serve", folder, "--port", port.ToString()], new StringWriter(), stderr));
            Assert.Equal($"biglearn: --port {port}: 127.0.0.1:{port} is in use (choose another port, or 0 for a free one)", stderr.ToString().TrimEnd());
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
