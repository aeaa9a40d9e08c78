using System.Text.Json;
using System.Text.RegularExpressions;
using BigLearn.Core.Mixtures.Targets;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// The <c>target</c> keys of a population config (docs/targets.md): <c>target.kind</c> picks a family from <see cref="Families"/>,
/// whose parser reads its own keys. A key of another family is refused in one line, as is any value out of range, a mixture
/// file that does not parse or does not make a mixture, or a samples file that is not a table of finite numbers; nothing runs then.
/// </summary>
public static partial class TargetSection
{
    /// <summary>The most dimensions a target may have.</summary>
    public const int MaxDim = 10;

    /// <summary>The most components a target may have.</summary>
    public const int MaxComponents = 10_000;

    private sealed record Family(string[] Keys, Func<ConfigSource, TargetSpec> Parse);

    // One line per family: its keys (besides target.kind) and its parser.
    private static readonly Dictionary<string, Family> Families = new(StringComparer.Ordinal)
    {
        ["grid"] = new(["target.dim", "target.size", "target.spacing", "target.variance"], Grid),
        ["ring"] = new(["target.dim", "target.components", "target.radius", "target.variance"], Ring),
        ["mixture"] = new(["target.file", "target.weights", "target.means", "target.covariances"], Mixture),
        ["samples"] = new(["target.file", "target.holdout", "target.split-seed"], Samples),
    };

    /// <summary>The fewest rows a samples file may have (at 0.2 held out: 2 rows to evaluate on, 8 to train on).</summary>
    public const int MinSampleRows = 10;

    /// <summary>Every <c>target.*</c> key of every family.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["target.kind", .. Families.Values.SelectMany(f => f.Keys).Distinct()];

    /// <summary>The target the config describes (the paper's 5×5 grid when it says nothing).</summary>
    /// <exception cref="ConfigException">A key is malformed, out of range or belongs to another family; a mixture file is missing or wrong.</exception>
    public static TargetSpec Parse(ConfigSource source)
    {
        var kind = source.GetString("target.kind", "grid", KindPattern(), $"one of: {string.Join(", ", Families.Keys)}");
        var family = Families[kind];
        foreach (var key in Keys.Skip(1).Where(k => !family.Keys.Contains(k) && source.Has(k)))
            throw new ConfigException($"{source.Where(key)}: {key} is not allowed with target.kind = {kind} (its keys: {string.Join(", ", family.Keys)})");
        var target = family.Parse(source);
        if (target.Components > MaxComponents)
            throw new ConfigException($"{source.Origin}: the target has {target.Components} components; at most {MaxComponents}");
        return target;
    }

    private static TargetSpec Grid(ConfigSource source)
    {
        var grid = new GridTarget(source.GetInt("target.dim", 2, 1, MaxDim), source.GetInt("target.size", 5, 1, 20),
            source.GetDouble("target.spacing", 2, 1e-6, 1e6), source.GetDouble("target.variance", 0.05, 1e-9, 1e6));
        double components = Math.Pow(grid.Size, grid.Dim);
        if (components > MaxComponents) throw source.NotAllowed("target.size", $"target.size^target.dim = {components} components; at most {MaxComponents}");
        return grid;
    }

    private static TargetSpec Ring(ConfigSource source) => new RingTarget(source.GetInt("target.dim", 2, 2, MaxDim),
        source.GetInt("target.components", 8, 1, MaxComponents), source.GetDouble("target.radius", 4, 1e-6, 1e6),
        source.GetDouble("target.variance", 0.05, 1e-9, 1e6));

    // A mixture from a JSON file (target.file) or from the config's own lists (target.weights, target.means, target.covariances).
    private static TargetSpec Mixture(ConfigSource source)
    {
        const string inline = "target.weights, target.means and target.covariances";
        bool file = source.Has("target.file"), lists = source.Has("target.weights") || source.Has("target.means") || source.Has("target.covariances");
        if (file == lists)
            throw new ConfigException($"{source.Origin}: target.kind = mixture needs either target.file (a JSON file) or all of {inline}, not {(file ? "both" : "neither")}");
        object? weights, means, covariances;
        string origin;
        if (file)
        {
            var path = FilePath(source, "a JSON file");
            (weights, means, covariances) = ReadFile(path);
            origin = path;
        }
        else
        {
            foreach (var key in new[] { "target.weights", "target.means", "target.covariances" })
                if (!source.Has(key)) throw new ConfigException($"{source.Origin}: target.kind = mixture without target.file needs {key} too (all of {inline})");
            weights = source.GetNumberTree("target.weights", "a list of positive numbers, one weight per component");
            means = source.GetNumberTree("target.means", "a list of L-vectors, one mean per component");
            covariances = source.GetNumberTree("target.covariances", "a list of L×L matrices, one covariance per component");
            origin = source.Where("target.weights");
        }
        return Build(weights, means, covariances, origin);
    }

