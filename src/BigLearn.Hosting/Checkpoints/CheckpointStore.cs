using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BigLearn.Hosting.Checkpoints;

/// <summary>One file of a checkpoint bundle as its manifest lists it.</summary>
/// <param name="Name">File name inside the bundle.</param>
/// <param name="Bytes">Its length.</param>
/// <param name="Sha256">SHA-256 of its bytes, lower-case hex.</param>
public sealed record ManifestFile(string Name, long Bytes, string Sha256);

/// <summary>A bundle's <c>manifest.json</c>: what it holds and the checksums that prove it intact.</summary>
/// <param name="Format">Bundle format.</param>
/// <param name="Experiment">The experiment.</param>
/// <param name="Tasks">Tasks done at the checkpoint.</param>
/// <param name="Budget">The run's budget.</param>
/// <param name="Final">True at the end of the budget.</param>
/// <param name="ConfigOrigin">The config file the run was started from (names the experiment when the file does not).</param>
/// <param name="Files">The other files with their sizes and checksums.</param>
public sealed record CheckpointManifest(int Format, string Experiment, long Tasks, long Budget, bool Final, string ConfigOrigin, ManifestFile[] Files);

/// <summary>A bundle read back and verified.</summary>
/// <param name="Path">The bundle folder.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="State">The run's state.</param>
/// <param name="ConfigText">The resolved configuration the run used.</param>
public sealed record LoadedCheckpoint(string Path, CheckpointManifest Manifest, RunCheckpoint State, string ConfigText);

/// <summary>What writing a bundle cost.</summary>
/// <param name="Path">The bundle folder.</param>
/// <param name="Bytes">Total size of its files.</param>
/// <param name="Seconds">Time to write, sync and rename it.</param>
public sealed record CheckpointWritten(string Path, long Bytes, double Seconds);

/// <summary>
/// A run's <c>checkpoints/</c> folder. A bundle <c>ckpt-&lt;tasks&gt;/</c> holds <c>state.json</c>, <c>config.conf</c>, the model's
/// state files when its runner keeps its state in files (the GAN's TorchSharp state dictionaries) and <c>manifest.json</c> (sizes
/// and SHA-256 of the others). It is written into a hidden temporary folder, every file
/// flushed to disk, and renamed into place, so a bundle is either complete or absent; the newest <c>keep</c> are kept.
/// Reading verifies the checksums, so a truncated or altered bundle is recognised and the previous one is used.
/// </summary>
public static class CheckpointStore
{
    /// <summary>The sub-folder of a run folder.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>
    /// The folder (inside <see cref="FolderName"/>) where the model writes its state files at a checkpoint before they are copied
    /// into the bundle (<see cref="BigLearn.Actors.Model.ModelSettings.StateFolder"/>).
    /// </summary>
    public const string ModelStateFolder = ".model-state";

    // What state.json says for the model's state files: "in this bundle" (the bundle's path is set when it is read).
    private const string InThisBundle = ".";

    private const string Prefix = "ckpt-";
    private const string StateFile = "state.json";
    private const string ConfigFile = "config.conf";
    private const string ManifestFileName = "manifest.json";

