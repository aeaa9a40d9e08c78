namespace BigLearn.Hosting.Tests;

/// <summary>Tests that load libtorch or run actor systems with TorchSharp models run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp";
}

/// <summary>Paths of the repository's files.</summary>
internal static class TestFiles
{
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BigLearn.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    public static string Config(string name) => Path.Combine(RepoRoot(), "configs", name);
}
