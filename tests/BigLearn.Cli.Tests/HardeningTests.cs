using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BigLearn.Cli.Tests;

/// <summary>
/// The command line under hostile use: two processes racing for one run folder, output folders that cannot be made, and
/// run folders that are not what inspect expects. Every case ends with exit 0 or with exit 2 and one line.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HardeningTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-hardening-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A few seconds of work per run, so that two started together overlap.
    private static string[] Settings(long seed) => ["--set", "budget=300", "--set", "evaluation.every=100", "--set", "evaluation.samples=500", "--set", $"seed={seed}"];

    [Fact]
    public async Task Two_runs_started_together_on_one_folder_one_runs_the_other_is_refused_and_nothing_mixes()
    {
        const int races = 2;
        for (int race = 0; race < races; race++)
        {
            var folder = Path.Combine(_folder, $"race-{race}");
            var a = Start(["run", ValidationTests.SmokeConfig(), .. Settings(888), "--out", folder]);
            var b = Start(["run", ValidationTests.SmokeConfig(), .. Settings(5), "--out", folder]);
            try
            {
                var results = await Task.WhenAll(Finish(a), Finish(b));
                var winners = results.Where(r => r.Code == 0).ToArray();
                var losers = results.Where(r => r.Code != 0).ToArray();
                Assert.True(winners.Length == 1 && losers.Length == 1, string.Join(" | ", results.Select(r => $"{r.Code}: {r.Err}")));
                var refusal = SingleLine(losers[0].Err);
                Assert.True(refusal.Contains("in use by another biglearn process (pid ") || refusal.Contains("already exists and is not empty"), refusal);
                Assert.Equal(2, losers[0].Code);
                // The folder holds the winner's run alone: its seed in the summary and in every checkpoint's config.
                long seed = (long)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!["seed"]!;
                Assert.Equal(winners[0].Seed, seed);
                foreach (var bundle in Directory.GetDirectories(Path.Combine(folder, "checkpoints"), "ckpt-*"))
                    Assert.Contains($"seed : {seed}", File.ReadAllText(Path.Combine(bundle, "config.conf")).Replace("seed = ", "seed : "));
            }
            finally
            {
                End(a.Process);
                End(b.Process);
            }
        }
    }

    [Fact]
    public async Task A_resume_while_the_run_still_holds_its_folder_is_refused_naming_the_holder()
    {
        var folder = Path.Combine(_folder, "held");
        var run = Start(["run", ValidationTests.SmokeConfig(), .. Settings(888), "--out", folder]);
        try
        {
            var pidFile = Path.Combine(folder, ".lock.pid");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(pidFile) && clock.Elapsed < Patience && !run.Process.HasExited) await Task.Delay(10);
            var err = new StringWriter();
            int code = Cli.Run(["resume", folder], new StringWriter(), err);
            if (run.Process.HasExited) return; // it finished first: nothing held any more (the race above covers the overlap)
            Assert.Equal(2, code);
            Assert.Equal($"biglearn: {folder}: in use by another biglearn process (pid {run.Process.Id}); wait for it to end or choose another folder",
                SingleLine(err.ToString()));
            var finished = await Finish(run);
            Assert.Equal(0, finished.Code);
        }
        finally
        {
            End(run.Process);
        }
    }

    [Fact]
    public void An_output_folder_that_cannot_be_made_is_a_one_line_refusal_with_exit_2()
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "x");
        foreach (var outDir in (string[])["", "  ", Path.Combine(file, "below"), "/proc/biglearn-cannot-be-here"])
        {
            var err = new StringWriter();
            int code = Cli.Run(["run", ValidationTests.SmokeConfig(), "--out", outDir], new StringWriter(), err);
            Assert.True(code == 2, $"--out '{outDir}': exit {code}: {err}");
            Assert.StartsWith("biglearn: ", SingleLine(err.ToString()));
        }
        Assert.Equal(["a-file"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Inspect_says_why_a_folder_has_no_ledger_and_refuses_a_ledger_of_another_shape()
    {
        var incomplete = Directory.CreateDirectory(Path.Combine(_folder, "incomplete")).FullName;
        File.WriteAllText(Path.Combine(incomplete, "config.conf"), "");
        File.WriteAllText(Path.Combine(incomplete, ".incomplete"), "");
        Assert.Contains("the run has not finished", Inspect(incomplete));

        var other = Directory.CreateDirectory(Path.Combine(_folder, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "config.conf"), "");
        File.WriteAllText(Path.Combine(other, "contributions.json"), """{ "agents": [ { "id": "seven" } ], "groups": [] }""");
        Assert.Contains("not a contributions.json written by biglearn run (\"agents\" must be an array of objects", Inspect(other));
        File.WriteAllText(Path.Combine(other, "contributions.json"), """{ "agents": null }""");
        Assert.Contains("not a contributions.json written by biglearn run", Inspect(other));

        var finished = Directory.CreateDirectory(Path.Combine(_folder, "no-ledger")).FullName;
        File.WriteAllText(Path.Combine(finished, "config.conf"), "");
        Assert.Contains("kept no contribution ledger", Inspect(finished));
    }

    [Fact]
    public void Default_run_folders_of_runs_started_in_the_same_second_differ()
    {
        var names = Enumerable.Range(0, 50).Select(_ => Commands.RunCommand.DefaultFolder("gmm25-smoke")).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(@"^runs/gmm25-smoke/\d{8}T\d{6}Z-[0-9a-f]{6}$", n));
    }

    private static string Inspect(string folder)
    {
        var err = new StringWriter();
        Assert.Equal(2, Cli.Run(["inspect", folder], new StringWriter(), err));
        return SingleLine(err.ToString());
    }

    private static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got: {text}");
        return lines[0].TrimEnd('\r');
    }

    private sealed record Started(Process Process, Task<string> Out, Task<string> Err, long Seed);

    private sealed record Finished(int Code, string Out, string Err, long Seed);

    private static Started Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "biglearn.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        long seed = long.Parse(args.First(a => a.StartsWith("seed=", StringComparison.Ordinal))["seed=".Length..]);
        return new Started(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync(), seed);
    }

    private static async Task<Finished> Finish(Started started)
    {
        await started.Process.WaitForExitAsync().WaitAsync(Patience);
        return new Finished(started.Process.ExitCode, await started.Out, await started.Err, started.Seed);
    }

    // Every process a test starts is ended by its id, whatever happened.
    private static void End(Process process)
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
