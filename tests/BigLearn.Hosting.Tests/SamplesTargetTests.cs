using System.Globalization;
using System.Text;
using System.Text.Json;
using BigLearn.Core.Mixtures.Targets;
using BigLearn.Core.Randomness;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Running;

namespace BigLearn.Hosting.Tests;

/// <summary>target.kind = samples: CSV and .npy files read exactly, every bad file refused in one line, and runs on data in 2-D and 10-D.</summary>
[Collection(TorchCollection.Name)]
public sealed class SamplesTargetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-samples-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Config(string target, string extra = "", string groups = """marginal { count = 2, masks = "haar(marginal(k=1))", inner-steps = 3 }""") =>
        Write("pop.conf", $$"""
            kind = population
            budget = 30
            evaluation { every = 15, samples = 500 }
            target { kind = samples, {{target}} }
            {{extra}}
            groups { {{groups}} }
            """);

    // 12 labelled rows in two clusters: enough for the 10 rows a samples file needs.
    private static string Csv(string header = "x,y,label") => header + "\n" + string.Join("\n", Enumerable.Range(0, 12)
        .Select(i => FormattableString.Invariant($"{(i % 2 == 0 ? -3 : 3) + 0.01 * i},{0.5 * i - 1.25},{i % 2}"))) + "\n";

    // A .npy file: magic, version 1.0, a header padded to 128 bytes in all (as numpy aligns it), then the numbers.
    private string Npy(string name, string descr, string shape, byte[] data, string order = "False")
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}";
        header = header.PadRight(128 - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static byte[] Doubles(IEnumerable<double> values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void A_csv_with_a_header_and_labels_is_read_exactly()
    {
        Write("d.csv", Csv());
        var target = Assert.IsType<SamplesTarget>(ExperimentConfig.Load(Config("file = \"d.csv\"")).Target);
        Assert.Equal((12, 2, 2), (target.Rows.Length, target.Dimension, target.Components));
        Assert.Equal([3.05, 1.25], target.Rows[5]);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 2), target.Labels!);
        Assert.Equal(Path.Combine(_folder, "d.csv"), target.Source);
    }

    [Fact]
    public void A_csv_without_a_header_has_no_labels_and_needs_model_components()
    {
        var rows = Enumerable.Range(0, 10).Select(i => FormattableString.Invariant($"{i}.5, -{i}, 1e-3")).ToArray();
        Write("plain.csv", string.Join("\n", rows));
        var config = ExperimentConfig.Load(Config("file = \"plain.csv\"", "model.components = 3"));
        var target = Assert.IsType<SamplesTarget>(config.Target);
        Assert.Null(target.Labels);
        Assert.Equal([4.5, -4, 1e-3], target.Rows[4]);
        Assert.Equal(3, config.Model.Components);
        Assert.Equal(["held_out_nll"], config.FigureNames);
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("file = \"plain.csv\"")));
        Assert.Contains("plain.csv: no label column, so model.components must be set", error.Message);
    }

    [Fact]
    public void Npy_files_of_float32_and_float64_are_read_exactly()
    {
        var values = Enumerable.Range(0, 30).Select(i => i * 0.25 - 3).ToArray();
        Npy("d8.npy", "<f8", "(10, 3)", Doubles(values));
        Npy("d4.npy", "<f4", "(10, 3)", values.SelectMany(v => BitConverter.GetBytes((float)v)).ToArray());
        foreach (var name in new[] { "d8.npy", "d4.npy" })
        {
            var (rows, labels) = SampleFile.Read(Path.Combine(_folder, name));
            Assert.Null(labels);
            Assert.Equal(values, rows.SelectMany(r => r)); // quarters are exact in float32 too
            Assert.Equal(3, rows[0].Length);
        }
    }

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "bad.csv:3: 1 cells; every row must have 2, as the header has")]
    [InlineData("x,y\n1,2\n3,abc\n", "bad.csv:3: y = \"abc\" is not allowed (finite numbers only)")]
    [InlineData("x,y\n1,2\n3,NaN\n", "bad.csv:3: y = \"NaN\" is not allowed (finite numbers only)")]
    [InlineData("x,y\n1,2\n3,inf\n", "bad.csv:3: y = \"inf\" is not allowed (finite numbers only)")]
    [InlineData("x,y,label\n1,2,0\n3,4,1.5\n", "bad.csv:3: label = \"1.5\" is not allowed (labels are integers)")]
    [InlineData("x,y,label\n1,2,0\n3,4,one\n", "bad.csv:3: label = \"one\" is not allowed (labels are integers)")]
    [InlineData("", "bad.csv: the file is empty")]
    [InlineData("\n  \n", "bad.csv: the file is empty")]
    [InlineData("x,y\n", "bad.csv: no data rows")]
    [InlineData("label\n1\n", "bad.csv: 0 data column(s) besides label; 1 to 10 are allowed")]
    [InlineData("0,1,2,3,4,5,6,7,8,9,10\n", "bad.csv: 11 data column(s); 1 to 10 are allowed")]
    [InlineData("x,y\n1,2\n3,4\n", "bad.csv: 2 rows; at least 10 are needed")]
    public void A_bad_csv_is_refused_in_one_line_naming_the_file(string text, string expected)
    {
        Write("bad.csv", text);
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("file = \"bad.csv\"", "model.components = 2")));
        Assert.Contains(Path.Combine(_folder, expected), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(">f8", "(10, 2)", "False", 160, "dtype '>f8' is not allowed ('<f4' or '<f8': little-endian float32 or float64)")]
    [InlineData("<i4", "(10, 2)", "False", 80, "dtype '<i4' is not allowed")]
    [InlineData("<f8", "(10, 2)", "True", 160, "fortran_order = True is not allowed (C order only")]
    [InlineData("<f8", "(5, 2, 2)", "False", 160, "shape (5, 2, 2) is not allowed (2-D: rows × columns)")]
    [InlineData("<f8", "(20,)", "False", 160, "shape (20,) is not allowed")]
    [InlineData("<f8", "(10, 11)", "False", 880, "11 columns; 1 to 10 are allowed")]
    [InlineData("<f8", "(10, 2)", "False", 152, "152 bytes of data; shape (10, 2) of 8-byte numbers needs 160")]
    public void A_bad_npy_file_is_refused_in_one_line_naming_the_file(string descr, string shape, string order, int bytes, string expected)
    {
        var path = Npy("bad.npy", descr, shape, new byte[bytes], order);
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("file = \"bad.npy\"", "model.components = 2")));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Npy_values_that_are_not_finite_or_a_file_that_is_not_npy_are_refused()
    {
        var path = Npy("nan.npy", "<f8", "(10, 1)", Doubles(Enumerable.Range(0, 10).Select(i => i == 7 ? double.NaN : i)));
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("file = \"nan.npy\"", "model.components = 2")));
        Assert.Equal($"{path}: row 8, column 1 = NaN is not allowed (finite numbers only)", error.Message);
        var fake = Write("fake.npy", "x,y\n1,2\n");
        error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config("file = \"fake.npy\"", "model.components = 2")));
        Assert.StartsWith($"{fake}: not a .npy file", error.Message);
    }

    [Theory]
    [InlineData("file = \"nowhere.csv\"", "", "nowhere.csv: no such samples file (target.file names a CSV or .npy file of data points)")]
    [InlineData("holdout = 0.2", "", "target.kind = samples needs target.file")]
    [InlineData("file = \"d.csv\", size = 5", "", "target.size is not allowed with target.kind = samples (its keys: target.file, target.holdout, target.split-seed)")]
    [InlineData("file = \"d.csv\", holdout = 0.95", "", "target.holdout = 0.95 is not allowed")]
    [InlineData("file = \"d.csv\"", "model.objective = reverse-kl", "model.objective = reverse-kl is not allowed (forward-kl only with target.kind = samples")]
    [InlineData("file = \"d.csv\"", "model.conditional-objective = reverse-kl", "model.conditional-objective = reverse-kl is not allowed (forward-kl only")]
    [InlineData("file = \"d.csv\"", "ledger.objective = joint-reverse-kl", "ledger.objective = joint-reverse-kl is not allowed (joint-nll only with target.kind = samples")]
    [InlineData("file = \"d.csv\"", "ledger.samples = 11", "ledger.samples = 11 is not allowed (at most the 10 training rows of target.file)")]
    public void What_a_data_set_cannot_do_is_refused_in_one_line_naming_the_key(string target, string extra, string expected)
    {
        Write("d.csv", Csv());
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.Load(Config(target, extra)));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_data_set_defaults_to_forward_kl_and_the_joint_nll_ledger_on_its_training_rows()
    {
        Write("d.csv", Csv());
        var config = ExperimentConfig.Load(Config("file = \"d.csv\""));
        Assert.Equal(Core.Objectives.ObjectiveKind.ForwardKl, config.Model.Objective);
        Assert.Equal(Core.Objectives.ObjectiveKind.ForwardKl, config.Model.ConditionalObjective);
        Assert.Equal(Core.Evaluation.Contributions.ContributionObjectiveKind.JointNll, config.Ledger!.Objective.Kind);
        Assert.Equal(10, config.Ledger.Objective.Samples); // the default 1000, shrunk to the 10 training rows (12 − 2 held out)
        Assert.Equal(["held_out_nll", "modes_covered", "high_quality_fraction"], config.FigureNames);
    }

    [Fact]
    public void The_shipped_config_runs_and_writes_its_data_figures_without_kls()
    {
        var config = ExperimentConfig.Load(TestFiles.Config("samples-biglearn.conf"), ["budget=60", "evaluation.every=30", "evaluation.samples=2000"]);
        var target = Assert.IsType<SamplesTarget>(config.Target);
        Assert.Equal((2000, 2, 5), (target.Rows.Length, target.Dimension, target.Components));
        Assert.Equal(400, target.Split().HeldOut.Length);
        var folder = Path.Combine(_folder, "run");
        Directory.CreateDirectory(folder);
        var outcome = ExperimentRun.RunInto(config, folder, consoleLog: TextWriter.Null).Gmm();
        Assert.Equal(["held_out_nll", "modes_covered", "high_quality_fraction"], outcome.Figures.Select(f => f.Name));
        Assert.True(outcome.Final.HeldOutNll < outcome.Evaluations[0].HeldOutNll, "60 tasks lower the held-out NLL from the paper's start at (−5, −5)");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal(outcome.Final.HeldOutNll, root.GetProperty("held_out_nll").GetDouble());
        Assert.Equal(5, root.GetProperty("modes_total").GetInt32());
        Assert.False(root.TryGetProperty("reverse_kl", out _));
        Assert.False(root.TryGetProperty("forward_kl", out _));
        Assert.StartsWith("tasks,steps,held_out_nll,", File.ReadAllText(Path.Combine(folder, "metrics.csv")));
        foreach (var plot in new[] { "nll.png", "modes.png", "density-final.png", "model-final.png" })
            Assert.True(File.Exists(Path.Combine(folder, "plots", plot)), plot);
        Assert.False(File.Exists(Path.Combine(folder, "plots", "kl.png")));
    }

    [Fact]
    public void A_ten_dimensional_data_set_runs_transformed_marginals_conditionals_and_noisy_tasks()
    {
        // Three clusters in 10-D, deterministic; no labels, so the model's size is given.
        var rng = new Rng(5);
        var lines = Enumerable.Range(0, 60).Select(i => string.Join(",", Enumerable.Range(0, 10)
            .Select(j => ((i % 3 - 1) * 3.0 * (j % 2 == 0 ? 1 : -1) + 0.3 * rng.NextGaussian()).ToString("R", CultureInfo.InvariantCulture))));
        Write("ten.csv", string.Join("\n", lines));
        var config = ExperimentConfig.Load(Config("file = \"ten.csv\"", "model.components = 3", """
            marginal { count = 1, masks = "haar(marginal(k=1))", inner-steps = 3 }
            subset { count = 1, masks = "marginal(k=3)", inner-steps = 3 }
            conditional { count = 1, masks = "haar(conditional(observed=1..5))", inner-steps = 3 }
            noisy { count = 1, masks = "noisy(joint, sd=1)", inner-steps = 3 }
            """));
        var folder = Path.Combine(_folder, "run10");
        Directory.CreateDirectory(folder);
        var outcome = ExperimentRun.RunInto(config, folder, consoleLog: TextWriter.Null).Gmm();
        Assert.Equal(30, outcome.Tasks);
        Assert.Equal(0, outcome.RejectedTasks);
        Assert.Equal(10 * 3 + 3 * 100 + 3, outcome.Final.Parameters.Length);
        Assert.True(double.IsFinite(outcome.Final.HeldOutNll));
        Assert.True(outcome.Final.HeldOutNll < outcome.Evaluations[0].HeldOutNll, "30 tasks lower the held-out NLL");
        Assert.Equal(["held_out_nll"], outcome.Figures.Select(f => f.Name));
        Assert.Contains("samples(60 rows in 10-D, 12 held out", File.ReadAllText(Path.Combine(folder, "report.md")));
    }
}
