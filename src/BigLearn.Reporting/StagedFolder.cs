namespace BigLearn.Reporting;

/// <summary>
/// An output folder that appears all at once: everything is written into a hidden sibling staging folder that
/// <see cref="Commit"/> renames into place, so a failed or cancelled run leaves no half-written output behind.
/// Disposing without committing deletes the staging folder.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private bool _committed;

    private StagedFolder(string finalPath, string stagingPath)
    {
        FinalPath = finalPath;
        StagingPath = stagingPath;
    }

    /// <summary>Where the folder will be once committed.</summary>
    public string FinalPath { get; }

    /// <summary>Where to write meanwhile (a sibling of <see cref="FinalPath"/>, so the rename stays on one file system).</summary>
    public string StagingPath { get; }

    /// <summary>Creates the staging folder for <paramref name="finalPath"/>, which must not exist yet (or be empty).</summary>
    /// <exception cref="IOException"><paramref name="finalPath"/> exists and is not an empty folder.</exception>
    public static StagedFolder Create(string finalPath)
    {
        var full = Path.GetFullPath(finalPath).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
            throw new IOException($"{finalPath} already exists and is not an empty folder");
        var parent = Path.GetDirectoryName(full) ?? throw new IOException($"{finalPath} has no parent folder");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return new StagedFolder(full, staging);
    }

    /// <summary>Moves the staged content into <see cref="FinalPath"/> in one rename.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        // An empty folder left at the target (e.g. made by the user beforehand) would block the rename.
        if (Directory.Exists(FinalPath) && !Directory.EnumerateFileSystemEntries(FinalPath).Any()) Directory.Delete(FinalPath);
        Directory.Move(StagingPath, FinalPath);
        _committed = true;
    }

    /// <summary>Deletes the staging folder unless it was committed.</summary>
    public void Dispose()
    {
        if (_committed || !Directory.Exists(StagingPath)) return;
        try
        {
            Directory.Delete(StagingPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the staging folder is hidden and clearly named, and the run's real error matters more.
        }
    }
}
