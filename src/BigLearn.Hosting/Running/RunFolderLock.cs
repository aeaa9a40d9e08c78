using System.Globalization;
using BigLearn.Hosting.Checkpoints;

namespace BigLearn.Hosting.Running;

/// <summary>
/// An operating-system lock on a run folder, held for the life of a <c>run</c> or <c>resume</c>: two processes never
/// write one folder. The lock is an exclusive advisory lock (<c>flock</c>, taken by .NET for <see cref="FileShare.None"/>)
/// on the hidden file <c>.lock</c>, which stays in the folder; the kernel releases it when the process ends, however it
/// ends, so a killed run never leaves a stale lock. The holder's process id is written beside it, in <c>.lock.pid</c>,
/// for the refusal's message (the locked file itself cannot be read by anyone else).
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The locked file's name.</summary>
    public const string FileName = ".lock";

    /// <summary>The file naming the holder's process id.</summary>
    public const string HolderFileName = ".lock.pid";

    private readonly FileStream _stream;

    private RunFolderLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock of the existing folder <paramref name="folder"/>, or refuses at once.</summary>
    /// <exception cref="RunFolderException">Another process holds it (one line naming its process id).</exception>
    public static RunFolderLock Acquire(string folder)
    {
        var path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new RunFolderException($"{folder}: in use by another biglearn process ({Holder(folder)}); wait for it to end or choose another folder");
        }
        File.WriteAllText(Path.Combine(folder, HolderFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new RunFolderLock(stream);
    }

    /// <summary>Whether <paramref name="name"/> (a file name in a run folder) is one of the lock's files.</summary>
    public static bool IsLockFile(string name) => name is FileName or HolderFileName;

    private static string Holder(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, HolderFileName)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? $"pid {pid}" : "process id unknown";
        }
        catch (IOException)
        {
            return "process id unknown";
        }
    }

    /// <summary>Releases the lock (the files stay).</summary>
    public void Dispose() => _stream.Dispose();
}
