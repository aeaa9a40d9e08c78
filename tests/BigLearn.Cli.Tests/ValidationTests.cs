namespace BigLearn.Cli.Tests;

/// <summary>Malformed population configurations and command lines: one line naming the problem, exit code 2, nothing written.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-validation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = BigLearn.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    internal static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got: {text}");
        return lines[0].TrimEnd('\r');
    }

    internal static string SmokeConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "configs", "gmm25-smoke.conf");
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException("configs/gmm25-smoke.conf not found");
    }

    // Each case: overrides of the smoke config (a population of 3 marginal agents and 1 joint agent from half the budget of
    // 60 tasks, evaluation every 20) and a fragment the one-line message must contain.
    public static TheoryData<string[], string> MalformedPopulations => new()
    {
        { ["budget=0"], "budget = 0 is not allowed (an integer in [1, 100000000])" },
        { ["budget=abc"], "budget = abc is not allowed (an integer in" },
        { ["budget=1.5"], "budget = 1.5 is not allowed (an integer in" },
        { ["seed=-1"], "seed = -1 is not allowed (an integer in [0, " },
        { ["scheduling=fast"], "scheduling = fast is not allowed (one of: lockstep, free)" },
        { ["credits=0"], "credits = 0 is not allowed (an integer in [1, 1000])" },
        { ["device=gpu"], "device = gpu is not allowed (one of: auto, cpu, cuda)" },
        { ["threads=0"], "threads = 0 is not allowed (an integer in [1, 1024])" },
        { ["timeout-minutes=0"], "timeout-minutes = 0 is not allowed (a number in [0.1, 10080])" },
        { ["log-level=loud"], "log-level = loud is not allowed (one of: debug, information, warning)" },
        { ["model.components=0"], "model.components = 0 is not allowed (an integer in [1, 10000])" },
        { ["model.learning-rate=-0.1"], "model.learning-rate = -0.1 is not allowed (a number in [1E-12, 1000000])" },
        { ["model.objective=kl"], "model.objective = kl is not allowed (one of: reverse-kl, forward-kl)" },
        { ["model.samples-per-step=0"], "model.samples-per-step = 0 is not allowed (an integer in [1, 10000000])" },
        { ["model.init-spread=-1"], "model.init-spread = -1 is not allowed (a number in [0, 1000000])" },
        { ["target.dim=11"], "target.dim = 11 is not allowed (an integer in [1, 10])" },
        { ["target.size=0"], "target.size = 0 is not allowed (an integer in [1, 20])" },
        { ["target.variance=0"], "target.variance = 0 is not allowed (a number in [1E-09, 1000000])" },
        { ["target.spacing=[1, 2]"], "target.spacing = [1, 2] is not allowed (a number in" },
        { ["evaluation.every=0"], "evaluation.every = 0 is not allowed (an integer in [1, 1000000000])" },
        { ["evaluation.samples=5"], "evaluation.samples = 5 is not allowed (an integer in [10, 10000000])" },
        { ["checkpoint.every=61"], "checkpoint.every = 61 is not allowed (an integer in [0, 60])" },
        { ["checkpoint.keep=0"], "checkpoint.keep = 0 is not allowed (an integer in [1, 1000])" },
        { ["agents.max-rejections=-1"], "agents.max-rejections = -1 is not allowed (an integer in [0, 1000000])" },
        { ["groups.joint.share=0"], "groups.joint.share = 0 is not allowed (a number in [5E-324, 1000000000000])" },
        { ["groups.joint.share=-1"], "groups.joint.share = -1 is not allowed" },
        { ["groups.joint.start=1"], "groups.joint.start = 1 is not allowed (a fraction of the budget in [0, 1))" },
        { ["groups.joint.stop=0.4"], "groups.joint.start = 0.5 and groups.joint.stop = 0.4 are not allowed (the window [start, stop) needs start < stop ≤ 1)" },
        { ["budget=10", "evaluation.every=5", "groups.joint.start=0.51", "groups.joint.stop=0.55"],
            "groups.joint.start = 0.51 and groups.joint.stop = 0.55 are not allowed (the window holds no task of budget 10" },
        { ["groups.joint.count=0"], "groups.joint.count = 0 is not allowed (an integer in [1, 1000000])" },
        { ["groups.joint.inner-steps=0"], "groups.joint.inner-steps = 0 is not allowed (an integer in [1, 1000000])" },
        { ["groups.joint.masks=\"marginal(k=3)\""], "groups.joint.masks = \"marginal(k=3)\" is not allowed" },
        { ["groups.joint.masks=\"marginal(coords=0,5)\""], "groups.joint.masks = \"marginal(coords=0,5)\" is not allowed" },
        { ["groups.joint.masks=\"conditional(observed-coords=0, target-coords=0)\""], "groups.joint.masks = \"conditional(observed-coords=0, target-coords=0)\" is not allowed" },
        { ["groups.joint.masks=\"haar(jont)\""], "groups.joint.masks = \"haar(jont)\" is not allowed" },
        { ["groups.joint.masks=\"mix(0 joint, 0 marginal(k=1))\""], "groups.joint.masks = \"mix(0 joint, 0 marginal(k=1))\" is not allowed" },
        { ["groups.joint.shares=0.5"], "unknown key groups.joint.shares = 0.5 (did you mean groups.joint.share?)" },
        { ["modle.components=3"], "unknown key modle.components = 3 (did you mean model.components?)" },
        { ["checkpoint.evry=5"], "unknown key checkpoint.evry = 5 (did you mean checkpoint.every?)" },
        { ["kind=frob"], "kind = frob is not allowed (one of: population" },
        { ["groups=3"], "groups = 3 is not allowed (an object of groups" },
    };

    [Theory]
    [MemberData(nameof(MalformedPopulations))]
    public void A_malformed_population_config_is_refused_by_validate_and_run_with_one_line_and_exit_code_2(string[] sets, string expected)
    {
        var args = sets.SelectMany(s => new[] { "--set", s }).ToArray();
        var outDir = Path.Combine(_folder, "run");

        var validate = Cli(["validate", SmokeConfig(), .. args]);
        var run = Cli(["run", SmokeConfig(), .. args, "--out", outDir]);

        foreach (var (code, output, error) in new[] { validate, run })
        {
            Assert.Equal(2, code);
            var line = SingleLine(error);
            Assert.StartsWith("biglearn: ", line);
            Assert.Contains(SmokeConfig(), line); // names the file
            Assert.Contains(expected, line);
            Assert.DoesNotContain("valid;", output);
        }
        Assert.Empty(Directory.GetFileSystemEntries(_folder)); // no run folder, no staging folder
    }

    public static TheoryData<string, string> MalformedFiles => new()
    {
        { "budget = ${nope}\n", ":1: budget = ${nope} is not allowed (substitutions ${...} and ${?...} are not supported" },
        { "include \"../x.conf\"\n", ":1: include \"../x.conf\" is not allowed (the file must be in " },
        { "kind = population\nbudget = 10\n", "groups = (absent) is not allowed (at least one group is required" },
        { "groups { a { count = 2 } }\n", "groups.a.masks is missing" },
        { "groups { \"b c\" { masks = joint } }\n", "group name b c is not allowed" },
        { "groups { a { masks = joint, start = 0.2 } }\n", "tasks 0..1999: no group is active there" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void A_malformed_population_file_is_refused_with_one_line_naming_the_file(string text, string expected)
    {
        var config = Path.Combine(_folder, "bad.conf");
        File.WriteAllText(config, text);
        var outDir = Path.Combine(_folder, "run");

        foreach (var (code, _, error) in new[] { Cli("validate", config), Cli("run", config, "--out", outDir) })
        {
            Assert.Equal(2, code);
            var line = SingleLine(error);
            Assert.Contains(config, line);
            Assert.Contains(expected, line);
        }
        Assert.False(Directory.Exists(outDir));
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');

    [Fact]
    public void Validate_prints_one_summary_line_for_a_population_and_a_landscape_config()
    {
        var population = Cli("validate", SmokeConfig(), "--set", "budget=100");
        Assert.Equal(0, population.Code);
        var line = FirstLine(population.Out);
        Assert.Contains("valid; population gmm25-smoke: seed 888, 100 tasks, lockstep, 4 agents in 2 group(s)", line);
        Assert.Contains("checkpoint every 10 (keep 3)", line); // the default: a tenth of the budget

        var landscapeConfig = Path.Combine(Path.GetDirectoryName(SmokeConfig())!, "gmm2-landscape.conf");
        var landscape = Cli("validate", landscapeConfig, "--set", "grid.points=7");
        Assert.Equal(0, landscape.Code);
        Assert.Contains("valid; landscape gmm2-landscape: 7×7 grid", FirstLine(landscape.Out));
        Assert.Equal("", landscape.Err);

        var ganConfig = Path.Combine(Path.GetDirectoryName(SmokeConfig())!, "gan-fashion-biglearn.conf");
        var gan = Cli("validate", ganConfig, "--set", "budget=100");
        Assert.Equal(0, gan.Code);
        Assert.Contains("valid; gan gan-fashion-biglearn on fashion-mnist: 100 tasks, 8 agents in 5 group(s) (joint, pixels, halves, patches, boxes)", FirstLine(gan.Out));

        var badGan = Cli("validate", ganConfig, "--set", "groups.halves.masks=\"half(middle)\"");
        Assert.Equal(2, badGan.Code);
        Assert.Contains("groups.halves.masks = \"half(middle)\" is not allowed (middle: unknown half 'middle'; allowed: top, bottom, left, right, any", SingleLine(badGan.Err));
    }

    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["validate", "SMOKE", "--set", "budget"], "--set budget: malformed override" },
        { ["validate", "SMOKE", "--set", "budget=[1"], "--set budget=[1: malformed value" },
        { ["validate", "/no/such/file.conf"], "/no/such/file.conf: no such config file" },
        { ["run", "/no/such/file.conf"], "/no/such/file.conf: no such config file" },
        { ["validate"], "Required argument missing for command: 'validate'" },
        { ["resum", "x"], "Unrecognized command or argument 'resum'" },
        { ["resume", "/no/such/run"], "/no/such/run: no such run folder" },
        { ["resume", "NOT_A_RUN"], "not a run folder (no config.conf" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public void A_bad_command_line_exits_2_with_one_line(string[] args, string expected)
    {
        var notARun = Directory.CreateDirectory(Path.Combine(_folder, "not-a-run")).FullName;
        File.WriteAllText(Path.Combine(notARun, "notes.txt"), "hello");
        var resolved = args.Select(a => a switch { "SMOKE" => SmokeConfig(), "NOT_A_RUN" => notARun, _ => a }).ToArray();

        var (code, _, error) = Cli(resolved);

        Assert.Equal(2, code);
        Assert.Contains(expected, SingleLine(error));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(notARun).Select(Path.GetFileName));
    }

    [Fact]
    public void Validate_prints_the_resolved_configuration_after_the_summary_line_with_the_includes_applied()
    {
        var joint = Path.Combine(Path.GetDirectoryName(SmokeConfig())!, "gmm25-joint.conf");

        var (code, output, error) = Cli("validate", joint, "--set", "budget=200");

        Assert.Equal((0, ""), (code, error));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{joint}: valid; population gmm25-joint: seed 888, 200 tasks, lockstep, 1 agents in 1 group(s): joint (1 × joint, share 1, [0, 1))", lines[0]);
        Assert.Equal("# Resolved configuration: gmm25-joint.conf", lines[1]);
        Assert.Equal("#   --set budget=200", lines[2]);
        Assert.Contains("model.learning-rate : 0.1", lines);   // from the included gmm25-biglearn.conf
        Assert.Contains("target.variance : 0.05", lines);
        Assert.Contains("budget : 200", lines);
        Assert.Contains("groups.joint.share : 1", lines);      // the variant's own group ...
        Assert.DoesNotContain(lines, l => l.StartsWith("groups.marginal", StringComparison.Ordinal)); // ... instead of the base's
    }

    [Fact]
    public void Every_shipped_config_validates()
    {
        var configs = Directory.GetFiles(Path.GetDirectoryName(SmokeConfig())!, "*.conf");
        Assert.True(configs.Length >= 13);
        Assert.All(configs, config =>
        {
            var (code, output, error) = Cli("validate", config);
            Assert.True(code == 0, $"{config}: {error}");
            Assert.StartsWith($"{config}: valid; ", FirstLine(output));
            Assert.Contains($" {Path.GetFileNameWithoutExtension(config)}", FirstLine(output)); // named after its file
        });
    }
}
