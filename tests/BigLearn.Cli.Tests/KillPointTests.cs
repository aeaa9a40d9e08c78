using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BigLearn.Cli.Tests;

/// <summary>
/// SIGKILL at many points of a run, and of its resume, then a resume to the end: every time the folder ends with the
/// summary, agents and metrics of the uninterrupted run. Long (about a minute): run with
/// <c>dotnet test tests/BigLearn.Cli.Tests -p:VSTestTestCaseFilter="Category=Long&amp;FullyQualifiedName~KillPoint"</c>;
/// the default run has the one-kill version in <see cref="ResumeTests"/>.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class KillPointTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-kill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Settings = ["--set", "budget=300", "--set", "evaluation.every=50", "--set", "checkpoint.every=10",
        "--set", "evaluation.samples=500"];

    [Fact]
    [Trait("Category", "Long")]
    public async Task Kills_at_many_points_of_a_run_and_of_its_resume_always_end_in_the_uninterrupted_summary()
    {
        var whole = Path.Combine(_folder, "whole");
        Assert.Equal(0, Cli.Run(["run", ValidationTests.SmokeConfig(), .. Settings, "--out", whole], new StringWriter(), new StringWriter()));
        int kills = 0, beforeFirstCheckpoint = 0;
        var rng = new Random(20261206);
        for (int point = 0; point < 10; point++)
        {
            var folder = Path.Combine(_folder, $"killed-{point}");
            // Kill after the point-th checkpoint (0: as soon as the folder exists) plus up to 30 ms, landing anywhere in a task,
            // an evaluation or a checkpoint being written.
            kills += await KillAfter(["run", ValidationTests.SmokeConfig(), .. Settings, "--out", folder], folder, point * 3, rng.Next(30));
            if (point % 2 == 1 && HasCheckpoint(folder))
                kills += await KillAfter(["resume", folder], folder, Math.Min(point * 3 + 5, 28), rng.Next(30)); // the resume is killed too
            if (!HasCheckpoint(folder))
            {
                beforeFirstCheckpoint++;
                var refused = new StringWriter();
                Assert.Equal(2, Cli.Run(["resume", folder], new StringWriter(), refused));
                Assert.Contains("no checkpoint", refused.ToString());
                continue;
            }
            if (File.Exists(Path.Combine(folder, ".incomplete"))) // else the last process finished before its kill came
            {
                var err = new StringWriter();
                Assert.True(Cli.Run(["resume", folder], new StringWriter(), err) == 0, err.ToString());
            }
            Assert.Equal(Summary(whole), Summary(folder));
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "agents.csv")), File.ReadAllText(Path.Combine(folder, "agents.csv")));
        }
        output.WriteLine($"{kills} SIGKILLs at 10 points (runs and resumes); {beforeFirstCheckpoint} landed before the first checkpoint");
    }

    private static bool HasCheckpoint(string folder) =>
        Directory.Exists(Path.Combine(folder, "checkpoints")) &&
        Directory.GetDirectories(Path.Combine(folder, "checkpoints"), "ckpt-*").Any(b => File.Exists(Path.Combine(b, "manifest.json")));

    // Starts biglearn, waits (bounded) until the folder holds more than `checkpoints` complete bundles' worth of tasks, waits
    // `delay` ms more and kills the process by its id. Returns 1 when it was killed, 0 when it had already finished.
    private static async Task<int> KillAfter(string[] args, string folder, int checkpoints, int delay)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "biglearn.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Patience && !process.HasExited && NewestCheckpoint(folder) < checkpoints * 10L) await Task.Delay(5);
            await Task.Delay(delay);
            if (process.HasExited) return 0;
            process.Kill(entireProcessTree: true);
            return 1;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(Patience);
            await drain;
        }
    }

    private static long NewestCheckpoint(string folder)
    {
        var root = Path.Combine(folder, "checkpoints");
        if (!Directory.Exists(root)) return Directory.Exists(folder) ? 0 : -1;
        return Directory.GetDirectories(root, "ckpt-*").Where(b => File.Exists(Path.Combine(b, "manifest.json")))
            .Select(b => long.Parse(Path.GetFileName(b)["ckpt-".Length..])).DefaultIfEmpty(0).Max();
    }

    private static string Summary(string run)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        summary.Remove("timings");
        return summary.ToJsonString();
    }
}
