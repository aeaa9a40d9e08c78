using System.Diagnostics;
using BigLearn.Hosting.Cluster;

namespace BigLearn.Cli.Tests;

/// <summary>
/// The container set-up: docker-compose.yml is valid (checked offline by Debian's docker-compose; no Docker engine runs
/// here), every node runs the one image through docker/node-entrypoint.sh, and the command line that script builds is
/// one the node accepts.
/// </summary>
public sealed class ContainerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-container-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_compose_file_is_valid_and_runs_the_model_scalable_agents_and_a_submitter_from_one_image_without_published_ports()
    {
        var (code, output, error) = await Run("docker-compose", ["-f", Path.Combine(Repo, "docker-compose.yml"), "config"]);
        Assert.True(code == 0, error);
        Assert.Contains("  model:", output);
        Assert.Contains("  agents:", output);
        Assert.Equal(3, CountOf(output, "image: biglearn:latest"));
        Assert.Equal(3, CountOf(output, "runs:/app/runs"));
        // The `run` service (profile run, so `up` leaves it out) submits the main experiment to the model node.
        Assert.Contains("  run:", output);
        Assert.Contains("    profiles:\n    - run\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("    - run\n    image: biglearn:latest", output.ReplaceLineEndings("\n")); // the entrypoint ends in `run`
        Assert.Contains("    - configs/gmm25-biglearn.conf\n    - --cluster\n    - model:4053\n    - --insecure\n", output.ReplaceLineEndings("\n"));
        Assert.True(File.Exists(Path.Combine(Repo, "configs/gmm25-biglearn.conf")));
        Assert.DoesNotContain("ports:", output); // nodes talk on the compose network only
        Assert.DoesNotContain("container_name", output); // a fixed name would stop `--scale agents=N`
        Assert.Contains("BIGLEARN_SEED_NODES: model:4053", output);
    }

    [Fact]
    public void The_Dockerfile_publishes_the_cli_and_starts_the_entrypoint_that_exist()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repo, "Dockerfile"));
        Assert.Contains("dotnet publish src/BigLearn.Cli -c Release -o /app", dockerfile);
        Assert.True(File.Exists(Path.Combine(Repo, "src/BigLearn.Cli/BigLearn.Cli.csproj")));
        Assert.Contains("COPY docker/node-entrypoint.sh /usr/local/bin/biglearn-node", dockerfile);
        Assert.True(File.Exists(Path.Combine(Repo, "docker/node-entrypoint.sh")));
        Assert.Contains("VOLUME /app/runs", dockerfile);
    }

    [Fact]
    public async Task The_entrypoint_builds_a_node_command_line_the_node_accepts()
    {
        // A stand-in for dotnet first on PATH prints the arguments it is given, one per line.
        var bin = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
        var fake = Path.Combine(bin, "dotnet");
        File.WriteAllText(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["BIGLEARN_ROLES"] = "agents",
            ["BIGLEARN_SEED_NODES"] = "model:4053",
            ["BIGLEARN_PUBLIC_HOST"] = "10.0.0.7",
            ["BIGLEARN_INSECURE"] = "1",
        };
        var (code, output, error) = await Run("sh", [Path.Combine(Repo, "docker/node-entrypoint.sh")], environment);
        Assert.True(code == 0, error);
        var args = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["/app/biglearn.dll", "node", "--roles", "agents", "--port", "4053", "--host", "0.0.0.0", "--public-host", "10.0.0.7",
            "--seed-nodes", "model:4053", "--insecure"], args);

        // With the cluster's certificate instead of BIGLEARN_INSECURE, the node gets --tls-cert.
        environment.Remove("BIGLEARN_INSECURE");
        environment["BIGLEARN_TLS_CERT"] = "/run/secrets/cluster.pfx";
        var (tlsCode, tlsOutput, tlsError) = await Run("sh", [Path.Combine(Repo, "docker/node-entrypoint.sh")], environment);
        Assert.True(tlsCode == 0, tlsError);
        Assert.Equal(["--tls-cert", "/run/secrets/cluster.pfx"], tlsOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^2..]);

        // The node takes those values (without binding anything here).
        var settings = NodeSettings.From(args[7], int.Parse(args[5]), [args[3]], [args[11]], insecure: true, publicHost: args[9]);
        Assert.Equal("10.0.0.7", settings.PublicHost);
        Assert.True(settings.Exposed);
        // Without BIGLEARN_INSECURE the node would refuse to bind 0.0.0.0: secure by default, in containers too.
        Assert.Throws<ClusterUsageException>(() => NodeSettings.From("0.0.0.0", 4053, ["agents"], ["model:4053"], insecure: false));
    }

    private static string Repo => Path.GetDirectoryName(Path.GetDirectoryName(ValidationTests.SmokeConfig()))!;

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private static async Task<(int Code, string Out, string Err)> Run(string file, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Patience);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await output, await error);
    }
}
