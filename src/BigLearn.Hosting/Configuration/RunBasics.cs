using System.Text.RegularExpressions;
using BigLearn.Actors.Population;
using BigLearn.Core;

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
    private const string GroupsAllowed = "an object of groups, e.g. groups { joint { count = 1, masks = \"joint\" } }";

    /// <summary>
    /// Reads the common keys of a <paramref name="kind"/> run, after refusing every key that is neither in
    /// <paramref name="knownKeys"/> nor a group key; the name defaults to the file's, else <paramref name="fallbackName"/>.
    /// </summary>
    /// <exception cref="ConfigException">A key is unknown or a value out of range (one line).</exception>
    public static RunBasics Parse(ConfigSource source, string kind, IEnumerable<string> knownKeys, string fallbackName)
    {
        var groupNames = source.ChildNames("groups", GroupsAllowed);
        source.RequireKnownKeys(knownKeys.Concat(groupNames.SelectMany(g => ExperimentConfig.GroupKeys.Select(k => $"groups.{g}.{k}"))).ToHashSet());

        var defaultName = Path.GetFileNameWithoutExtension(source.Origin);
        var experiment = source.GetString("experiment", SafeName().IsMatch(defaultName) ? defaultName : fallbackName,
            SafeName(), "a name of letters, digits, '.', '_' or '-', starting with a letter or digit");
        source.GetString("kind", kind, new Regex("^" + Regex.Escape(kind) + "$"), $"one of: {ExperimentConfig.Kind}, {GanExperimentConfig.Kind}");
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
            var (group, spec) = ExperimentConfig.ParseGroup(source, name, dim);
            groups.Add(group);
            masks.Add(spec);
        }
        return (groups, masks);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();
}