    // target.file, relative to the config file that names it (as include does); a --set value is relative to the working folder.
    private static string FilePath(ConfigSource source, string allowed)
    {
        var path = source.GetString("target.file", "", AnyText(), allowed);
        string where = source.Where("target.file");
        if (!Path.IsPathRooted(path) && !where.EndsWith("(--set)", StringComparison.Ordinal))
            path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(where)) ?? ".", path);
        return path;
    }

    // A data file (CSV or .npy) and its hold-out split; no density (docs/targets.md, "samples").
    private static TargetSpec Samples(ConfigSource source)
    {
        if (!source.Has("target.file")) throw new ConfigException($"{source.Origin}: target.kind = samples needs target.file (a CSV or .npy file of data points)");
        var path = FilePath(source, "a CSV or .npy file of data points");
        double holdout = source.GetDouble("target.holdout", 0.2, 0.01, 0.9);
        long splitSeed = source.GetLong("target.split-seed", 0, 0, long.MaxValue);
        var (rows, labels) = SampleFile.Read(path);
        var target = new SamplesTarget(rows, labels, holdout, splitSeed, path);
        var (training, heldOut) = target.Split();
        if (rows.Length < MinSampleRows || training.Length < 1 || heldOut.Length < 1)
            throw new ConfigException(FormattableString.Invariant($"{path}: {rows.Length} rows; at least {MinSampleRows} are needed (rows to train on and rows held out, target.holdout = {holdout})"));
        return target;
    }

    private static (object? Weights, object? Means, object? Covariances) ReadFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: no such mixture file (target.file names a JSON file with \"weights\", \"means\" and \"covariances\")");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ConfigException($"{path}: not a JSON object with \"weights\", \"means\" and \"covariances\"");
            object? Tree(string name) => root.TryGetProperty(name, out var e) ? FromJson(e, path, name)
                : throw new ConfigException($"{path}: no \"{name}\" (a mixture file has \"weights\", \"means\" and \"covariances\")");
            return (Tree("weights"), Tree("means"), Tree("covariances"));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    private static object FromJson(JsonElement element, string path, string name) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetDouble(out double v) && double.IsFinite(v) => v,
        JsonValueKind.Array => element.EnumerateArray().Select(e => FromJson(e, path, name)).ToList(),
        _ => throw new ConfigException($"{path}: \"{name}\" holds {element.ValueKind.ToString().ToLowerInvariant()} {element.GetRawText()}; only numbers and lists of numbers are allowed"),
    };

    // The three trees as a mixture, each shape checked with a message saying which component and what is wrong.
    private static MixtureTarget Build(object? weightTree, object? meanTree, object? covarianceTree, string origin)
    {
        string Where(string what) => $"{origin}: the mixture's {what}";
        var weights = Vector(weightTree) ?? throw new ConfigException($"{Where("weights")} must be a list of numbers");
        if (weights.Length == 0) throw new ConfigException($"{Where("weights")} are empty; at least one component");
        if (meanTree is not List<object> meanRows || meanRows.Count != weights.Length)
            throw new ConfigException($"{Where("means")} must be a list of {weights.Length} vectors, one per weight");
        var means = meanRows.Select((row, c) => Vector(row) ?? throw new ConfigException($"{Where($"mean {c}")} must be a list of numbers")).ToArray();
        int dim = means[0].Length;
        if (dim < 1 || dim > MaxDim) throw new ConfigException($"{Where("means")} have {dim} coordinates; 1 to {MaxDim} are allowed");
        if (covarianceTree is not List<object> covarianceRows || covarianceRows.Count != weights.Length)
            throw new ConfigException($"{Where("covariances")} must be a list of {weights.Length} matrices, one per weight");
        var covariances = covarianceRows.Select((matrix, c) =>
        {
            var rows = matrix is List<object> list ? list.Select(Vector).ToArray() : null;
            if (rows is null || rows.Length != dim || rows.Any(r => r is null || r.Length != dim))
                throw new ConfigException($"{Where($"covariance {c}")} must be a {dim}×{dim} matrix (a list of {dim} rows of {dim} numbers)");
            var result = new double[dim, dim];
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++) result[i, j] = rows[i]![j];
            return result;
        }).ToArray();
        var target = new MixtureTarget(weights, means, covariances, origin);
        try
        {
            target.Create().Dispose(); // the mixture's own checks: positive weights, equal lengths, symmetric positive-definite covariances
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"{origin}: {e.Message.Split(" (Parameter")[0]}");
        }
        return target;
    }

    private static double[]? Vector(object? tree) =>
        tree is List<object> list && list.All(x => x is double) ? list.Cast<double>().ToArray() : null;

    [GeneratedRegex("^(grid|ring|mixture|samples)$")]
    private static partial Regex KindPattern();

    [GeneratedRegex("^.+$")]
    private static partial Regex AnyText();
}
