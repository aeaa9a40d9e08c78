using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BigLearn.Reporting;
using TorchSharp;

namespace BigLearn.Hosting.Running;

/// <summary>
/// Where a run's numbers came from: the project's git commit (and whether the working tree had changes) when it was
/// built, the versions of .NET, TorchSharp and libtorch, the machine's cores, the device and the operating system.
/// Every run folder records it in <c>summary.json</c> (a <c>"provenance"</c> object) and <c>report.md</c>
/// (a "Provenance" section).
/// </summary>
/// <param name="GitCommit">The commit the build was made from (40 hex digits), or <c>unknown</c> (no git or no repository).</param>
/// <param name="GitDirty">Whether the working tree had uncommitted changes at build time; null when unknown.</param>
/// <param name="DotNet">The .NET runtime (e.g. <c>.NET 10.0.0</c>).</param>
/// <param name="TorchSharp">TorchSharp's version (its assembly's informational version, without the source hash).</param>
/// <param name="LibTorch">The libtorch package the build restored and its version (e.g. <c>libtorch-cpu-linux-x64 2.10.0</c>).</param>
/// <param name="Cores">The logical processors this process may use (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="Device">The device the run computed on (e.g. <c>cpu</c>, <c>cuda:0</c>).</param>
/// <param name="Os">The operating system and architecture.</param>
public sealed partial record Provenance(string GitCommit, bool? GitDirty, string DotNet, string TorchSharp, string LibTorch, int Cores, string Device, string Os)
{
    /// <summary>What a value that could not be determined reads as.</summary>
    public const string Unknown = "unknown";

    private const string Heading = "## Provenance";

    /// <summary>The provenance of this process, for a run on <paramref name="device"/>.</summary>
    /// <remarks>
    /// The commit and the libtorch package are stamped into this assembly at build time (build/Provenance.targets).
    /// libtorch's version is the restored package's version (from Directory.Packages.props): that package is what the
    /// build copies beside the program and what TorchSharp loads; TorchSharp's own <c>torch.__version__</c> is a
    /// constant compiled into TorchSharp (the libtorch it was built for), not read from the loaded library, so it
    /// would not show a mismatch either.
    /// </remarks>
    public static Provenance Current(string device)
    {
        var metadata = typeof(Provenance).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        string commit = metadata.GetValueOrDefault("BigLearn.GitCommit") is { } c && CommitPattern().IsMatch(c) ? c : Unknown;
        bool? dirty = metadata.GetValueOrDefault("BigLearn.GitDirty") switch { "true" => true, "false" => false, _ => null };
        string libTorch = NonEmpty(metadata.GetValueOrDefault("BigLearn.LibTorchPackage"));
        string torchSharp = NonEmpty(typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(torch).Assembly.GetName().Version?.ToString());
        return new Provenance(commit, dirty, RuntimeInformation.FrameworkDescription, torchSharp.Split('+')[0], libTorch,
            Environment.ProcessorCount, NonEmpty(device), $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}".Trim());
    }

    /// <summary>
    /// Adds <paramref name="provenance"/> to the run files in <paramref name="folder"/>: a <c>"provenance"</c> object at
    /// the end of <c>summary.json</c> (the rest of the file is rewritten in the same indented form, byte for byte) and a
    /// "Provenance" section at the end of <c>report.md</c> (stamping again replaces both). A file that is absent is left absent; each file is replaced
    /// through a temporary file, so a reader never sees half of it.
    /// </summary>
    public static void Stamp(string folder, Provenance provenance)
    {
        var summary = Path.Combine(folder, "summary.json");
        if (File.Exists(summary))
        {
            var root = JsonNode.Parse(File.ReadAllText(summary))?.AsObject()
                ?? throw new InvalidDataException($"{summary}: not a JSON object");
            root.Remove("provenance");
            root["provenance"] = provenance.ToJson();
            Replace(summary, IndentedJson.Render(json => root.WriteTo(json)));
        }
        var report = Path.Combine(folder, "report.md");
        if (File.Exists(report))
        {
            var text = File.ReadAllText(report);
            var earlier = text.IndexOf("\n" + Heading + "\n", StringComparison.Ordinal);
            if (earlier >= 0) text = text[..earlier];
            Replace(report, text.TrimEnd('\n') + "\n\n" + provenance.Markdown());
        }
    }

    /// <summary>The <c>"provenance"</c> object of <c>summary.json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["git_commit"] = GitCommit,
        ["git_dirty"] = GitDirty,
        ["dotnet"] = DotNet,
        ["torchsharp"] = TorchSharp,
        ["libtorch"] = LibTorch,
        ["cores"] = Cores,
        ["device"] = Device,
        ["os"] = Os,
    };

    /// <summary>The "Provenance" section of <c>report.md</c>.</summary>
    public string Markdown()
    {
        var text = new StringBuilder();
        text.Append(Heading).Append("\n\n");
        text.Append("| | |\n|---|---|\n");
        var dirty = GitDirty switch { true => " (with uncommitted changes)", false => "", null => " (working tree state unknown)" };
        text.Append(CultureInfo.InvariantCulture, $"| commit | `{GitCommit}`{(GitCommit == Unknown ? "" : dirty)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| .NET | {DotNet} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| TorchSharp | {TorchSharp} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| libtorch | {LibTorch} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| cores | {Cores} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| device | {Device} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| OS | {Os} |\n");
        return text.ToString();
    }

    private static string NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? Unknown : text.Trim();

    private static void Replace(string path, string text)
    {
        var temporary = path + ".provenance.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();
}
