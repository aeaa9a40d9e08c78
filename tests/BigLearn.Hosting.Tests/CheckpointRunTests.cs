using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using System.Text.Json.Nodes;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;

namespace BigLearn.Hosting.Tests;

[Collection(TorchCollection.Name)]
public sealed class CheckpointRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ExperimentConfig Smoke(params string[] sets) =>
        ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), ["evaluation.samples=500", .. sets]);

    private static string WithoutTimings(string run)
    {
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        summary.Remove("timings");
        return summary.ToJsonString();
    }

    [Fact]
    public void An_interrupted_run_writes_a_final_checkpoint_and_its_report_and_resumes_to_the_uninterrupted_summary()
    {
        var config = Smoke("checkpoint.every=20");
        var whole = ExperimentRun.Run(config, Path.Combine(_folder, "whole"), consoleLog: TextWriter.Null);

        using var stop = new CancellationTokenSource();
        var folder = Path.Combine(_folder, "interrupted");
        var interrupted = ExperimentRun.Run(config, folder, new StopAt(15, stop), consoleLog: TextWriter.Null, cancellationToken: stop.Token);

        Assert.True(interrupted.Interrupted);
        Assert.InRange(interrupted.Outcome.Tasks, 15, 59);
        Assert.True(File.Exists(Path.Combine(folder, RunFolder.IncompleteMarker)));
        Assert.True(File.Exists(Path.Combine(folder, "report.md")));
        Assert.Equal(interrupted.Outcome.Tasks, (long)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!["tasks"]!);
        // The interrupt's own checkpoint is at the task count the run stopped at (not only the periodic one at 20).
        Assert.Equal(CheckpointStore.BundleName(interrupted.Outcome.Tasks), Path.GetFileName(CheckpointStore.List(folder)[0]));

        var resumed = ExperimentRun.Resume(folder, consoleLog: TextWriter.Null);

        Assert.False(resumed.Interrupted);
        Assert.False(File.Exists(Path.Combine(folder, RunFolder.IncompleteMarker)));
        Assert.Equal(WithoutTimings(whole.Folder), WithoutTimings(folder));
        Assert.Equal(whole.Gmm().Final.Parameters, resumed.Gmm().Final.Parameters);
    }

    [Fact]
    public void A_truncated_or_altered_checkpoint_is_detected_and_resume_falls_back_to_the_previous_good_one()
    {
        var folder = Path.Combine(_folder, "run");
        var whole = ExperimentRun.Run(Smoke("checkpoint.every=10", "checkpoint.keep=10"), folder, consoleLog: TextWriter.Null);
        var expected = WithoutTimings(folder);
        Assert.Equal(6, CheckpointStore.List(folder).Count); // 10, 20, ..., 60

        // Make it look killed after 60 tasks, then damage the two newest bundles in two ways.
        foreach (var file in new[] { "summary.json", "metrics.csv", "agents.csv", "report.md" }) File.Delete(Path.Combine(folder, file));
        File.WriteAllText(Path.Combine(folder, RunFolder.IncompleteMarker), "");
        var newest = Path.Combine(folder, "checkpoints", CheckpointStore.BundleName(60), "state.json");
        File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..100]);
        var second = Path.Combine(folder, "checkpoints", CheckpointStore.BundleName(50), "state.json");
        var bytes = File.ReadAllBytes(second);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(second, bytes);

        var warnings = new List<string>();
        var resumed = ExperimentRun.Resume(folder, consoleLog: TextWriter.Null, warn: warnings.Add);

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith($"checkpoint {CheckpointStore.BundleName(60)} is damaged (state.json has 100 bytes, the manifest says ", warnings[0]);
        Assert.EndsWith($"); falling back to {CheckpointStore.BundleName(50)}", warnings[0]);
        Assert.Equal($"checkpoint {CheckpointStore.BundleName(50)} is damaged (state.json does not match its SHA-256 checksum); falling back to {CheckpointStore.BundleName(40)}", warnings[1]);
        Assert.Equal(expected, WithoutTimings(folder));
        Assert.Equal(whole.Gmm().Final.Parameters, resumed.Gmm().Final.Parameters);
    }

    // Makes a finished run look killed after its last checkpoint: outputs gone, the incomplete marker back.
    private static void AsIfKilled(string folder)
    {
        foreach (var file in Directory.GetFiles(folder).Where(path => Path.GetFileName(path) is not ("config.conf" or "log.jsonl"))) File.Delete(file);
        File.WriteAllText(Path.Combine(folder, RunFolder.IncompleteMarker), "");
    }

    [Fact]
    public void Every_checkpoint_holds_the_ledger_at_its_task_count_and_a_sampled_ledger_resumes_to_the_uninterrupted_contributions()
    {
        var folder = Path.Combine(_folder, "sampled");
        var whole = ExperimentRun.Run(Smoke("ledger.every=4", "ledger.audit-every=7", "checkpoint.every=10", "checkpoint.keep=10"), folder,
            consoleLog: TextWriter.Null);
        var expected = new[] { "summary.json", "contributions.json", "agents.csv", "groups.csv" }
            .Select(f => f == "summary.json" ? WithoutTimings(folder) : File.ReadAllText(Path.Combine(folder, f))).ToArray();
        Assert.True(whole.Gmm().Contributions!.Sampled);
        foreach (var bundle in CheckpointStore.List(folder))
        {
            var ledger = CheckpointStore.Load(bundle).State.Sections["ledger"];
            Assert.Equal(CheckpointStore.Load(bundle).State.TasksDone, ledger.GetProperty("Tasks").GetInt64());
        }

        // Resume from 30 tasks (a task measured at 29, the next at 33; audits at 29 and 36), as after a SIGKILL past it.
        AsIfKilled(folder);
        foreach (var tasks in new[] { 40, 50, 60 }) Directory.Delete(Path.Combine(folder, "checkpoints", CheckpointStore.BundleName(tasks)), recursive: true);
        ExperimentRun.Resume(folder, consoleLog: TextWriter.Null);

        var actual = new[] { "summary.json", "contributions.json", "agents.csv", "groups.csv" }
            .Select(f => f == "summary.json" ? WithoutTimings(folder) : File.ReadAllText(Path.Combine(folder, f))).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_checkpoint_without_the_ledger_section_is_refused_in_one_line_rather_than_resumed_with_a_blank_ledger()
    {
        var folder = Path.Combine(_folder, "no-ledger");
        ExperimentRun.Run(Smoke("checkpoint.every=20"), folder, consoleLog: TextWriter.Null);
        AsIfKilled(folder);
        // Drop the section and fix the manifest, so the bundle is intact but lacks the ledger (as one written before it existed).
        var bundle = CheckpointStore.List(folder)[0];
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "state.json")))!.AsObject();
        state["Sections"]!.AsObject().Remove("ledger");
        var bytes = System.Text.Encoding.UTF8.GetBytes(state.ToJsonString());
        File.WriteAllBytes(Path.Combine(bundle, "state.json"), bytes);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "manifest.json")))!.AsObject();
        var entry = manifest["Files"]!.AsArray().Single(f => (string)f!["Name"]! == "state.json")!;
        entry["Bytes"] = bytes.Length;
        entry["Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        File.WriteAllText(Path.Combine(bundle, "manifest.json"), manifest.ToJsonString());

        var error = Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder, consoleLog: TextWriter.Null));
        Assert.Equal($"{bundle}: the checkpoint has no \"ledger\" section, which this run needs to continue exactly", error.Message);
        Assert.True(File.Exists(Path.Combine(folder, RunFolder.IncompleteMarker)));
    }

    [Fact]
    public void A_bad_device_leaves_no_run_folder_and_a_folder_without_checkpoints_is_not_resumable()
    {
        var folder = Path.Combine(_folder, "none");
        var error = Record.Exception(() => ExperimentRun.Run(Smoke("device=cuda"), folder, consoleLog: TextWriter.Null));
        if (error is null) return; // a machine with CUDA runs it; the rest of the test is about machines without
        Assert.IsType<ConfigException>(error);
        Assert.False(Directory.Exists(folder));

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.conf"), "");
        var notRun = Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder));
        Assert.Contains("not a run folder", notRun.Message);
    }

    // Cancels the run once progress has passed a task count (what Ctrl+C does through the CLI's signal handler).
    private sealed class StopAt(long tasks, CancellationTokenSource stop) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.TasksDone >= tasks) stop.Cancel();
        }
    }
}
