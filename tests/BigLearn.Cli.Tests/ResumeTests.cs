using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>A real <c>biglearn run</c> process killed with SIGKILL and resumed ends where an uninterrupted run ends.</summary>
[Collection(TorchCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // 160 tasks of 5 steps (a few seconds), a checkpoint every 10 tasks, the joint group switching on at 80.
    private static readonly string[] Settings = ["--set", "budget=160", "--set", "evaluation.every=40", "--set", "checkpoint.every=10", "--set", "evaluation.samples=500"];

    [Fact]
    public async Task A_run_killed_with_SIGKILL_and_resumed_writes_the_summary_of_an_uninterrupted_run()
    {
        var killed = Path.Combine(_folder, "killed");
        var biglearn = Path.Combine(AppContext.BaseDirectory, "biglearn.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[biglearn, "run", ValidationTests.SmokeConfig(), .. Settings, "--out", killed]) start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var firstCheckpoint = await WaitForCheckpoint(killed, process);
            Assert.False(process.HasExited, "the run ended before it could be killed");
            process.Kill(entireProcessTree: true); // SIGKILL: no shutdown hook, no final checkpoint
            await process.WaitForExitAsync().WaitAsync(Patience);
            Assert.True(firstCheckpoint < 160);
            var (output, errors) = (await stdout, await stderr); // the streams end with the process
            Assert.True(File.Exists(Path.Combine(killed, ".incomplete")), $"{output} {errors}");
        }
        Assert.False(File.Exists(Path.Combine(killed, "summary.json")));

        var resumeOut = new StringWriter();
        var resumeErr = new StringWriter();
        int resumed = Cli.Run(["resume", killed], resumeOut, resumeErr);
        Assert.True(resumed == 0, resumeErr.ToString());
        Assert.False(File.Exists(Path.Combine(killed, ".incomplete")));

        var whole = Path.Combine(_folder, "whole");
        var wholeErr = new StringWriter();
        Assert.True(Cli.Run(["run", ValidationTests.SmokeConfig(), .. Settings, "--out", whole], new StringWriter(), wholeErr) == 0, wholeErr.ToString());

        Assert.Equal(WithoutTimings(whole), WithoutTimings(killed));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "agents.csv")), File.ReadAllText(Path.Combine(killed, "agents.csv")));
        Assert.Equal(MetricsWithoutTimes(whole), MetricsWithoutTimes(killed));

        // Resuming a finished run is refused: there is nothing left to do.
        var again = new StringWriter();
        Assert.Equal(2, Cli.Run(["resume", killed], new StringWriter(), again));
        Assert.Contains("the run is already complete", again.ToString());
    }

    [Fact]
    public async Task A_gan_run_killed_with_SIGKILL_and_resumed_from_its_state_files_writes_the_summary_of_an_uninterrupted_run()
    {
        // gan-smoke with a checkpoint every 5 of its 40 tasks; the classifier is trained once into this test's cache.
        string[] settings = ["--set", "checkpoint.every=5", "--set", $"evaluation.classifier-cache={Path.Combine(_folder, "cache")}"];
        var whole = Path.Combine(_folder, "gan-whole");
        var wholeErr = new StringWriter();
        Assert.True(Cli.Run(["run", GanSmoke(), .. settings, "--out", whole], new StringWriter(), wholeErr) == 0, wholeErr.ToString());

        var killed = Path.Combine(_folder, "gan-killed");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "biglearn.dll"), "run", GanSmoke(), .. settings, "--out", killed])
            start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            var firstCheckpoint = await WaitForCheckpoint(killed, process);
            Assert.False(process.HasExited, "the run ended before it could be killed");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(Patience);
            await drain;
            Assert.True(firstCheckpoint < 40);
        }
        // The bundle holds the networks and optimisers as state-dictionary files, listed with their checksums.
        var bundle = Directory.GetDirectories(Path.Combine(killed, "checkpoints"), "ckpt-*").First();
        var manifest = File.ReadAllText(Path.Combine(bundle, "manifest.json"));
        foreach (var file in new[] { "gan-generator.dat", "gan-discriminator.dat", "gan-average.dat", "gan-generator-adam.dat", "gan-discriminator-adam.dat" })
            Assert.Contains($"\"{file}\"", manifest);
        Assert.DoesNotContain("\"Parameters\"", File.ReadAllText(Path.Combine(bundle, "state.json"))); // no parameter vector in JSON

        var resumeErr = new StringWriter();
        Assert.True(Cli.Run(["resume", killed], new StringWriter(), resumeErr) == 0, resumeErr.ToString());
        Assert.Equal(GanWithoutTimings(whole), GanWithoutTimings(killed));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "agents.csv")), File.ReadAllText(Path.Combine(killed, "agents.csv")));
        Assert.False(Directory.Exists(Path.Combine(killed, "checkpoints", ".model-state")));
    }

    private static string GanSmoke()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "configs", "gan-smoke.conf"))) return Path.Combine(dir.FullName, "configs", "gan-smoke.conf");
        throw new InvalidOperationException("configs/gan-smoke.conf not found");
    }

    private static string GanWithoutTimings(string run)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        Assert.Equal(40, (long)summary["tasks"]!);
        summary.Remove("timings");
        return summary.ToJsonString();
    }

    // Polls (bounded) until a complete bundle exists: bundles appear by rename, so a listed manifest means a whole bundle.
    private static async Task<long> WaitForCheckpoint(string run, Process process)
    {
        var deadline = Stopwatch.StartNew();
        var checkpoints = Path.Combine(run, "checkpoints");
        while (deadline.Elapsed < Patience && !process.HasExited)
        {
            if (Directory.Exists(checkpoints))
            {
                var bundle = Directory.GetDirectories(checkpoints, "ckpt-*").FirstOrDefault(b => File.Exists(Path.Combine(b, "manifest.json")));
                if (bundle is not null) return long.Parse(Path.GetFileName(bundle)["ckpt-".Length..]);
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"no checkpoint appeared in {checkpoints} (process exited: {process.HasExited})");
    }

    private static string WithoutTimings(string run)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        Assert.Equal(160, (long)summary["tasks"]!);
        summary.Remove("timings");
        return summary.ToJsonString();
    }

    private static string[] MetricsWithoutTimes(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
}
