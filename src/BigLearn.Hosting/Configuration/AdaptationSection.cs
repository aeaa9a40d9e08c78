using BigLearn.Core.Adaptation;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// The <c>population.adapt*</c> and <c>population.pbt-*</c> keys (docs/adaptation.md): whether and how the agents of menu groups
/// shift their shares as the run goes. Absent keys take <see cref="AdaptationSettings"/>' defaults; <c>population.pbt-every</c>
/// defaults to a fortieth of the budget.
/// </summary>
public static class AdaptationSection
{
    /// <summary>The keys.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "population.adapt", "population.adapt-window", "population.adapt-temperature", "population.adapt-step", "population.adapt-floor",
        "population.pbt-every", "population.pbt-fraction", "population.pbt-perturb",
    ];

    /// <summary>The settings the config asks for (mode none when it says nothing).</summary>
    /// <remarks>A knob of another mode is read and checked but unused, so one file runs with <c>--set population.adapt=…</c> for every mode.</remarks>
    /// <exception cref="ConfigException">A key is malformed or out of range.</exception>
    public static AdaptationSettings Parse(ConfigSource source, long budget, long seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        var mode = source.GetEnum("population.adapt", AdaptMode.None);
        var defaults = new AdaptationSettings(mode, seed);
        return defaults with
        {
            Window = source.GetInt("population.adapt-window", defaults.Window, 2, 1_000_000),
            Temperature = source.GetDouble("population.adapt-temperature", defaults.Temperature, 1e-6, 1e6),
            StepSize = source.GetDouble("population.adapt-step", defaults.StepSize, 1e-6, 1),
            Floor = source.GetDouble("population.adapt-floor", defaults.Floor, 0, 0.999),
            PbtEvery = source.GetLong("population.pbt-every", Math.Max(1, budget / 40), 1, long.MaxValue),
            PbtFraction = source.GetDouble("population.pbt-fraction", defaults.PbtFraction, 1e-6, 0.5),
            PbtPerturb = source.GetDouble("population.pbt-perturb", defaults.PbtPerturb, 0, 100),
        };
    }
}
