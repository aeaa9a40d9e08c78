using System.Globalization;
using System.Text.RegularExpressions;
using BigLearn.Actors.Population;
using BigLearn.Core;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Objectives;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Kinds.Gmm;

/// <summary>The universal model of a Gaussian-mixture run and how it is trained (docs/science.md §4.1).</summary>
/// <param name="Components">Mixture components K.</param>
/// <param name="LearningRate">SGD step size.</param>
/// <param name="Objective">Reverse KL (the paper) or forward KL (likelihood).</param>
/// <param name="SamplesPerStep">Monte-Carlo samples per inner step.</param>
/// <param name="InitMean">Common offset of the initial means.</param>
/// <param name="InitSpread">Standard deviation of the initial means around it.</param>
public sealed record ModelSection(int Components, double LearningRate, ObjectiveKind Objective, int SamplesPerStep, double InitMean, double InitSpread)
{
    /// <summary>
    /// The trust region of conditional steps (<c>model.conditional-gradient-clip</c>; 0 in the file switches it off):
    /// see <see cref="Core.Training.GmmTrainer.ConditionalGradientClip"/>.
    /// </summary>
    public double ConditionalGradientClip { get; init; } = Core.Training.GmmTrainer.DefaultConditionalGradientClip;

    /// <summary>
    /// The objective of conditional tasks (<c>model.conditional-objective</c>, <see cref="Objective"/> unless set): see
    /// <see cref="Core.Training.GmmTrainer.ConditionalObjective"/>.
    /// </summary>
    public ObjectiveKind ConditionalObjective { get; init; } = Objective;

    /// <summary>The objective as the config spells it, with the conditional tasks' when it differs ("reverse-kl, forward-kl on conditional tasks").</summary>
    public string ObjectiveText => ConditionalObjective == Objective
        ? Spelling(Objective)
        : $"{Spelling(Objective)}, {Spelling(ConditionalObjective)} on conditional tasks";

    private static string Spelling(ObjectiveKind kind) => kind == ObjectiveKind.ForwardKl ? "forward-kl" : "reverse-kl";
}


/// <summary>How often and how precisely the model is scored.</summary>
/// <param name="Every">Evaluate after every this many tasks (the start and the end are always evaluated).</param>
/// <param name="Samples">Model (and target) samples per evaluation.</param>
/// <param name="Seed">Seed of the evaluation's common random numbers.</param>
public sealed record EvaluationSection(long Every, int Samples, long Seed);

