using BigLearn.Hosting.Checkpoints;

namespace BigLearn.Hosting.Running;

/// <summary>
/// A run's folder while the run goes on. It exists from the start (the resolved config and the checkpoints must be on
/// disk for a run to be resumed) and carries an <c>.incomplete</c> marker until the run has reached its budget. Every file
/// is published atomically: written under a temporary name in the same folder, then renamed over its final name, so a
/// reader (or a kill) never sees half a file. A run that fails before its first checkpoint deletes the folder again.
/// The folder is locked (<see cref="RunFolderLock"/>) while the run or resume that opened it lasts: dispose to release.
/// </summary>
public sealed class RunFolder : IDisposable
{
    /// <summary>The marker's file name.</summary>
    public const string IncompleteMarker = ".incomplete";

    private const string PublishFolder = ".publish";

    private readonly RunFolderLock _lock;

    private RunFolder(string path, RunFolderLock folderLock) => (Path, _lock) = (path, folderLock);

    /// <summary>The folder, absolute.</summary>
    public string Path { get; }

    /// <summary>Whether the run has not reached its budget yet (the marker is there).</summary>
    public bool Incomplete => File.Exists(System.IO.Path.Combine(Path, IncompleteMarker));

    /// <summary>
    /// Creates and locks <paramref name="folder"/> (which must not exist or be empty) with the marker, whose text says how
    /// the run can be continued: with <c>resume</c> when <paramref name="resumable"/>, else by starting it again.
    /// </summary>
    /// <exception cref="RunFolderException">
    /// The folder exists and is not empty, another process holds it, or it cannot be created (a file in the way, no
    /// permission): one line.
    /// </exception>
    public static RunFolder Create(string folder, bool resumable = true)
    {
        var full = FullPath(folder);
        if (File.Exists(full)) throw new RunFolderException($"{folder}: a file of that name exists (choose a folder name)");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"{folder}: cannot be created ({e.Message})");
        }
        var folderLock = RunFolderLock.Acquire(full);
        // Checked under the lock: of two runs started together on one folder, the second finds the first's files.
        if (Directory.EnumerateFileSystemEntries(full).Any(e => !RunFolderLock.IsLockFile(System.IO.Path.GetFileName(e))))
        {
            folderLock.Dispose();
            throw new RunFolderException($"{folder}: the folder already exists and is not empty (choose a new one)");
        }
        var run = new RunFolder(full, folderLock);
        run.PublishText(IncompleteMarker, resumable
            ? "this run has not reached its budget (it was stopped, or is still running); continue it with: biglearn resume <this folder>\n" +
              "(a run stopped before its first checkpoint cannot be resumed: start it again with biglearn run)\n"
            : "this run has not reached its budget (it was stopped, or is still running); its kind keeps no checkpoints, so it cannot be resumed: start it again with biglearn run\n");
        return run;
    }

    /// <summary>Locks an existing run folder (for resume).</summary>
    /// <exception cref="RunFolderException">Another process holds it (one line naming its process id).</exception>
    public static RunFolder Open(string folder)
    {
        var full = FullPath(folder);
        return new RunFolder(full, RunFolderLock.Acquire(full));
    }

    private static string FullPath(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new RunFolderException("--out \"\": an empty folder name is not allowed");
        return System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar);
    }

    /// <summary>Releases the folder's lock.</summary>
    public void Dispose() => _lock.Dispose();

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
    /// <remarks>
    /// Every sub-folder the new outputs fill (plots/, tensorboard/) replaces the one an earlier publish left (an interrupted
    /// run's, before its resume): no stale plot or event file stays beside the new ones.
    /// </remarks>
    public T Publish<T>(Func<string, T> write)
    {
        var scratch = System.IO.Path.Combine(Path, $"{PublishFolder}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var result = write(scratch);
            foreach (var folder in Directory.GetDirectories(scratch))
            {
                var previous = System.IO.Path.Combine(Path, System.IO.Path.GetFileName(folder));
                if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
            }
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
