using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;
using BigLearn.Reporting;
using TorchSharp;

namespace BigLearn.Hosting.Tests;

public sealed class ProvenanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-provenance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_current_provenance_names_this_build_its_libraries_and_this_machine()
    {
        var p = Provenance.Current("cpu");

        Assert.Matches("^([0-9a-f]{40}|unknown)$", p.GitCommit);
        // The tests run from a clone: the build stamped a real commit and knew whether the tree was dirty.
        var root = TestFiles.RepoRoot();
        if (Directory.Exists(Path.Combine(root, ".git")) || File.Exists(Path.Combine(root, ".git")))
        {
            Assert.Matches("^[0-9a-f]{40}$", p.GitCommit);
            Assert.NotNull(p.GitDirty);
        }
        Assert.StartsWith(".NET ", p.DotNet);
        Assert.Contains(Environment.Version.ToString(3), p.DotNet);
        var torchSharp = typeof(torch).Assembly.GetName().Version!;
        Assert.Equal($"{torchSharp.Major}.{torchSharp.Minor}.{torchSharp.Build}", p.TorchSharp);
        Assert.Matches(@"^libtorch-cpu-linux-x64 \d+\.\d+\.\d+", p.LibTorch); // the CPU build these tests run on
        Assert.Equal(Environment.ProcessorCount, p.Cores);
        Assert.Equal("cpu", p.Device);
        Assert.False(string.IsNullOrWhiteSpace(p.Os));
        Assert.DoesNotContain(Provenance.Unknown, new[] { p.DotNet, p.TorchSharp, p.LibTorch, p.Os });
    }

    [Fact]
    public void Stamping_adds_the_provenance_and_keeps_the_rest_of_the_summary_byte_for_byte()
    {
        var summary = Path.Combine(_folder, "summary.json");
        var before = IndentedJson.Render(json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", "gmm25 × test");
            json.WriteNumber("reverse_kl", 0.1234567890123);
            json.WriteStartArray("modes");
            json.WriteNumberValue(1e-7);
            json.WriteEndArray();
            json.WriteStartObject("timings");
            json.WriteNumber("wall_seconds", 1.5);
            json.WriteEndObject();
            json.WriteEndObject();
        });
        File.WriteAllText(summary, before);
        File.WriteAllText(Path.Combine(_folder, "report.md"), "# Report\n\nbody\n");
        var p = new Provenance(new string('a', 40), true, ".NET 10.0.0", "0.107.0", "libtorch-cpu-linux-x64 2.10.0", 2, "cpu", "Linux x64");

        Provenance.Stamp(_folder, p);
        Provenance.Stamp(_folder, p with { Cores = 3 }); // stamping again replaces, never duplicates

        var after = File.ReadAllText(summary);
        Assert.StartsWith(before[..before.LastIndexOf('}')].TrimEnd(), after);
        Assert.EndsWith("}\n", after);
        var provenance = JsonNode.Parse(after)!["provenance"]!.AsObject();
        Assert.Equal(new string('a', 40), (string?)provenance["git_commit"]);
        Assert.True((bool?)provenance["git_dirty"]);
        Assert.Equal(3, (int?)provenance["cores"]);
        Assert.Equal("libtorch-cpu-linux-x64 2.10.0", (string?)provenance["libtorch"]);
        var report = File.ReadAllText(Path.Combine(_folder, "report.md"));
        Assert.StartsWith("# Report\n\nbody\n\n## Provenance\n", report);
        Assert.Single(Regex.Matches(report, "## Provenance"));
        Assert.Contains("| cores | 3 |", report);
        Assert.Contains($"`{new string('a', 40)}` (with uncommitted changes)", report);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Stamping_a_folder_without_run_files_writes_nothing()
    {
        Provenance.Stamp(_folder, Provenance.Current("cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }
}

[Collection(TorchCollection.Name)]
public sealed class RunProvenanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-run-provenance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_run_folder_records_the_provenance_in_its_summary_and_report()
    {
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-smoke.conf"), ["budget=10", "evaluation.every=10"]);
        var output = ExperimentRun.Run(config, Path.Combine(_folder, "run"), consoleLog: TextWriter.Null);

        var expected = Provenance.Current("cpu");
        var provenance = JsonNode.Parse(File.ReadAllText(Path.Combine(output.Folder, "summary.json")))!["provenance"]!.AsObject();
        Assert.Equal(expected.GitCommit, (string?)provenance["git_commit"]);
        Assert.Equal(expected.GitDirty, (bool?)provenance["git_dirty"]);
        Assert.Equal(expected.TorchSharp, (string?)provenance["torchsharp"]);
        Assert.Equal(expected.LibTorch, (string?)provenance["libtorch"]);
        Assert.Equal(Environment.ProcessorCount, (int?)provenance["cores"]);
        Assert.Equal("cpu", (string?)provenance["device"]); // gmm25-smoke.conf says device = cpu
        var report = File.ReadAllText(Path.Combine(output.Folder, "report.md"));
        Assert.Contains("## Provenance", report);
        Assert.Contains($"`{expected.GitCommit}`", report);
        Assert.Contains($"| libtorch | {expected.LibTorch} |", report);
    }
}