    /// <summary>How state.json is written: exact doubles (shortest round-trip form), NaN and infinities by name.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
        // A null where the record says none, or a missing constructor field, is a damaged file, not a crash later.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Writes a bundle for <paramref name="state"/> into <paramref name="runFolder"/>/checkpoints and keeps the newest <paramref name="keep"/>.</summary>
    public static CheckpointWritten Write(string runFolder, RunCheckpoint state, string configText, string configOrigin, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var clock = Stopwatch.StartNew();
        var root = Directory.CreateDirectory(Path.Combine(runFolder, FolderName)).FullName;
        var name = BundleName(state.TasksDone);
        var temporary = Path.Combine(root, $".tmp-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            // The model's state files (a runner that keeps its state in files) are copied in and listed like the others.
            var modelFolder = state.Population.Model.RunnerFolder;
            var modelFiles = modelFolder is null ? [] : Directory.GetFiles(modelFolder).Order(StringComparer.Ordinal)
                .Select(path => WriteFile(temporary, Path.GetFileName(path), File.ReadAllBytes(path))).ToArray();
            var saved = modelFolder is null ? state
                : state with { Population = state.Population with { Model = state.Population.Model with { RunnerFolder = InThisBundle } } };
            ManifestFile[] files =
            [
                WriteFile(temporary, StateFile, JsonSerializer.SerializeToUtf8Bytes(saved, Json)),
                WriteFile(temporary, ConfigFile, System.Text.Encoding.UTF8.GetBytes(configText)),
                .. modelFiles,
            ];
            var manifest = new CheckpointManifest(RunCheckpoint.CurrentFormat, state.Experiment, state.TasksDone, state.Budget,
                state.Population.Final, configOrigin, files);
            var manifestFile = WriteFile(temporary, ManifestFileName, JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }));
            var final = Path.Combine(root, name);
            // A second checkpoint at the same task count (an interrupt right after a periodic one) replaces the first.
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temporary, final);
            if (modelFolder is not null) Directory.Delete(modelFolder, recursive: true); // copied: the model keeps its own copy in memory
            Prune(root, keep);
            return new CheckpointWritten(final, files.Sum(f => f.Bytes) + manifestFile.Bytes, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>The bundles of <paramref name="runFolder"/>, newest (most tasks) first.</summary>
    public static IReadOnlyList<string> List(string runFolder)
    {
        var root = Path.Combine(runFolder, FolderName);
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root, Prefix + "*")
            .Select(path => (path, tasks: TasksOf(path)))
            .Where(b => b.tasks >= 0)
            .OrderByDescending(b => b.tasks)
            .Select(b => b.path)
            .ToArray();
    }

    /// <summary>
    /// The newest intact bundle of <paramref name="runFolder"/>; each damaged newer one is reported to <paramref name="warn"/>
    /// (one line naming it and what is wrong) and skipped.
    /// </summary>
    /// <exception cref="RunFolderException">No bundle, or none intact.</exception>
    public static LoadedCheckpoint LoadNewest(string runFolder, Action<string> warn)
    {
        var bundles = List(runFolder);
        if (bundles.Count == 0) throw new RunFolderException($"{runFolder}: no checkpoint in {FolderName}/ (nothing to resume)");
        for (int i = 0; i < bundles.Count; i++)
        {
            try
            {
                return Load(bundles[i]);
            }
            catch (InvalidDataException e)
            {
                var next = i + 1 < bundles.Count ? $"falling back to {Path.GetFileName(bundles[i + 1])}" : "no older checkpoint is left";
                warn($"checkpoint {Path.GetFileName(bundles[i])} is damaged ({e.Message}); {next}");
            }
        }
        throw new RunFolderException($"{runFolder}: every checkpoint in {FolderName}/ is damaged (nothing to resume)");
    }

    /// <summary>Reads and verifies one bundle.</summary>
    /// <exception cref="InvalidDataException">A file is missing, has another size or checksum than the manifest says, or does not parse.</exception>
    public static LoadedCheckpoint Load(string bundle)
    {
        var manifestPath = Path.Combine(bundle, ManifestFileName);
        if (!File.Exists(manifestPath)) throw new InvalidDataException($"{ManifestFileName} is missing");
        CheckpointManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(manifestPath), Json)
                ?? throw new InvalidDataException($"{ManifestFileName} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ManifestFileName} does not parse: {e.Message.Split('\n')[0]}", e);
        }
        if (manifest.Format != RunCheckpoint.CurrentFormat)
            throw new InvalidDataException($"format {manifest.Format}; this build reads format {RunCheckpoint.CurrentFormat}");
        // Valid JSON of the wrong shape is damage like any other: a null entry, or a name that is not a plain file name of the
        // bundle (which would make the check read outside it).
        if (manifest.Files.Any(f => f is null || f.Name != Path.GetFileName(f.Name) || f.Name is "" or "." or ".."))
            throw new InvalidDataException($"{ManifestFileName} lists a null entry or a file outside the bundle");
        foreach (var required in new[] { StateFile, ConfigFile })
            if (manifest.Files.All(f => f.Name != required)) throw new InvalidDataException($"the manifest does not list {required}");
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(bundle, file.Name);
            if (!File.Exists(path)) throw new InvalidDataException($"{file.Name} is missing");
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length != file.Bytes) throw new InvalidDataException($"{file.Name} has {bytes.Length} bytes, the manifest says {file.Bytes}");
            if (Sha256(bytes) != file.Sha256) throw new InvalidDataException($"{file.Name} does not match its SHA-256 checksum");
        }
        RunCheckpoint state;
        try
        {
            state = JsonSerializer.Deserialize<RunCheckpoint>(File.ReadAllBytes(Path.Combine(bundle, StateFile)), Json)
                ?? throw new InvalidDataException($"{StateFile} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{StateFile} does not parse: {e.Message.Split('\n')[0]}", e);
        }
        if (NullInside(state, StateFile) is { } where) throw new InvalidDataException($"{where} is null");
        if (state.TasksDone != manifest.Tasks) throw new InvalidDataException($"{StateFile} is at {state.TasksDone} tasks, the manifest says {manifest.Tasks}");
        if (state.Population.Model.RunnerFolder is { } folder)
        {
            if (folder != InThisBundle || manifest.Files.Length <= 2)
                throw new InvalidDataException($"{StateFile} says the model's state is in files, and the bundle holds none");
            // The model reads its files from the bundle itself (checked above against the manifest).
            state = state with { Population = state.Population with { Model = state.Population.Model with { RunnerFolder = Path.GetFullPath(bundle) } } };
        }
        return new LoadedCheckpoint(bundle, manifest, state, File.ReadAllText(Path.Combine(bundle, ConfigFile)));
    }

    /// <summary>The bundle folder name for a task count (zero-padded, so names sort like counts).</summary>
    public static string BundleName(long tasks) => Prefix + tasks.ToString("D10", CultureInfo.InvariantCulture);

    private static long TasksOf(string path) =>
        long.TryParse(Path.GetFileName(path).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var tasks) ? tasks : -1;

    private static ManifestFile WriteFile(string folder, string name, byte[] bytes)
    {
        using (var stream = new FileStream(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true); // the rename must not publish a bundle whose bytes are still in the page cache only
        }
        return new ManifestFile(name, bytes.Length, Sha256(bytes));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Prune(string root, int keep)
    {
        foreach (var old in List(Path.GetDirectoryName(root)!).Skip(keep)) Directory.Delete(old, recursive: true);
        foreach (var stale in Directory.GetDirectories(root, ".tmp-*")) Directory.Delete(stale, recursive: true);
    }

    // The first null element of a collection anywhere in the state (the serializer checks properties against their
    // nullability, not the elements of arrays and lists), as a path for the message; null when there is none.
    private static string? NullInside(object? value, string path, int depth = 0)
    {
        if (value is null || depth > 32 || value is string || value is JsonElement || value.GetType().IsPrimitive || value.GetType().IsEnum) return null;
        if (value is System.Collections.IDictionary dictionary)
        {
            foreach (System.Collections.DictionaryEntry entry in dictionary)
            {
                if (entry.Value is null)
                {
                    if (!IsNullableValue(dictionary)) return $"{path}[{entry.Key}]";
                }
                else if (NullInside(entry.Value, $"{path}[{entry.Key}]", depth + 1) is { } inner) return inner;
            }
            return null;
        }
        if (value is System.Collections.IEnumerable items)
        {
            int i = 0;
            foreach (var item in items)
            {
                if (item is null) return $"{path}[{i}]";
                if (NullInside(item, $"{path}[{i}]", depth + 1) is { } inner) return inner;
                i++;
            }
            return null;
        }
        foreach (var property in value.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsPrimitive) continue;
            if (NullInside(property.GetValue(value), $"{path}.{property.Name}", depth + 1) is { } inner) return inner;
        }
        return null;
    }

    // A dictionary whose values may be null by type (double?): a null value there is data, not damage.
    private static bool IsNullableValue(System.Collections.IDictionary dictionary) =>
        dictionary.GetType().GetGenericArguments() is [_, var valueType] && Nullable.GetUnderlyingType(valueType) is not null;
}
