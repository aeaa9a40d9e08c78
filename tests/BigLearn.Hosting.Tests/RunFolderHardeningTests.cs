using System.Text.Json;
using BigLearn.Hosting.Checkpoints;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;

namespace BigLearn.Hosting.Tests;

/// <summary>Run folders under hostile use: two processes on one folder, stale outputs, runs without a checkpoint, damaged JSON.</summary>
public sealed class RunFolderHardeningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("biglearn-hardening-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_second_run_on_a_locked_folder_is_refused_naming_the_holder_and_the_lock_ends_with_its_holder()
    {
        var folder = Path.Combine(_root, "run");
        using (var first = RunFolder.Create(folder))
        {
            var e = Assert.Throws<RunFolderException>(() => RunFolder.Create(folder));
            Assert.Equal($"{folder}: in use by another biglearn process (pid {Environment.ProcessId}); wait for it to end or choose another folder", e.Message);
            Assert.Throws<RunFolderException>(() => RunFolder.Open(folder)); // a resume of the same folder, too
        }
        // Released: a resume may take it, a new run finds the folder occupied.
        using (RunFolder.Open(folder)) { }
        var occupied = Assert.Throws<RunFolderException>(() => RunFolder.Create(folder));
        Assert.Contains("already exists and is not empty", occupied.Message);
    }

    [Fact]
    public void A_resume_in_the_moment_a_new_run_holds_its_folder_before_writing_config_names_the_holder()
    {
        // The window CI once hit: the lock taken, config.conf not yet written. Without a lock file it is not a run folder.
        var folder = Directory.CreateDirectory(Path.Combine(_root, "starting")).FullName;
        Assert.Contains("not a run folder (no config.conf", Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder)).Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder)); // the refusal wrote nothing
        using (RunFolderLock.Acquire(folder))
        {
            var e = Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder));
            Assert.Equal($"{folder}: in use by another biglearn process (pid {Environment.ProcessId}); wait for it to end or choose another folder", e.Message);
        }
        Assert.Contains("not a run folder (no config.conf", Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder)).Message);
    }

    [Fact]
    public void A_folder_that_cannot_be_created_is_a_one_line_refusal()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        Assert.Contains("a file of that name exists", Assert.Throws<RunFolderException>(() => RunFolder.Create(file)).Message);
        Assert.Contains("cannot be created", Assert.Throws<RunFolderException>(() => RunFolder.Create(Path.Combine(file, "below"))).Message);
        Assert.Contains("empty folder name", Assert.Throws<RunFolderException>(() => RunFolder.Create(" ")).Message);
    }

    [Fact]
    public void A_publish_replaces_the_subfolders_an_earlier_publish_left()
    {
        using var run = RunFolder.Create(Path.Combine(_root, "run"));
        run.Publish(scratch => Write(scratch, "plots/model-000015-final.png", "tensorboard/events.1"));
        run.Publish(scratch => Write(scratch, "plots/model-000060-final.png", "tensorboard/events.2", "summary.json"));
        Assert.Equal(["model-000060-final.png"], Directory.GetFiles(Path.Combine(run.Path, "plots")).Select(Path.GetFileName));
        Assert.Equal(["events.2"], Directory.GetFiles(Path.Combine(run.Path, "tensorboard")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(run.Path, "summary.json")));
    }

    [Fact]
    public void Resume_of_a_run_stopped_before_its_first_checkpoint_says_so_and_how_to_start_again()
    {
        var folder = Path.Combine(_root, "killed");
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"));
        using (var run = RunFolder.Create(folder)) run.PublishText("config.conf", config.Source.ResolvedText);
        var e = Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(folder));
        Assert.Equal($"{folder}: no checkpoint yet (the run stopped before its first, due after {config.Checkpoint.Every} tasks); " +
                     $"start it again with: biglearn run {Path.Combine(folder, "config.conf")} --out NEW_FOLDER", e.Message);

        // A GAN run keeps checkpoints too (its networks as state-dictionary files): the same answer, with its own period.
        var gan = Path.Combine(_root, "gan");
        using (var run = RunFolder.Create(gan)) run.PublishText("config.conf", File.ReadAllText(TestFiles.Config("gan-smoke.conf")));
        Assert.Contains("no checkpoint yet (the run stopped before its first, due after 4 tasks)",
            Assert.Throws<RunFolderException>(() => ExperimentRun.Resume(gan)).Message);
    }

    [Fact]
    public void A_checkpoint_whose_manifest_is_valid_json_of_the_wrong_shape_is_skipped_for_the_previous_one()
    {
        var folder = Path.Combine(_root, "run");
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), ["checkpoint.every=20"]);
        ExperimentRun.Run(config, folder, consoleLog: TextWriter.Null);
        var bundles = CheckpointStore.List(folder);
        Assert.True(bundles.Count >= 2);
        var manifest = Path.Combine(bundles[0], "manifest.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        node["Files"]!.AsArray().Add(null);
        File.WriteAllText(manifest, node.ToJsonString());
        var warnings = new List<string>();

        var loaded = CheckpointStore.LoadNewest(folder, warnings.Add);

        Assert.Equal(bundles[1], loaded.Path);
        Assert.Contains("lists a null entry or a file outside the bundle", Assert.Single(warnings));
    }

    [Fact]
    public void A_checkpoint_state_with_a_null_inside_is_damaged_not_a_crash()
    {
        var folder = Path.Combine(_root, "run");
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), ["checkpoint.every=20"]);
        ExperimentRun.Run(config, folder, consoleLog: TextWriter.Null);
        var bundle = CheckpointStore.List(folder)[0];
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "state.json")))!;
        state["Population"]!["Agents"]!.AsArray()[0] = null;
        Rewrite(bundle, "state.json", state.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => CheckpointStore.Load(bundle));
        Assert.Equal("state.json.Population.Agents[0] is null", e.Message);
    }

    [Fact]
    public void The_bench_task_sequence_is_drawn_lazily_so_a_huge_count_costs_nothing_up_front()
    {
        var config = TrainerBenchmark.Config(100_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var first = TrainerBenchmark.TaskSequence(config, 100_000_000).Take(3).ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3, first.Length);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for 3 of 10^8 tasks");
        // The same draws as a short sequence: laziness changes nothing in what is drawn.
        Assert.Equal(TrainerBenchmark.TaskSequence(config, 3).Select(t => t.BatchSeed), first.Select(t => t.BatchSeed));
    }

    private static IReadOnlyList<string> Write(string scratch, params string[] files)
    {
        foreach (var file in files)
        {
            var path = Path.Combine(scratch, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
        return files;
    }

    // Rewrites a bundle's file and its manifest entry, so that only the content's shape is wrong (not its checksum).
    private static void Rewrite(string bundle, string name, string text)
    {
        File.WriteAllText(Path.Combine(bundle, name), text);
        var bytes = File.ReadAllBytes(Path.Combine(bundle, name));
        var manifestPath = Path.Combine(bundle, "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["Files"]!.AsArray())
            if ((string?)entry!["Name"] == name)
            {
                entry["Bytes"] = bytes.Length;
                entry["Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            }
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }
}
