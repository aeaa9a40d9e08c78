using System.Text.RegularExpressions;
using BigLearn.Actors.Population;
using BigLearn.Core;
using BigLearn.Core.Gan;
using BigLearn.Core.Images;
using BigLearn.Core.Tasks.Masks;

using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gmm;

namespace BigLearn.Hosting.Kinds.Gan;

/// <summary>Which images an adversarial run learns.</summary>
/// <param name="Set">fashion-mnist or mnist.</param>
/// <param name="Path">Where its files are (the set's default when the config does not say).</param>
/// <param name="TrainImages">Training images used (a seeded random subset; 0 = all).</param>
/// <param name="TestImages">Test images used (a seeded random subset; 0 = all).</param>
public sealed record DataSection(string Set, string Path, int TrainImages, int TestImages)
{
    /// <summary>Loads the data set and draws the configured subsets (from <paramref name="seed"/>).</summary>
    /// <exception cref="ImageDataException">The data set is missing or malformed (one line naming the install command).</exception>
    public ImageDataset Load(long seed)
    {
        var data = ImageDatasets.Load(Set, Path);
        var rng = Core.Randomness.Rng.ForStream(seed, 0x1DA7A);
        return data with
        {
            Train = TrainImages > 0 ? data.Train.Sample(TrainImages, rng) : data.Train,
            Test = TestImages > 0 ? data.Test.Sample(TestImages, rng) : data.Test,
        };
    }
}

/// <summary>How an adversarial run is scored (the final evaluation and the quick checks during training).</summary>
/// <param name="Every">Tasks between quick checks (classifier FID of <paramref name="QuickSamples"/> joint samples).</param>
/// <param name="QuickSamples">Joint samples per quick check (0: no quick checks).</param>
/// <param name="Samples">Generated images for the final FID and test images per completion mask.</param>
/// <param name="DiversityInputs">Test inputs whose 8 completions measure the diversity at each observed ratio.</param>
/// <param name="Seed">Seed of the evaluation's images, masks and noise.</param>
/// <param name="ClassifierCache">Folder where the evaluation classifier's weights are kept between runs.</param>
/// <param name="ClassifierEpochs">Epochs of the evaluation classifier's training (0: the default recipe for the split's size).</param>
public sealed record GanEvaluationSection(long Every, int QuickSamples, int Samples, int DiversityInputs, long Seed, string ClassifierCache,
    int ClassifierEpochs)
{
    /// <summary>The classifier's training recipe for a training split of <paramref name="trainCount"/> images.</summary>
    public Core.Gan.Evaluation.ClassifierTrainingSettings ClassifierTraining(int trainCount) =>
        ClassifierEpochs > 0 ? new(Epochs: ClassifierEpochs) : Core.Gan.Evaluation.ClassifierTrainingSettings.For(trainCount);
}

