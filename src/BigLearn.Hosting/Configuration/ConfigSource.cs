using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// One experiment's HOCON configuration: a file plus <c>--set key=value</c> overrides (an override wins), with typed,
/// range-checked getters. Every problem surfaces as a <see cref="ConfigException"/> whose one-line message names the
/// file, the key, the value and what is allowed.
/// </summary>
public sealed partial class ConfigSource
{
    private readonly Config _config;
    private readonly HashSet<string> _overridden;
    private readonly Dictionary<string, string> _files;

    private ConfigSource(string origin, Config config, HashSet<string> overridden, IReadOnlyList<string> sets, Dictionary<string, string> files)
    {
        Origin = origin;
        _config = config;
        _overridden = overridden;
        _files = files;
        Keys = LeafKeys(config.Root, prefix: null).ToArray();
        ResolvedText = Render(origin, config, sets);
    }

    /// <summary>The file the configuration came from, as the user named it.</summary>
    public string Origin { get; }

    /// <summary>Every leaf key present after the includes and the overrides, dotted (<c>grid.points</c>); a key set to <c>null</c> is absent.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The resolved configuration as HOCON text (the file with its includes, merged with overrides), for a run's <c>config.conf</c>.</summary>
    public string ResolvedText { get; }

    /// <summary>
    /// Reads and parses <paramref name="path"/> with the files it includes (<c>include "other.conf"</c>, see
    /// <see cref="ConfigIncludes"/>), then applies the <c>--set key=value</c> overrides in order.
    /// </summary>
    /// <exception cref="ConfigException">
    /// The file is missing, unreadable or not HOCON, an include or a substitution is refused, or an override is malformed.
    /// </exception>
    public static ConfigSource Load(string path, IEnumerable<string>? sets = null)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: no such config file");
        return FromPieces(ConfigIncludes.Load(path), path, sets);
    }

    /// <summary>
    /// Parses HOCON <paramref name="text"/> that came from <paramref name="origin"/> (its includes are resolved beside
    /// <paramref name="origin"/>), then applies the overrides.
    /// </summary>
    /// <exception cref="ConfigException">The text is not HOCON, an include or a substitution is refused, or an override is malformed.</exception>
    public static ConfigSource Parse(string text, string origin, IEnumerable<string>? sets = null) =>
        FromPieces(ConfigIncludes.Expand(text, origin), origin, sets);

    private static ConfigSource FromPieces(IReadOnlyList<ConfigIncludes.Piece> pieces, string origin, IEnumerable<string>? sets)
    {
        // Each file's text alone first, so that a syntax error names its own file; then which file set each key last.
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var piece in pieces)
        {
            var alone = ParseHocon(piece.Text, () => $"{piece.File}: not valid HOCON");
            RequireKeyNames(alone.Root, piece.File);
            foreach (var key in LeafKeys(alone.Root, prefix: null, withNulls: true)) files[key] = piece.File;
        }
        var config = pieces.Count == 1 ? ParseHocon(pieces[0].Text, () => $"{origin}: not valid HOCON")
            : ParseHocon(ConfigIncludes.Join(pieces), () => $"{origin}: not valid HOCON with its includes");
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        var setList = (sets ?? []).ToArray();
        foreach (var set in setList)
        {
            var (key, overrideConfig) = ParseSet(set);
            config = overrideConfig.WithFallback(config);
            overridden.Add(key);
        }
        return new ConfigSource(origin, config, overridden, setList, files);
    }

    /// <summary>Whether <paramref name="key"/> has a value.</summary>
    public bool Has(string key) => Keys.Contains(key, StringComparer.Ordinal);

    /// <summary>Refuses any key that is not in <paramref name="known"/>, suggesting the nearest known one.</summary>
    /// <exception cref="ConfigException">An unknown key is present.</exception>
    public void RequireKnownKeys(IReadOnlyCollection<string> known)
    {
        foreach (var key in Keys)
        {
            if (known.Contains(key)) continue;
            var nearest = KeySuggester.Nearest(key, known);
            var hint = nearest is null ? $"known keys: {string.Join(", ", known.Select(k => Shorten(k)))}" : $"did you mean {nearest}?";
            throw new ConfigException($"{Where(key)}: unknown key {Shorten(key)} = {RawText(key)} ({hint})");
        }
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or the default when the key is absent.</summary>
    public int GetInt(string key, int defaultValue, int min, int max) =>
        (int)GetLong(key, defaultValue, min, max, "an integer");

    /// <summary>A 64-bit integer in [<paramref name="min"/>, <paramref name="max"/>], or the default when absent.</summary>
    public long GetLong(string key, long defaultValue, long min, long max) => GetLong(key, defaultValue, min, max, "an integer");

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>], or the default when absent.</summary>
    public double GetDouble(string key, double defaultValue, double min, double max)
    {
        if (!Has(key)) return defaultValue;
        var allowed = $"a number in [{Format(min)}, {Format(max)}]";
        if (!TryParseDouble(ScalarText(key, allowed), out var value) || value < min || value > max)
            throw NotAllowed(key, allowed);
        return value;
    }

    /// <summary>
    /// A non-empty string matching <paramref name="pattern"/> (described to the user by <paramref name="allowed"/>),
    /// or the default when absent.
    /// </summary>
    public string GetString(string key, string defaultValue, Regex pattern, string allowed)
    {
        if (!Has(key)) return defaultValue;
        var text = ScalarText(key, allowed);
        if (!pattern.IsMatch(text)) throw NotAllowed(key, allowed);
        return text;
    }

    /// <summary>
    /// A non-empty list of finite numbers, each in [<paramref name="min"/>, <paramref name="max"/>] (or
    /// [min, max) when <paramref name="maxExclusive"/>), or the default when absent.
    /// </summary>
    public double[] GetDoubleList(string key, IReadOnlyList<double> defaultValue, double min, double max, bool maxExclusive = false)
    {
        if (!Has(key)) return defaultValue.ToArray();
        var allowed = $"a non-empty list of numbers, each in [{Format(min)}, {Format(max)}{(maxExclusive ? ")" : "]")}, e.g. [0, 15, 30]";
        var value = _config.GetValue(key);
        if (!value.IsArray()) throw NotAllowed(key, allowed);
        var items = value.GetArray();
        if (items.Count == 0) throw NotAllowed(key, allowed);
        var result = new double[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var ok = !items[i].IsArray() && !items[i].IsObject() && TryParseDouble(items[i].GetString() ?? "", out result[i]);
            if (!ok || result[i] < min || (maxExclusive ? result[i] >= max : result[i] > max)) throw NotAllowed(key, allowed);
        }
        return result;
    }

    /// <summary>A non-empty list of non-empty strings (<paramref name="allowed"/> describes it to the user), or null when absent.</summary>
    public string[]? GetStringList(string key, string allowed)
    {
        if (!Has(key)) return null;
        var value = _config.GetValue(key);
        if (!value.IsArray()) throw NotAllowed(key, allowed);
        var items = value.GetArray();
        if (items.Count == 0 || items.Any(i => i.IsArray() || i.IsObject() || string.IsNullOrWhiteSpace(i.GetString()))) throw NotAllowed(key, allowed);
        return items.Select(i => i.GetString()!.Trim()).ToArray();
    }

    /// <summary>
    /// A value of nested lists of finite numbers (a number, a list of numbers, a list of lists …) as plain objects: a
    /// <see cref="double"/> or a <see cref="List{T}"/> of such objects; null when absent. Anything else is refused in one line
    /// saying <paramref name="allowed"/>.
    /// </summary>
    public object? GetNumberTree(string key, string allowed)
    {
        if (!Has(key)) return null;
        object Convert(Akka.Configuration.Hocon.HoconValue value)
        {
            if (value.IsArray()) return value.GetArray().Select(Convert).ToList();
            if (value.IsObject() || !TryParseDouble(value.GetString() ?? "", out double number) || !double.IsFinite(number)) throw NotAllowed(key, allowed);
            return number;
        }
        return Convert(_config.GetValue(key));
    }

    /// <summary>One of <typeparamref name="TEnum"/>'s names (case-insensitive), or the default when absent.</summary>
    public TEnum GetEnum<TEnum>(string key, TEnum defaultValue) where TEnum : struct, Enum
    {
        if (!Has(key)) return defaultValue;
        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        var allowed = $"one of: {string.Join(", ", names)}";
        var text = ScalarText(key, allowed);
        if (!names.Contains(text.ToLowerInvariant()) || !Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed))
            throw NotAllowed(key, allowed);
        return parsed;
    }

    /// <summary>A <see cref="ConfigException"/> saying that <paramref name="key"/>'s value is not <paramref name="allowed"/>.</summary>
    public ConfigException NotAllowed(string key, string allowed) =>
        new($"{Where(key)}: {Shorten(key)} = {RawText(key)} is not allowed ({allowed})");

    /// <summary>
    /// Where a key's value came from: the file (the included one that set it last, for a key from an include), marked
    /// "(--set)" when an override supplied it.
    /// </summary>
    public string Where(string key) => _overridden.Contains(key) ? $"{Origin} (--set)" : _files.GetValueOrDefault(key, Origin);

    /// <summary>
    /// The value of <paramref name="key"/> as the user wrote it (lists in brackets), for messages; a value longer than
    /// <see cref="MaxShown"/> characters is cut, saying how long it is.
    /// </summary>
    public string RawText(string key)
    {
        if (!Has(key)) return "(absent)";
        var value = _config.GetValue(key);
        // Akka reads "[]" and "key =" as a value without elements.
        if (value.IsArray()) return Shorten("[" + string.Join(", ", value.GetArray().Take(MaxShown).Select(Describe)) + "]", value.GetArray().Count > MaxShown);
        var text = Describe(value);
        return text.Length == 0 ? "(empty)" : Shorten(text);
    }

    /// <summary>The most characters of a key or a value shown in a message.</summary>
    public const int MaxShown = 200;

    private static string Shorten(string text, bool cut = false) =>
        text.Length <= MaxShown && !cut ? text : $"{text[..Math.Min(text.Length, MaxShown - 20)]}... ({(cut ? "longer" : $"{text.Length} characters")})";

    private static string Describe(HoconValue value) =>
        value.IsObject() ? "{...}" : value.IsArray() ? "[...]" : value.GetString() ?? "";

    private long GetLong(string key, long defaultValue, long min, long max, string kind)
    {
        if (!Has(key)) return defaultValue;
        var allowed = $"{kind} in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
        var text = ScalarText(key, allowed);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw NotAllowed(key, allowed);
        return value;
    }

    private string ScalarText(string key, string allowed)
    {
        var value = _config.GetValue(key);
        if (value.IsArray() || value.IsObject()) throw NotAllowed(key, allowed);
        return (value.GetString() ?? "").Trim();
    }

    private static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static Config ParseHocon(string text, Func<string> where)
    {
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            throw new ConfigException($"{where()} ({firstLine})", e);
        }
    }

    // Akka's parser is lenient (it accepts "[1, 2" or "x = 1 # y"), so an override is checked by shape first: a dotted
    // key, '=', and one scalar or one flat list, with nothing that could silently swallow or nest text.
    private static (string Key, Config Config) ParseSet(string set)
    {
        const string example = "expected key=value, e.g. --set grid.points=50 or --set marginal.angles-deg=[0,45,90]";
        var equals = set.IndexOf('=');
        if (equals <= 0) throw new ConfigException($"--set {set}: malformed override ({example})");
        var key = set[..equals].Trim();
        var value = set[(equals + 1)..].Trim();
        if (!SetKey().IsMatch(key)) throw new ConfigException($"--set {set}: malformed key \"{key}\" ({example})");
        if (value.Length == 0 || !SetValue().IsMatch(value))
            throw new ConfigException($"--set {set}: malformed value \"{value}\" (a number, a word, a \"quoted string\" or a flat list like [0, 15, 30])");
        var parsed = ParseHocon($"{key} = {value}", () => $"--set {set}: the value is not valid HOCON");
        return (key, parsed);
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*$")]
    private static partial Regex SetKey();

    // A scalar (no structural characters), a quoted string, or a flat bracketed list of scalars.
    [GeneratedRegex("""^([^\[\]{}=:#"\r\n,]+|"[^"\r\n]*"|\[\s*([^\[\]{}=:#"\r\n,]+(\s*,\s*[^\[\]{}=:#"\r\n,]+)*)?\s*\])$""")]
    private static partial Regex SetValue();

    /// <summary>
    /// Refuses a key name that a dotted path cannot name (a quoted <c>"b.c"</c>, an empty <c>""</c>): every key is read
    /// back by its dotted path, which would find nothing.
    /// </summary>
    private static void RequireKeyNames(HoconValue value, string file)
    {
        if (!value.IsObject()) return;
        foreach (var (name, child) in value.GetObject().Items)
        {
            if (name.Length == 0 || name.Contains('.'))
                throw new ConfigException($"{file}: the key \"{Shorten(name)}\" is not allowed (a key name is not empty and holds no '.'; a '.' or {{ }} nests keys)");
            RequireKeyNames(child, file);
        }
    }

    // A key set to null (key = null, which removes a key an included file set) is not a leaf unless withNulls.
    private static IEnumerable<string> LeafKeys(HoconValue value, string? prefix, bool withNulls = false)
    {
        if (!value.IsObject())
        {
            if (prefix is not null && (withNulls || !IsNull(value))) yield return prefix;
            yield break;
        }
        foreach (var (name, child) in value.GetObject().Items)
        foreach (var key in LeafKeys(child, prefix is null ? name : $"{prefix}.{name}", withNulls))
            yield return key;
    }

    // Akka reads null (and "null") as a string value whose text is null; "[]" and "key =" have no elements at all.
    private static bool IsNull(HoconValue value) => !value.IsArray() && value.Values.Count > 0 && value.IsString() && value.GetString() is null;

    private static string Render(string origin, Config config, IReadOnlyList<string> sets)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Resolved configuration: {Path.GetFileName(origin)}");
        foreach (var set in sets) text.AppendLine($"#   --set {set}");
        // One dotted key per line, strings quoted where HOCON needs it, so that the file parses back to the same settings
        // (Akka's own rendering leaves values such as haar(marginal(k=1)) unquoted, which it cannot read again).
        foreach (var key in LeafKeys(config.Root, prefix: null))
        {
            var value = config.GetValue(key);
            var rendered = value.IsArray()
                ? "[" + string.Join(", ", value.GetArray().Select(item => RenderScalar(item.GetString() ?? ""))) + "]"
                : RenderScalar(value.GetString() ?? "");
            text.Append(key).Append(" : ").Append(rendered).Append('\n');
        }
        return text.ToString();
    }

    private static string RenderScalar(string text) =>
        PlainScalar().IsMatch(text) ? text : System.Text.Json.JsonSerializer.Serialize(text);

    [GeneratedRegex(@"^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$")]
    private static partial Regex PlainScalar();
}
