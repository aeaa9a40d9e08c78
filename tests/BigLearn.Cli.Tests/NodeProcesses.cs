using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>
/// Node processes for the cluster tests: <c>biglearn</c> started as a real process on loopback (stdout's first line read, stderr
/// drained), the CLI in-process and bounded, and every process ended by its id. Every wait is bounded by <see cref="Patience"/>.
/// </summary>
internal static class NodeProcesses
{
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    internal static (int Code, string Output, string Errors) Run(string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Cli.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    // The CLI in-process from an async test: on the thread pool and bounded, so a hang fails the test instead of blocking it.
    internal static Task<(int Code, string Output, string Errors)> RunAsync(string[] args) =>
        Task.Run(() => Run(args)).WaitAsync(Patience);

    // Asks a node (in-process, through the CLI) until it lists `count` members, all Up; bounded by Patience.
    internal static Task<JsonArray> WaitForMembers(string seed, int count, params Node[] nodes) => WaitForMembers(seed, count, null, nodes);

    internal static async Task<JsonArray> WaitForMembers(string seed, int count, string? tlsCertificate, params Node[] nodes)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < Patience)
        {
            foreach (var node in nodes)
                if (node.Process.HasExited) Assert.Fail($"a node ended early: {await node.Errors}");
            string[] tls = tlsCertificate is null ? [] : ["--tls-cert", tlsCertificate];
            var (code, output, errors) = await RunAsync(["cluster", "status", "--cluster", seed, "--json", "--timeout", "5", .. tls]);
            last = output + errors;
            if (code == 0)
            {
                var members = JsonNode.Parse(output)!["members"]!.AsArray();
                if (members.Count == count && members.All(m => m!["up"]!.GetValue<bool>())) return members;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"no {count} members Up within {Patience}: {last}");
        return [];
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    internal sealed record Node(Process Process, Task<string> FirstLine, Task<string> Rest, Task<string> Errors);

    internal static Node Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "biglearn.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(); // drained from the start: the node logs on stderr
        var first = ReadFirstLine(process);
        var rest = first.ContinueWith(_ => process.StandardOutput.ReadToEndAsync(), TaskScheduler.Default).Unwrap();
        return new Node(process, first, rest, errors);
    }

    internal static async Task<string> ReadFirstLine(Process process) =>
        await process.StandardOutput.ReadLineAsync().WaitAsync(Patience) ?? "(no line: the node ended)";

    internal static async Task<int> Exit(Node node)
    {
        await node.Process.WaitForExitAsync().WaitAsync(Patience);
        return node.Process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static extern int SendSignal(int pid, int signal);

    internal static void Terminate(Process process) => Assert.Equal(0, SendSignal(process.Id, 15)); // SIGTERM, by id

    // Every process a test starts is ended by its id, whatever happened.
    internal static void End(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        process.Dispose();
    }
}