/// <summary>
/// A validated <c>kind = gan</c> experiment: a population of task agents training one mask-conditioned GAN (docs/science.md §4.2)
/// through the actors. Every agent's tasks are pixel masks over Height·Width coordinates; see configs/gan-*.conf.
/// </summary>
/// <param name="Experiment">Name (run folder <c>runs/&lt;experiment&gt;/…</c>).</param>
/// <param name="Population">The agents, groups, budget, scheduling and credits.</param>
/// <param name="Data">The image data set.</param>
/// <param name="Gan">The adversarial model's hyper-parameters.</param>
/// <param name="Evaluation">Scoring.</param>
/// <param name="Device">Where tensors live.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Timeout">How long the whole run may take before it is abandoned.</param>
/// <param name="FileLogLevel">Minimum level of <c>log.jsonl</c>.</param>
/// <param name="Masks">Each group's mask spec as written.</param>
/// <param name="Source">The parsed configuration.</param>
public sealed partial record GanExperimentConfig(
    string Experiment, PopulationSpec Population, DataSection Data, GanSettings Gan, GanEvaluationSection Evaluation,
    DeviceChoice Device, int Threads, TimeSpan Timeout, LogLevel FileLogLevel, IReadOnlyList<string> Masks, ConfigSource Source) : IExperiment
{
    /// <inheritdoc />
    public IModelKind ModelKind => GanKind.Instance;

    /// <inheritdoc />
    public RunSettings Run => new(Experiment, Population, Device, Threads, Timeout, FileLogLevel, Masks, Source,
        Checkpoint, MaxRejectionsInARow, Ledger);

    /// <summary>
    /// When the model measures per-agent contributions (the <c>ledger.*</c> keys under <see cref="LedgerRules.Gan"/>: J = completion-fid,
    /// every 25th task by default, no audits); null when <c>ledger.every = 0</c>.
    /// </summary>
    public Core.Evaluation.Contributions.ContributionSchedule? Ledger { get; init; }

    /// <summary>
    /// True: a checkpoint saves G, D, the moving average and both optimisers as TorchSharp state-dictionary files in the bundle
    /// (<see cref="Core.Training.IStateFileRunner"/>), the rest (agents, scheduler, evaluations) as for the GMM.
    /// </summary>
    public bool Checkpoints => true;

    /// <summary><c>checkpoint.every</c> (default budget/10) and <c>checkpoint.keep</c> (default 3).</summary>
    public CheckpointSection Checkpoint { get; init; } = new(0, RunBasics.DefaultCheckpointKeep);

    /// <inheritdoc />
    public bool Sweeps => true;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames => Reporting.Gan.GanOutcome.FigureNames;

    /// <inheritdoc />
    public bool EvaluatesUntrainedModel => false;

    /// <inheritdoc />
    public string Summary()
    {
        var spec = Population;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"gan {Experiment} on {Data.Set}: {spec.BudgetTasks} tasks, {spec.AgentCount} agents in {spec.Groups.Count} group(s) " +
            $"({string.Join(", ", spec.Groups.Select(g => g.Name))}), batch {Gan.BatchSize}, {Gan.Channels} channels, seed {spec.Seed}");
    }

    /// <summary>Loads the data set and makes sure the evaluation classifier is trained (once per data set and seed, then cached).</summary>
    /// <exception cref="ImageDataException">The data set is missing or malformed (one line naming the install command).</exception>
    public IExperimentSession Open(TorchSharp.torch.Device device, Action<string>? stage)
    {
        stage?.Invoke($"loading {Data.Set} from {Data.Path}");
        var data = Data.Load(Population.Seed);
        LedgerSection.CheckSamples(Source, Ledger, data.Test.Count, $"held-out test images of {Data.Set} this run loads");
        stage?.Invoke("evaluation classifier (trained once, then cached)");
        GanRunFactory.PrepareClassifier(this, data);
        return new GanSession(this, data, device);
    }

    /// <summary>The <c>kind</c> this record accepts.</summary>
    public const string Kind = "gan";

    /// <summary>Side of the images of both data sets (28×28 pixels): the mask dimension is its square.</summary>
    public const int ImageSide = 28;

    /// <summary>Every key outside the groups.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        "experiment", "kind", "seed", "budget", "scheduling", "credits", "device", "threads", "timeout-minutes", "log-level",
        "data.set", "data.path", "data.train-images", "data.test-images",
        "gan.batch-size", "gan.channels", "gan.noise-dim", "gan.generator-learning-rate", "gan.discriminator-learning-rate",
        "gan.beta1", "gan.beta2", "gan.r1-gamma", "gan.r1-interval", "gan.ema-decay",
        "evaluation.every", "evaluation.quick-samples", "evaluation.samples", "evaluation.diversity-inputs", "evaluation.seed",
        "evaluation.classifier-cache", "evaluation.classifier-epochs",
        .. LedgerSection.Keys,
        "checkpoint.every", "checkpoint.keep", "agents.max-rejections",
    ];

    /// <summary>How many rejected tasks in a row stop an agent (0 = never).</summary>
    public int MaxRejectionsInARow { get; init; } = RunBasics.DefaultMaxRejections;

    /// <summary>Loads <paramref name="path"/>, applies the <c>--set</c> overrides and validates everything.</summary>
    /// <exception cref="ConfigException">Anything is missing, malformed, unknown or out of range (one line).</exception>
    public static GanExperimentConfig Load(string path, IEnumerable<string>? sets = null) => From(ConfigSource.Load(path, sets));

    /// <summary>Validates an already parsed configuration.</summary>
    /// <exception cref="ConfigException">Anything is unknown or out of range.</exception>
    public static GanExperimentConfig From(ConfigSource source)
    {
        var basics = RunBasics.Parse(source, Kind, KnownKeys, "gan");
        var (seed, budget) = (basics.Seed, basics.Budget);

        var set = source.GetString("data.set", "fashion-mnist", DataSetPattern(), $"one of: {string.Join(", ", ImageDatasets.Names)}");
        var dataPath = source.GetString("data.path", ImageDatasets.DefaultPath(set), AnyText(), "a folder");
        var data = new DataSection(set, dataPath, source.GetInt("data.train-images", 0, 0, 10_000_000), source.GetInt("data.test-images", 0, 0, 10_000_000));
        var gan = ParseGan(source);
        var evaluation = new GanEvaluationSection(
            source.GetLong("evaluation.every", Math.Max(1, budget / 10), 1, 1_000_000_000),
            source.GetInt("evaluation.quick-samples", 500, 0, 100_000),
            source.GetInt("evaluation.samples", 1000, 10, 10_000),
            source.GetInt("evaluation.diversity-inputs", 100, 1, 10_000),
            source.GetLong("evaluation.seed", seed, 0, long.MaxValue),
            ExpandHome(source.GetString("evaluation.classifier-cache", DefaultClassifierCache, AnyText(), "a folder")),
            source.GetInt("evaluation.classifier-epochs", 0, 0, 1000));

        var (groups, masks) = basics.ParseGroups(source, ImageSide * ImageSide);
        for (int g = 0; g < groups.Count; g++)
            if (groups[g].Masks is MaskDistribution { ContainsNoise: true })
            {
                string key = $"groups.{groups[g].Name}.masks";
                throw new ConfigException($"{source.Where(key)}: {key} = \"{masks[g]}\" is not allowed (noisy(...) views are for Gaussian-mixture runs; a GAN task sees its pixels exactly)");
            }
        // J's images are held-out test images: a subset asked for in the config bounds them before the data is loaded.
        var ledger = LedgerSection.Parse(source, budget, seed, LedgerRules.Gan, data.TestImages > 0 ? data.TestImages : 10_000_000);
        PopulationSpec population;
        try
        {
            population = new PopulationSpec(seed, budget, groups, basics.Scheduling, basics.Credits, evaluation.QuickSamples > 0 ? evaluation.Every : 0)
            {
                Contributions = ledger,
            };
        }
        catch (PopulationSpecException e)
        {
            throw new ConfigException($"{source.Origin}: {e.Message}", e);
        }
        RunBasics.CheckWindows(source, population);
        return new GanExperimentConfig(basics.Experiment, population, data, gan, evaluation, basics.Device, basics.Threads, basics.Timeout,
            basics.FileLogLevel, masks, source)
        {
            MaxRejectionsInARow = source.GetInt("agents.max-rejections", RunBasics.DefaultMaxRejections, 0, 1_000_000),
            Checkpoint = CheckpointSection.Parse(source, budget),
            Ledger = ledger,
        };
    }

    /// <summary>Where the evaluation classifier is cached unless the config says otherwise.</summary>
    public static string DefaultClassifierCache =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "biglearn", "classifiers");

    private static GanSettings ParseGan(ConfigSource source)
    {
        var d = new GanSettings();
        return new GanSettings
        {
            BatchSize = source.GetInt("gan.batch-size", d.BatchSize, 2, 4096),
            Channels = source.GetInt("gan.channels", d.Channels, 1, 1024),
            NoiseDim = source.GetInt("gan.noise-dim", d.NoiseDim, 1, 4096),
            GeneratorLearningRate = source.GetDouble("gan.generator-learning-rate", d.GeneratorLearningRate, 1e-12, 1),
            DiscriminatorLearningRate = source.GetDouble("gan.discriminator-learning-rate", d.DiscriminatorLearningRate, 1e-12, 1),
            Beta1 = source.GetDouble("gan.beta1", d.Beta1, 0, 0.999999),
            Beta2 = source.GetDouble("gan.beta2", d.Beta2, 0, 0.999999),
            R1Gamma = source.GetDouble("gan.r1-gamma", d.R1Gamma, 0, 1e6),
            R1Interval = source.GetInt("gan.r1-interval", d.R1Interval, 1, 1_000_000),
            EmaDecay = source.GetDouble("gan.ema-decay", d.EmaDecay, 0, 0.999999),
        };
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;

    [GeneratedRegex("^(fashion-mnist|mnist)$")]
    private static partial Regex DataSetPattern();

    [GeneratedRegex(@"\S")]
    private static partial Regex AnyText();
}
