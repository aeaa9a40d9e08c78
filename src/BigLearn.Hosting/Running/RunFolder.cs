namespace BigLearn.Hosting.Running;

/// <summary>
/// A run's folder while the run goes on. It exists from the start (the resolved config and the checkpoints must be on
/// disk for a run to be resumed) and carries an <c>.incomplete</c> marker until the run has reached its budget. Every file
/// is published atomically: written under a temporary name in the same folder, then renamed over its final name, so a
/// reader (or a kill) never sees half a file. A run that fails before its first checkpoint deletes the folder again.
/// </summary>
public sealed class RunFolder
{
    /// <summary>The marker's file name.</summary>
    public const string IncompleteMarker = ".incomplete";

    private const string PublishFolder = ".publish";

    private RunFolder(string path) => Path = path;

    /// <summary>The folder, absolute.</summary>
    public string Path { get; }

    /// <summary>Whether the run has not reached its budget yet (the marker is there).</summary>
    public bool Incomplete => File.Exists(System.IO.Path.Combine(Path, IncompleteMarker));

    /// <summary>Creates <paramref name="folder"/> (which must not exist or be empty) with the marker.</summary>
    /// <exception cref="IOException">The folder exists and is not empty.</exception>
    public static RunFolder Create(string folder)
    {
        var full = System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
            throw new IOException($"{folder} already exists and is not an empty folder");
        Directory.CreateDirectory(full);
        var run = new RunFolder(full);
        run.PublishText(IncompleteMarker, "this run has not reached its budget; continue it with: biglearn resume <this folder>\n");
        return run;
    }

    /// <summary>An existing run folder (for resume).</summary>
    public static RunFolder Open(string folder) => new(System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar));

    /// <summary>Writes <paramref name="relative"/> atomically.</summary>
    public void PublishText(string relative, string text)
    {
        var target = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        var temporary = target + $".tmp-{Guid.NewGuid():N}";
        File.WriteAllText(temporary, text);
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a hidden scratch folder, then renames each file it wrote into place (one atomic
    /// rename per file, sub-folders kept); returns what <paramref name="write"/> returned.
    /// </summary>
    public T Publish<T>(Func<string, T> write)
    {
        var scratch = System.IO.Path.Combine(Path, $"{PublishFolder}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var result = write(scratch);
            foreach (var file in Directory.GetFiles(scratch, "*", SearchOption.AllDirectories))
            {
                var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(scratch, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Move(file, target, overwrite: true);
            }
            return result;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Marks the run complete (removes the marker).</summary>
    public void MarkComplete() => File.Delete(System.IO.Path.Combine(Path, IncompleteMarker));

    /// <summary>Deletes the whole folder (a run that failed before anything worth keeping).</summary>
    public void Delete()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the run's own error matters more than a folder that could not be removed.
        }
    }
}
