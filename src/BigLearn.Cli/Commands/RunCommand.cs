using System.CommandLine;
using System.Globalization;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Experiments;
using BigLearn.Reporting;
using Spectre.Console;

namespace BigLearn.Cli.Commands;

/// <summary><c>biglearn run CONFIG [--set key=value ...] [--seeds 888,5079,... [--replicas auto|R]] [--out DIR]</c>: a population experiment.</summary>
internal static partial class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Argument<string>("CONFIG") { Description = $"HOCON experiment file (configs/*.conf) whose kind is one of: {ModelKinds.Names}" };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key, repeatable: --set budget=1000 --set groups.joint.share=0.2",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seeds = new Option<string?>("--seeds")
        {
            Description = "Run once per seed (comma-separated), each in seed-<seed>/, plus sweep.json and sweep.md",
            HelpName = "888,5079,...",
        };
        var replicas = new Option<string?>("--replicas")
        {
            Description = "With --seeds: run up to R seeds at the same time in this process (auto: one per core, at most one per seed); " +
                "default 1, one after the other. A lockstep seed writes the same outputs either way",
            HelpName = "auto|R",
        };
        var output = new Option<string?>("--out")
        {
            Description = "Run folder to create (default: runs/<experiment>/<utc-timestamp>/); must not exist or be empty",
            HelpName = "DIR",
        };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "Run on the cluster a node at HOST:PORT belongs to (model on a model-role node, agents sharded over agents-role nodes); " +
                "the run folder must be on storage the model-role nodes see",
            HelpName = "HOST:PORT",
        };
        var tls = new Option<string?>("--tls-cert")
        {
            Description = $"With --cluster: the cluster's PKCS#12 certificate, for a cluster that uses mutual TLS (password in {Hosting.Cluster.NodeTls.PasswordVariable})",
            HelpName = "FILE.pfx",
        };
        var insecure = new Option<bool>("--insecure") { Description = "With --cluster: reach a non-loopback cluster without TLS" };
        var dashboard = new DashboardCli();
        var command = new Command("run",
            $"Train one model ({string.Join("; or ", ModelKinds.All.Select(k => $"{k.Title}, kind = {k.Name}"))}) with a population of task " +
            "agents through the actors; write config.conf, metrics.csv, agents.csv, summary.json, report.md, plots/*.png and log.jsonl")
        {
            config, sets, seeds, replicas, output, cluster, tls, insecure,
        };
        foreach (var option in dashboard.All) command.Options.Add(option);
        command.SetAction((parsed, cancellationToken) => Task.FromResult(Run(console, parsed.GetValue(config)!,
            parsed.GetValue(sets) ?? [], parsed.GetValue(seeds), parsed.GetValue(replicas), parsed.GetValue(output),
            new ClusterTarget(parsed.GetValue(cluster), parsed.GetValue(tls), parsed.GetValue(insecure)), dashboard.Parse(parsed), cancellationToken)));
        return command;
    }

    private static int Run(CliConsole console, string configPath, string[] sets, string? seedList, string? replicaText, string? outDir,
        ClusterTarget target, Dashboard.Web.DashboardOptions? dashboard, CancellationToken cancellationToken)
    {
        var endpoint = target.Endpoint();
        var experiment = ModelKinds.Load(configPath, sets);
        var settings = experiment.Run;
        var seeds = seedList is null ? null : ParseSeeds(seedList);
        if (seeds is not null && !experiment.Sweeps)
            throw new CliUsageException($"--seeds {seedList}: not allowed for kind = {experiment.ModelKind.Name} (run one seed at a time with --set seed=N)");
        int replicas = ParseReplicas(replicaText, seeds, endpoint is not null);
        var folder = NewFolder(outDir, () => DefaultFolder(settings.Experiment));
        if (dashboard is not null && seeds is not null)
            throw new CliUsageException($"--dashboard: not with --seeds (one run at a time; watch each seed afterwards with biglearn serve {folder}/seed-SEED)");
        if (dashboard is not null && endpoint is not null)
            throw new CliUsageException("--dashboard: not with --cluster (the model runs on a node: start it with biglearn node --roles model --dashboard)");
        using var live = dashboard is null ? null : new LiveDashboard(console, dashboard);

        var spec = settings.Population;
        var seedText = seeds is null ? $"seed {spec.Seed}" : $"seeds {string.Join(",", seeds)}{(replicas > 1 ? $", {replicas} at a time" : "")}";
        console.Output.WriteLine($"run {settings.Experiment} ({experiment.ModelKind.Title}): {spec.BudgetTasks} tasks, {spec.AgentCount} agents in " +
            $"{spec.Groups.Count} group(s), {spec.Mode.ToString().ToLowerInvariant()}, {seedText}");

        using var signals = InterruptSignals.Listen(cancellationToken);
        if (endpoint is not null)
            return seeds is null
                ? RunOnCluster(console, experiment, folder, endpoint, target, signals)
                : SweepOnCluster(console, configPath, sets, seeds, folder, endpoint, target, signals);
        if (seeds is null)
        {
            // Stages before and after the training print plain lines; in a terminal the training's live bar stands alone.
            Action<string>? stage = console.Interactive ? null : name => console.Output.WriteLine($"  {name}");
            var run = WithProgress(console, [$"seed {spec.Seed}"], spec.BudgetTasks,
                progress => ExperimentRun.Run(experiment, folder, progress[0], stage, console.Error, signals.Token, tap: live?.Tap));
            return Report(console, run, experiment.Checkpoints, signals);
        }

        // Every seed's configuration is validated (by the sweep) before the first one runs.
        var sweep = WithProgress(console, seeds.Select(s => $"seed {s}").ToArray(), spec.BudgetTasks,
            progress => ExperimentSweep.Run(seed => ModelKinds.Load(configPath, [.. sets, $"seed={seed}"]), seeds, folder,
                i => progress[i], console.Error, signals.Token, replicas));
        console.Output.WriteLine($"wrote {sweep.Runs.Count} runs, sweep.json and sweep.md to {sweep.Folder}");
        double runSeconds = sweep.Runs.Sum(r => r.Outcome.TotalSeconds);
        // Side by side, the runs' times overlap: the sweep's own clock (set-up included) is its wall time.
        PrintTable(console, sweep.Rows.Count > 0 ? SweepRow.Table(sweep.Rows) : FigureRow.Table(sweep.FigureRows),
            sweep.Replicas > 1 ? sweep.WallSeconds : runSeconds);
        if (sweep.Replicas > 1) console.Output.WriteLine(Invariant($"  {sweep.Replicas} replicas side by side; the runs' own times add up to {runSeconds:0.#} s"));
        return 0;
    }

    // runs/<experiment>/<UTC time>-<6 random hex digits>: runs of one experiment started in the same second (a script
    // starting several, containers sharing a volume) get different folders; the folder's lock refuses the rare clash.
    internal static string DefaultFolder(string experiment) => Path.Combine("runs", experiment,
        DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));

    /// <summary>
    /// The folder a command writes: <paramref name="outDir"/> or the default; refused in one line, before any work, when
    /// <c>--out</c> is blank or the folder exists and is not empty.
    /// </summary>
    internal static string NewFolder(string? outDir, Func<string> defaultFolder)
    {
        if (outDir is not null && string.IsNullOrWhiteSpace(outDir))
            throw new CliUsageException($"--out \"{outDir}\": not allowed (a folder name)");
        var folder = outDir ?? defaultFolder();
        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            throw new CliUsageException($"--out {folder}: the folder already exists and is not empty (choose a new one)");
        return folder;
    }

    internal static long[] ParseSeeds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var seeds = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out seeds[i]))
                throw new CliUsageException($"--seeds {text}: \"{parts[i]}\" is not allowed (comma-separated non-negative integers, e.g. --seeds 888,5079)");
        if (seeds.Distinct().Count() != seeds.Length)
            throw new CliUsageException($"--seeds {text}: a seed is repeated (each seed at most once)");
        return seeds;
    }

    // How many seeds of a sweep run at once: 1 without the option; auto is one per core, at most one per seed.
    internal static int ParseReplicas(string? text, long[]? seeds, bool cluster)
    {
        if (text is null) return 1;
        int count = 0;
        if (text != "auto" && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
            throw new CliUsageException($"--replicas {text}: not allowed (auto, or how many seeds run at the same time: a whole number, at least 1)");
        if (seeds is null)
            throw new CliUsageException($"--replicas {text}: only with --seeds (replicas run the seeds of a sweep at the same time)");
        if (cluster)
            throw new CliUsageException($"--replicas {text}: not with --cluster (a cluster runs the seeds of a sweep at the same time already)");
        return text == "auto" ? ExperimentSweep.AutoReplicas(seeds.Length) : Math.Min(count, seeds.Length);
    }

    // A live bar per run in a terminal (tasks done, latest modes covered and reverse KL); plain lines at every tenth otherwise.
    internal static T WithProgress<T>(CliConsole console, string[] runs, long budget, Func<IReadOnlyList<IProgress<RunProgress>>, T> work)
    {
        if (!console.Interactive)
            return work(runs.Select(r => (IProgress<RunProgress>)new PlainLines(console.Output, r)).ToArray());
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = runs.Select(r => context.AddTask(r, autoStart: false, maxValue: budget)).ToArray();
                return work(tasks.Select((t, i) => (IProgress<RunProgress>)new Bar(t, runs[i])).ToArray());
            });
    }

    internal static void PrintTable(CliConsole console, ResultTable result, double seconds)
    {
        var (header, lines) = (result.Header, result.Rows);
        if (console.Interactive)
        {
            var table = new Table().AddColumns(header.ToArray());
            foreach (var line in lines) table.AddRow(line.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
        }
        else
        {
            var widths = header.Select((h, c) => Math.Max(h.Length, lines.Max(l => l[c].Length))).ToArray();
            console.Output.WriteLine(string.Join("  ", header.Select((h, c) => h.PadLeft(widths[c]))));
            foreach (var line in lines) console.Output.WriteLine(string.Join("  ", line.Select((v, c) => v.PadLeft(widths[c]))));
        }
        console.Output.WriteLine(Invariant($"wall time {seconds:0.#} s"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Latest(RunProgress p) => string.Concat(p.Figures.Select(f => $", {f.Label} {f.Text}")) + LiveLedger.TopAgents(p);

    private sealed class Bar(ProgressTask task, string name) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (!task.IsStarted) task.StartTask();
            task.MaxValue = Math.Max(1, value.Budget);
            task.Value = value.TasksDone;
            task.Description = $"{name}: {value.TasksDone}/{value.Budget} tasks{Markup.Escape(Latest(value))}";
        }
    }

    // Synchronous: lines must come out in order; one per tenth of the budget, and one more when the evaluation at the end
    // (which comes after the last task, so after the 100 % line) changes the figures. The replicas of a sweep report from
    // their own threads at once: each line is written whole, under the writer's lock.
    private sealed class PlainLines(TextWriter output, string name) : IProgress<RunProgress>
    {
        private int _lastTenth = -1;
        private string _printedFigures = "";

        public void Report(RunProgress value)
        {
            var tenth = (int)(10 * value.TasksDone / Math.Max(1, value.Budget));
            var figures = string.Join(";", value.Figures);
            if (tenth <= _lastTenth)
            {
                if (value.TasksDone < value.Budget || figures == _printedFigures) return;
                Write($"{name}: done ({value.TasksDone}/{value.Budget} tasks){Latest(value)}");
            }
            else Write($"{name}: {tenth * 10}% ({value.TasksDone}/{value.Budget} tasks){Latest(value)}");
            _lastTenth = tenth;
            _printedFigures = figures;
        }

        private void Write(string line)
        {
            lock (output) output.WriteLine(line);
        }
    }
}
