using System.Text.RegularExpressions;
using BigLearn.Core;
using BigLearn.Core.Landscapes;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// A validated <c>kind = landscape</c> experiment (the paper's §3.3; docs/science.md): what to compute, where, and with how many threads.
/// </summary>
/// <param name="Experiment">Experiment name, used as the run folder <c>runs/&lt;experiment&gt;/…</c>.</param>
/// <param name="Spec">The landscape settings handed to the computation.</param>
/// <param name="Device">Where the tensors live (<c>auto</c> takes CUDA when present).</param>
/// <param name="Threads">libtorch intra-op threads (at least 1).</param>
/// <param name="Source">The parsed configuration, kept for the run folder's <c>config.conf</c>.</param>
public sealed partial record LandscapeConfig(
    string Experiment, LandscapeSpec Spec, DeviceChoice Device, int Threads, ConfigSource Source)
{
    /// <summary>The only <c>kind</c> this record accepts.</summary>
    public const string Kind = "landscape";

    /// <summary>Every key a landscape configuration may contain.</summary>
    public static IReadOnlyCollection<string> KnownKeys { get; } =
    [
        "experiment", "kind", "device", "threads",
        "grid.min", "grid.max", "grid.points", "samples", "seed",
        "marginal.angles-deg", "conditional.angles-deg", "conditional.values",
    ];

    /// <summary>
    /// Loads <paramref name="path"/>, applies the <c>--set</c> overrides and validates every key; absent keys take the
    /// paper's values (<see cref="LandscapeSpec.Paper"/>), device <c>auto</c>, 1 thread, and the file's name as experiment.
    /// </summary>
    /// <exception cref="ConfigException">Anything is missing, malformed, unknown or out of range.</exception>
    public static LandscapeConfig Load(string path, IEnumerable<string>? sets = null) =>
        From(ConfigSource.Load(path, sets));

    /// <summary>Validates an already parsed configuration (see <see cref="Load"/>).</summary>
    /// <exception cref="ConfigException">Anything is unknown or out of range.</exception>
    public static LandscapeConfig From(ConfigSource source)
    {
        source.RequireKnownKeys(KnownKeys);
        var paper = LandscapeSpec.Paper;

        var defaultName = Path.GetFileNameWithoutExtension(source.Origin);
        var experiment = source.GetString("experiment", SafeName().IsMatch(defaultName) ? defaultName : "landscape",
            SafeName(), "a name of letters, digits, '.', '_' or '-', starting with a letter or digit");
        source.GetString("kind", Kind, KindPattern(), $"one of: {Kind}");
        var device = source.GetEnum("device", DeviceChoice.Auto);
        var threads = source.GetInt("threads", 1, 1, 1024);

        var min = source.GetDouble("grid.min", paper.GridMin, -1000, 1000);
        var max = source.GetDouble("grid.max", paper.GridMax, -1000, 1000);
        if (min >= max)
        {
            var where = source.Has("grid.min") ? source.Where("grid.min") : source.Where("grid.max");
            throw new ConfigException(
                $"{where}: grid.min = {source.RawText("grid.min")} and grid.max = {source.RawText("grid.max")} are not allowed (grid.min must be less than grid.max; defaults {paper.GridMin} and {paper.GridMax})");
        }
        var points = source.GetInt("grid.points", paper.GridPoints, 2, 2000);
        var samples = source.GetInt("samples", paper.Samples, 10, 10_000_000);
        var seed = source.GetLong("seed", paper.Seed, 0, long.MaxValue);
        var marginal = source.GetDoubleList("marginal.angles-deg", paper.MarginalAnglesDeg, 0, 360, maxExclusive: true);
        var conditional = source.GetDoubleList("conditional.angles-deg", paper.ConditionalAnglesDeg, 0, 360, maxExclusive: true);
        var values = source.GetInt("conditional.values", paper.ConditionalValues, 1, 1000);

        var spec = new LandscapeSpec(min, max, points, samples, seed, marginal, conditional, values);
        return new LandscapeConfig(experiment, spec, device, threads, source);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^landscape$")]
    private static partial Regex KindPattern();
}
