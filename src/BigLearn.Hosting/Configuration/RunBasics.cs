using System.Text.RegularExpressions;
using BigLearn.Actors.Population;
using BigLearn.Core;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// The keys every population run has, whatever its model (a Gaussian mixture or a GAN): its name, seed, budget,
/// scheduling, credits, device, threads, timeout, log level and the names of its groups. Read and validated in one place
/// so both kinds answer a mistake with the same line.
/// </summary>
/// <param name="Experiment">Name (run folder <c>runs/&lt;experiment&gt;/…</c>).</param>
/// <param name="Seed">The experiment seed.</param>
/// <param name="Budget">Tasks in the run.</param>
/// <param name="Scheduling">lockstep or free.</param>
/// <param name="Credits">Proposals an agent may have pending.</param>
/// <param name="Device">Where tensors live.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Timeout">How long the whole run may take.</param>
/// <param name="FileLogLevel">Minimum level of <c>log.jsonl</c>.</param>
/// <param name="GroupNames">The names under <c>groups</c>, in file order.</param>
internal sealed partial record RunBasics(string Experiment, long Seed, long Budget, SchedulingMode Scheduling, int Credits, DeviceChoice Device,
    int Threads, TimeSpan Timeout, LogLevel FileLogLevel, IReadOnlyList<string> GroupNames)
{
    /// <summary>Default of <c>agents.max-rejections</c>: an agent whose tasks are refused this many times in a row is stopped.</summary>
    public const int DefaultMaxRejections = 10;

    /// <summary>Default of <c>checkpoint.keep</c>.</summary>
    public const int DefaultCheckpointKeep = 3;

    /// <summary>The keys of one group, under <c>groups.&lt;name&gt;.</c>.</summary>
    public static IReadOnlyList<string> GroupKeys { get; } = ["count", "masks", "menu", "inner-steps", "share", "start", "stop"];

    private const string GroupsAllowed = "an object of groups, e.g. groups { joint { count = 1, masks = \"joint\" } }";

    /// <summary>
    /// Reads the common keys of a <paramref name="kind"/> run, after refusing every key that is neither in
    /// <paramref name="knownKeys"/> nor a group key; the name defaults to the file's, else <paramref name="fallbackName"/>.
    /// </summary>
    /// <exception cref="ConfigException">A key is unknown or a value out of range (one line).</exception>
    public static RunBasics Parse(ConfigSource source, string kind, IEnumerable<string> knownKeys, string fallbackName)
    {
        var groupNames = source.ChildNames("groups", GroupsAllowed);
        source.RequireKnownKeys(knownKeys.Concat(groupNames.SelectMany(g => GroupKeys.Select(k => $"groups.{g}.{k}"))).ToHashSet());

        var defaultName = Path.GetFileNameWithoutExtension(source.Origin);
        var experiment = source.GetString("experiment", SafeName().IsMatch(defaultName) ? defaultName : fallbackName,
            SafeName(), "a name of letters, digits, '.', '_' or '-', starting with a letter or digit");
        source.GetString("kind", kind, new Regex("^" + Regex.Escape(kind) + "$"), $"one of: {Kinds.ModelKinds.Names}");
        return new RunBasics(experiment,
            source.GetLong("seed", 888, 0, long.MaxValue),
            source.GetLong("budget", 10_000, 1, 100_000_000),
            source.GetEnum("scheduling", SchedulingMode.Lockstep),
            source.GetInt("credits", 1, 1, 1000),
            source.GetEnum("device", DeviceChoice.Auto),
            source.GetInt("threads", 1, 1, 1024),
            TimeSpan.FromMinutes(source.GetDouble("timeout-minutes", 120, 0.1, 10_080)),
            source.GetEnum("log-level", LogLevel.Information),
            groupNames);
    }

    /// <summary>Every group of the run, for tasks of dimension <paramref name="dim"/>, with its mask spec as written.</summary>
    /// <exception cref="ConfigException">There is no group, or a group is malformed (one line).</exception>
    public (IReadOnlyList<GroupSpec> Groups, IReadOnlyList<string> Masks) ParseGroups(ConfigSource source, int dim)
    {
        if (GroupNames.Count == 0)
            throw new ConfigException($"{source.Origin}: groups = {source.RawText("groups")} is not allowed (at least one group is required: {GroupsAllowed})");
        var groups = new List<GroupSpec>();
        var masks = new List<string>();
        foreach (var name in GroupNames)
        {
            var (group, spec) = ParseGroup(source, name, dim);
            groups.Add(group);
            masks.Add(spec);
        }
        return (groups, masks);
    }

    internal static (GroupSpec Group, string Masks) ParseGroup(ConfigSource source, string name, int dim)
    {
        string key = $"groups.{name}";
        if (!SafeName().IsMatch(name))
            throw new ConfigException($"{source.Origin}: group name {name} is not allowed (letters, digits, '.', '_' or '-', starting with a letter or digit)");
        var count = source.GetInt($"{key}.count", 1, 1, 1_000_000);
        bool isMenu = source.Has($"{key}.menu");
        if (isMenu && source.Has($"{key}.masks"))
            throw new ConfigException($"{source.Where($"{key}.menu")}: {key}.masks and {key}.menu are not allowed together (a group draws from one mask distribution or chooses among a menu of them)");
        if (!isMenu && !source.Has($"{key}.masks"))
            throw new ConfigException($"{source.Where(key)}: {key}.masks is missing (a mask distribution, e.g. \"joint\" or \"haar(marginal(k=1))\")");
        string maskText;
        IMaskDistribution maskDistribution;
        if (isMenu)
        {
            var menu = MenuSection.Parse(source, $"{key}.menu", dim);
            (maskText, maskDistribution) = (menu.Description, menu);
        }
        else
        {
            maskText = source.GetString($"{key}.masks", "joint", AnyText(), "a mask distribution, e.g. \"joint\" or \"haar(marginal(k=1))\"");
            try
            {
                maskDistribution = MaskDistributions.Parse(maskText, dim);
            }
            catch (MaskSpecException e)
            {
                throw new ConfigException($"{source.Where($"{key}.masks")}: {key}.masks = \"{maskText}\" is not allowed ({e.Message})", e);
            }
        }
        var innerSteps = source.GetInt($"{key}.inner-steps", 20, 1, 1_000_000);
        var share = source.GetDouble($"{key}.share", 1, double.Epsilon, 1e12);
        var start = source.GetDouble($"{key}.start", 0, 0, 1);
        var stop = source.GetDouble($"{key}.stop", 1, 0, 1);
        if (start >= 1) throw source.NotAllowed($"{key}.start", "a fraction of the budget in [0, 1)");
        if (stop <= start)
        {
            var where = source.Has($"{key}.stop") ? source.Where($"{key}.stop") : source.Where($"{key}.start");
            throw new ConfigException(Invariant($"{where}: {key}.start = {start} and {key}.stop = {stop} are not allowed (the window [start, stop) needs start < stop ≤ 1)"));
        }
        try
        {
            return (new GroupSpec(name, count, maskDistribution, innerSteps, share, start, stop) { IsMenu = isMenu }, maskText);
        }
        catch (PopulationSpecException e)
        {
            throw new ConfigException($"{source.Where(key)}: {e.Message}", e);
        }
    }

    // A window that holds no task count of the budget is a group that never runs: almost surely a typo or a budget too
    // small for the fractions, so it is refused rather than silently ignored.
    internal static void CheckWindows(ConfigSource source, PopulationSpec population)
    {
        for (int g = 0; g < population.Groups.Count; g++)
        {
            if (population.Phases.Any(p => p.ActiveGroups.Contains(g))) continue;
            var group = population.Groups[g];
            var key = $"groups.{group.Name}";
            var where = source.Has($"{key}.stop") ? source.Where($"{key}.stop") : source.Where($"{key}.start");
            throw new ConfigException(Invariant(
                $"{where}: {key}.start = {group.Start} and {key}.stop = {group.Stop} are not allowed (the window holds no task of budget {population.BudgetTasks}; widen it or raise budget)"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\S")]
    private static partial Regex AnyText();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();
}

/// <summary>How often a run saves a checkpoint bundle and how many it keeps.</summary>
/// <param name="Every">Save one every this many tasks (0: only at the end and when interrupted).</param>
/// <param name="Keep">Keep the newest this many bundles (at least 1).</param>
public sealed record CheckpointSection(long Every, int Keep)
{
    /// <summary><c>checkpoint.every</c> (default budget/10; 0: only at the end and on interrupt) and <c>checkpoint.keep</c> (default 3).</summary>
    /// <exception cref="ConfigException">A key is malformed or out of range.</exception>
    public static CheckpointSection Parse(ConfigSource source, long budget) => new(
        source.GetLong("checkpoint.every", Math.Max(1, budget / 10), 0, budget),
        source.GetInt("checkpoint.keep", RunBasics.DefaultCheckpointKeep, 1, 1000));
}

/// <summary>Minimum level of a run's <c>log.jsonl</c>.</summary>
public enum LogLevel
{
    /// <summary>Every task, with AgentId, Group and Step.</summary>
    Debug,
    /// <summary>Phases, evaluations and the run's end.</summary>
    Information,
    /// <summary>Rejections, restarts and failures only.</summary>
    Warning,
}