/// <summary>
/// A validated <c>kind = population</c> experiment: a population of task agents training one Gaussian mixture through
/// the actors. Absent keys take the values of the paper's §4.1 (docs/science.md); see <see cref="KnownKeys"/> and configs/gmm25-*.conf.
/// </summary>
/// <param name="Experiment">Name (run folder <c>runs/&lt;experiment&gt;/…</c>).</param>
/// <param name="Population">The agents, groups, budget, scheduling and credits.</param>
/// <param name="Model">The model and its optimiser.</param>
/// <param name="Target">The target (the paper's grid, a ring, a mixture: <see cref="TargetSection"/>).</param>
/// <param name="Evaluation">Scoring.</param>
/// <param name="Device">Where tensors live.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Timeout">How long the whole run may take before it is abandoned.</param>
/// <param name="FileLogLevel">Minimum level of <c>log.jsonl</c> (debug logs every task).</param>
/// <param name="Masks">Each group's mask spec as written.</param>
/// <param name="Source">The parsed configuration (for <c>config.conf</c> and messages).</param>
public sealed partial record ExperimentConfig(
    string Experiment, PopulationSpec Population, ModelSection Model, Core.Mixtures.Targets.TargetSpec Target, EvaluationSection Evaluation,
    DeviceChoice Device, int Threads, TimeSpan Timeout, LogLevel FileLogLevel, IReadOnlyList<string> Masks, ConfigSource Source) : IExperiment
{
    /// <summary>The only <c>kind</c> this record accepts.</summary>
    public const string Kind = "population";

    /// <summary>Every key outside the groups.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        "experiment", "kind", "seed", "budget", "scheduling", "credits", "device", "threads", "timeout-minutes", "log-level",
        "model.components", "model.learning-rate", "model.objective", "model.samples-per-step", "model.init-mean", "model.init-spread",
        "model.conditional-gradient-clip", "model.conditional-objective", "model.batch",
        .. TargetSection.Keys,
        "evaluation.every", "evaluation.samples", "evaluation.seed",
        .. LedgerSection.Keys,
        .. AdaptationSection.Keys,
        "checkpoint.every", "checkpoint.keep", "agents.max-rejections",
    ];

    /// <summary>When the model measures per-agent contributions (the <c>ledger.*</c> keys); null when <c>ledger.every = 0</c>.</summary>
    public ContributionSchedule? Ledger { get; init; }

    /// <summary>Loads <paramref name="path"/>, applies the <c>--set</c> overrides and validates everything.</summary>
    /// <exception cref="ConfigException">Anything is missing, malformed, unknown or out of range (one line).</exception>
    public static ExperimentConfig Load(string path, IEnumerable<string>? sets = null) => From(ConfigSource.Load(path, sets));

    /// <summary>Validates an already parsed configuration (see <see cref="Load"/>).</summary>
    /// <exception cref="ConfigException">Anything is unknown or out of range.</exception>
    public static ExperimentConfig From(ConfigSource source)
    {
        var basics = RunBasics.Parse(source, Kind, KnownKeys, "population");
        var (seed, budget) = (basics.Seed, basics.Budget);

        var target = TargetSection.Parse(source);
        int gridComponents = target.Components;
        bool data = target is Core.Mixtures.Targets.SamplesTarget;
        var objective = ParseObjective(source, "model.objective", data ? ObjectiveKind.ForwardKl : ObjectiveKind.ReverseKl);
        var model = new ModelSection(
            source.GetInt("model.components", gridComponents, 1, 10_000),
            source.GetDouble("model.learning-rate", 0.1, 1e-12, 1e6),
            objective,
            source.GetInt("model.samples-per-step", 100, 1, 10_000_000),
            source.GetDouble("model.init-mean", -5, -1e6, 1e6),
            source.GetDouble("model.init-spread", 0.1, 0, 1e6))
        {
            ConditionalGradientClip = source.GetDouble("model.conditional-gradient-clip", Core.Training.GmmTrainer.DefaultConditionalGradientClip, 0, 1e6)
                is var clip && clip > 0 ? clip : double.PositiveInfinity,
            ConditionalObjective = ParseObjective(source, "model.conditional-objective", objective),
        };
        if (data) CheckDataKeys(source, (Core.Mixtures.Targets.SamplesTarget)target, model);
        var evaluation = new EvaluationSection(
            source.GetLong("evaluation.every", Math.Max(1, budget / 20), 1, 1_000_000_000),
            source.GetInt("evaluation.samples", 10_000, 10, 10_000_000),
            source.GetLong("evaluation.seed", seed, 0, long.MaxValue));

        var (groups, masks) = basics.ParseGroups(source, target.Dimension);
        var ledger = data ? DataLedger(source, budget, seed, (Core.Mixtures.Targets.SamplesTarget)target) : LedgerSection.Parse(source, budget, seed, LedgerRules.Mixture);
        PopulationSpec population;
        try
        {
            population = new PopulationSpec(seed, budget, groups, basics.Scheduling, basics.Credits, evaluation.Every)
            {
                Contributions = ledger,
                Batch = ParseBatch(source, ledger),
                Adaptation = AdaptationSection.Parse(source, budget, seed),
            };
            population.AdaptationPlan(); // refuses an adaptation without a ledger or a menu now, not when the run starts
        }
        catch (PopulationSpecException e)
        {
            throw new ConfigException($"{source.Origin}: {e.Message}", e);
        }
        RunBasics.CheckWindows(source, population);
        return new ExperimentConfig(basics.Experiment, population, model, target, evaluation, basics.Device, basics.Threads, basics.Timeout,
            basics.FileLogLevel, masks, source)
        {
            Ledger = ledger,
            Checkpoint = ParseCheckpoint(source, budget),
            MaxRejectionsInARow = source.GetInt("agents.max-rejections", RunBasics.DefaultMaxRejections, 0, 1_000_000),
        };
    }

    private static ObjectiveKind ParseObjective(ConfigSource source, string key, ObjectiveKind fallback)
    {
        var text = source.GetString(key, fallback == ObjectiveKind.ForwardKl ? "forward-kl" : "reverse-kl", ObjectivePattern(), "one of: reverse-kl, forward-kl");
        return text == "forward-kl" ? ObjectiveKind.ForwardKl : ObjectiveKind.ReverseKl;
    }

    // A data set has no density: what needs one (reverse KL, in training or in the ledger's J) is refused by name, and a file
    // without labels says nothing about how many components the model should have.
    private static void CheckDataKeys(ConfigSource source, Core.Mixtures.Targets.SamplesTarget target, ModelSection model)
    {
        const string why = "forward-kl only with target.kind = samples: there is no density to take a reverse KL against; forward KL is the likelihood of the data";
        if (model.Objective != ObjectiveKind.ForwardKl) throw source.NotAllowed("model.objective", why);
        if (model.ConditionalObjective != ObjectiveKind.ForwardKl) throw source.NotAllowed("model.conditional-objective", why);
        if (source.Has("ledger.objective") && source.RawText("ledger.objective") != "joint-nll")
            throw source.NotAllowed("ledger.objective", "joint-nll only with target.kind = samples: its J is the NLL of a fixed batch of training rows");
        if (!target.Labelled && !source.Has("model.components"))
            throw new ConfigException($"{target.Source}: no label column, so model.components must be set (the model's number of components)");
    }

    // The ledger of a samples target: J is the joint NLL of a fixed batch of training rows, as many as asked for (at most all of
    // them; the default 1000 shrinks to the training rows there are).
    private static ContributionSchedule? DataLedger(ConfigSource source, long budget, long seed, Core.Mixtures.Targets.SamplesTarget target)
    {
        var rules = LedgerRules.Mixture with { Objectives = [ContributionObjectiveKind.JointNll] };
        var schedule = LedgerSection.Parse(source, budget, seed, rules);
        int training = target.Split().Training.Length;
        if (schedule is not null && !source.Has("ledger.samples") && schedule.Objective.Samples > training)
            schedule = schedule with { Objective = schedule.Objective with { Samples = training } };
        LedgerSection.CheckSamples(source, schedule, training, "training rows of target.file");
        return schedule;
    }

    // model.batch: cooperative batches of that many agents' tasks. The ledger books a batch's ΔJ by first-order shares, which
    // needs J measured around every batch: a sampled ledger (every k-th task) would scale shares of unmeasured batches.
    private static int ParseBatch(ConfigSource source, Core.Evaluation.Contributions.ContributionSchedule? ledger)
    {
        int batch = source.GetInt("model.batch", 1, 1, 4096);
        if (batch > 1 && ledger is { Every: > 1 })
            throw source.NotAllowed("ledger.every", Invariant($"with model.batch = {batch}: cooperative batches need the exact ledger, ledger.every = 1, or none, 0"));
        return batch;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^(reverse-kl|forward-kl)$")]
    private static partial Regex ObjectivePattern();
}
