using System.Text.RegularExpressions;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds.Gan;
using BigLearn.Hosting.Kinds.Gmm;

namespace BigLearn.Hosting.Kinds;

/// <summary>The registry of model kinds: a new kind is one folder under <c>Kinds/</c> and one line in <see cref="All"/>.</summary>
public static partial class ModelKinds
{
    /// <summary>Every kind, by the name its config files give.</summary>
    public static IReadOnlyList<IModelKind> All { get; } =
    [
        GmmKind.Instance,
        GanKind.Instance,
    ];

    /// <summary>The kinds' names, for messages ("population, gan").</summary>
    public static string Names => string.Join(", ", All.Select(k => k.Name));

    /// <summary>Loads <paramref name="path"/>, applies the <c>--set</c> overrides and validates it as its <c>kind</c> says.</summary>
    /// <exception cref="ConfigException">The file, its kind or any key is wrong (one line).</exception>
    public static IExperiment Load(string path, IEnumerable<string>? sets = null) => Parse(ConfigSource.Load(path, sets));

    /// <summary>Validates <paramref name="source"/> as its <c>kind</c> says (default: population).</summary>
    /// <exception cref="ConfigException">The kind is unknown or a key is wrong (one line).</exception>
    public static IExperiment Parse(ConfigSource source) => Find(source).Parse(source);

    /// <summary>The kind <paramref name="source"/> names.</summary>
    /// <exception cref="ConfigException">No kind has that name.</exception>
    public static IModelKind Find(ConfigSource source)
    {
        var name = source.GetString("kind", GmmKind.Instance.Name, AnyName(), $"one of: {Names}");
        return All.FirstOrDefault(k => k.Name == name) ?? throw source.NotAllowed("kind", $"one of: {Names}");
    }

    [GeneratedRegex(@"^\S+$")]
    private static partial Regex AnyName();
}
