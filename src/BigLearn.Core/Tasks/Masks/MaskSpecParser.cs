using System.Globalization;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Recursive-descent parser for the grammar documented on <see cref="MaskDistributions.Parse(string, int)"/>. Syntax errors
/// name the whole spec and the position; semantic errors name the smallest enclosing part (an argument or a
/// distribution), so a user sees exactly which piece of a long mixture is wrong.
/// </summary>
/// <remarks>The image forms (pixels, patches, half, centre-box, random-box) are parsed in MaskSpecParser.Images.cs.</remarks>
internal sealed partial class MaskSpecParser
{
    private const string DistributionNames =
        "joint, marginal(...), conditional(...), haar(...), rotation(...), noisy(...), mix(...), pixels(...), patches(...), half(...), centre-box(...), random-box(...)";

    private readonly string _text;
    private readonly int _dim;
    private readonly ImageShape? _shape;
    private int _pos;

    private MaskSpecParser(string text, int dim, ImageShape? shape)
    {
        _text = text;
        _dim = dim;
        _shape = shape;
    }

    /// <summary>One <c>key=value</c> argument: its span in the text and its comma-separated items.</summary>
    private sealed record Argument(string Key, int Start, int End, List<Item> Items);

    /// <summary>A number, or a range <c>low..high</c>.</summary>
    private readonly record struct Item(string Low, string? High);

    /// <summary>Parses <paramref name="text"/> for dimension <paramref name="dim"/>; image forms use <paramref name="shape"/> (null: they are refused).</summary>
    public static MaskDistribution Parse(string text, int dim, ImageShape? shape)
    {
        var parser = new MaskSpecParser(text, dim, shape);
        if (dim < 1) throw new MaskSpecException(text, $"dimension must be at least 1, got {dim}");
        parser.SkipSpace();
        if (parser.AtEnd) throw new MaskSpecException("''", $"a mask spec is required; allowed: {DistributionNames}");
        var distribution = parser.ParseSpec();
        parser.SkipSpace();
        if (!parser.AtEnd) throw parser.Syntax("end of text after a complete distribution");
        return distribution;
    }

    private MaskDistribution ParseSpec()
    {
        SkipSpace();
        int start = _pos;
        string name = ReadIdentifier() ?? throw Syntax($"a distribution ({DistributionNames})");
        switch (name)
        {
            case "joint":
                SkipSpace();
                if (Peek() == '(') throw Problem(start, _pos + 1, "joint takes no arguments; write joint");
                return Build(start, () => new JointMasks(_dim));
            case "marginal":
                return ParseMarginal(start);
            case "conditional":
                return ParseConditional(start);
            case "haar":
            case "rotation":
                return ParseTransformed(start, name);
            case "noisy":
                return ParseNoisy(start);
            case "mix":
                return ParseMixture(start);
            case "pixels":
            case "patches":
            case "half":
            case "centre-box":
            case "random-box":
                return ParseImageMask(start, name);
            default:
                throw Problem(start, _pos, $"unknown distribution '{name}'; allowed: {DistributionNames}");
        }
    }

    private MaskDistribution ParseMarginal(int start)
    {
        Expect('(');
        var args = ParseArguments("marginal", ["k", "coords"]);
        if (args.ContainsKey("k") == args.ContainsKey("coords"))
            throw Problem(start, _pos, "give exactly one of k=<size> or coords=<list>");
        if (args.TryGetValue("k", out var k))
        {
            int size = SingleInt(k);
            return Build(start, () => MarginalMasks.OfSize(_dim, size));
        }
        var coords = IntList(args["coords"]);
        return Build(start, () => MarginalMasks.OnCoordinates(_dim, coords));
    }

    private MaskDistribution ParseConditional(int start)
    {
        Expect('(');
        var args = ParseArguments("conditional", ["observed", "observed-coords", "target", "target-coords"]);
        args.TryGetValue("observed", out var observed);
        args.TryGetValue("observed-coords", out var observedCoords);
        args.TryGetValue("target", out var target);
        args.TryGetValue("target-coords", out var targetCoords);
        if ((observed is null) == (observedCoords is null))
            throw Problem(start, _pos, "give exactly one of observed=<min>..<max> or observed-coords=<list>");
        if (target is not null && targetCoords is not null)
            throw Problem(start, _pos, "give at most one of target=<size> or target-coords=<list>");
        int? targetSize = target is null ? null : SingleInt(target);
        if (observed is not null)
        {
            if (targetCoords is not null)
                throw Problem(targetCoords.Start, targetCoords.End, "target-coords needs a fixed S (observed-coords=<list>); with observed=<sizes> use target=<size>");
            var (min, max) = IntRange(observed);
            return Build(start, () => ConditionalMasks.RandomObserved(_dim, min, max, targetSize));
        }
        var s = IntList(observedCoords!);
        if (targetSize is int t) return Build(start, () => ConditionalMasks.FixedObserved(_dim, s, t));
        int[]? fixedTarget = targetCoords is null ? null : IntList(targetCoords);
        return Build(start, () => ConditionalMasks.Fixed(_dim, s, fixedTarget));
    }

    private MaskDistribution ParseTransformed(int start, string name)
    {
        Expect('(');
        var inner = ParseSpec();
        SkipSpace();
        Dictionary<string, Argument> args = [];
        if (Peek() == ',')
        {
            _pos++;
            args = ParseArguments(name, name == "rotation" ? ["angles"] : []);
        }
        else
        {
            Expect(')');
        }
        if (name == "haar") return Build(start, () => TransformedMasks.Haar(inner));
        if (!args.TryGetValue("angles", out var angles)) return Build(start, () => TransformedMasks.RandomRotation(inner));
        var degrees = NumberList(angles);
        return Build(start, () => TransformedMasks.Rotation(inner, degrees));
    }

    private MaskDistribution ParseNoisy(int start)
    {
        Expect('(');
        var inner = ParseSpec();
        SkipSpace();
        if (Peek() != ',') throw Syntax("', sd=<noise standard deviation>' after the inner distribution of noisy(...)");
        _pos++;
        var args = ParseArguments("noisy", ["sd"]);
        if (!args.TryGetValue("sd", out var sd)) throw Problem(start, _pos, "noisy(...) needs sd=<noise standard deviation > 0>");
        if (sd.Items.Count != 1 || sd.Items[0].High is not null) throw Problem(sd.Start, sd.End, "sd takes a single number > 0");
        double noise = ToDouble(sd.Items[0].Low, sd.Start, "sd", sd.End);
        return Build(start, () => new NoisyMasks(inner, noise));
    }

    private MaskDistribution ParseMixture(int start)
    {
        Expect('(');
        var components = new List<(double, MaskDistribution)>();
        while (true)
        {
            SkipSpace();
            int weightStart = _pos;
            string weightText = ReadNumber() ?? throw Syntax("a weight (a number > 0) before each mix component, as in mix(0.9 joint, 0.1 marginal(k=1))");
            double weight = ToDouble(weightText, weightStart, "weight");
            if (!(weight > 0)) throw Problem(weightStart, _pos, $"mix weights must be > 0, got {weightText}");
            components.Add((weight, ParseSpec()));
            SkipSpace();
            if (Peek() == ',') { _pos++; continue; }
            if (Peek() == ')') { _pos++; break; }
            throw Syntax("',' and another weighted component, or ')'");
        }
        return Build(start, () => new MixtureMasks(components));
    }

    /// <summary>Parses <c>key=value, ...)</c> up to and including the closing parenthesis.</summary>
    private Dictionary<string, Argument> ParseArguments(string owner, string[] allowed)
    {
        var args = new Dictionary<string, Argument>();
        string allowedText = allowed.Length == 0 ? $"{owner} takes no arguments besides its inner distribution" : $"allowed: {string.Join(", ", allowed)}";
        while (true)
        {
            SkipSpace();
            int start = _pos;
            string key = ReadIdentifier() ?? throw Syntax($"an argument key=value for {owner} ({allowedText})");
            if (!allowed.Contains(key)) throw Problem(start, _pos, $"unknown argument '{key}' for {owner}; {allowedText}");
            if (args.ContainsKey(key)) throw Problem(start, _pos, $"argument '{key}' is given twice in {owner}");
            Expect('=');
            var items = new List<Item> { ParseItem() };
            // A comma followed by a number continues the list (coords=0,2); followed by a key it starts a new argument.
            while (Peek() == ',' && StartsNumber(NextNonSpace(_pos + 1)))
            {
                _pos++;
                items.Add(ParseItem());
            }
            args[key] = new Argument(key, start, _pos, items);
            SkipSpace();
            if (Peek() == ',') { _pos++; continue; }
            if (Peek() == ')') { _pos++; return args; }
            throw Syntax("',' and another argument, or ')'");
        }
    }

    private Item ParseItem()
    {
        SkipSpace();
        string low = ReadNumber() ?? throw Syntax("a number");
        SkipSpace();
        if (_pos + 1 < _text.Length && _text[_pos] == '.' && _text[_pos + 1] == '.')
        {
            _pos += 2;
            SkipSpace();
            string high = ReadNumber() ?? throw Syntax("a number after '..'");
            SkipSpace();
            return new Item(low, high);
        }
        return new Item(low, null);
    }

    private int SingleInt(Argument arg)
    {
        if (arg.Items.Count != 1 || arg.Items[0].High is not null)
            throw Problem(arg.Start, arg.End, $"{arg.Key} takes a single whole number");
        return ToInt(arg, arg.Items[0].Low);
    }

    private (int Min, int Max) IntRange(Argument arg)
    {
        if (arg.Items.Count != 1)
            throw Problem(arg.Start, arg.End, $"{arg.Key} takes a size or a range of sizes like 1..3, not a list");
        var item = arg.Items[0];
        int low = ToInt(arg, item.Low);
        return (low, item.High is null ? low : ToInt(arg, item.High));
    }

    private int[] IntList(Argument arg)
    {
        if (arg.Items.Any(i => i.High is not null))
            throw Problem(arg.Start, arg.End, $"{arg.Key} takes a list of coordinates like 0,2, not a range");
        return arg.Items.Select(i => ToInt(arg, i.Low)).ToArray();
    }

    private double[] NumberList(Argument arg)
    {
        if (arg.Items.Any(i => i.High is not null))
            throw Problem(arg.Start, arg.End, $"{arg.Key} takes a list of numbers like 0,15,30, not a range");
        return arg.Items.Select(i => ToDouble(i.Low, arg.Start, arg.Key, arg.End)).ToArray();
    }

    private int ToInt(Argument arg, string text)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw Problem(arg.Start, arg.End, $"{arg.Key} needs whole numbers, found {text}");
        return value;
    }

    private double ToDouble(string text, int start, string what, int? end = null)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Problem(start, end ?? start + text.Length, $"{what} must be a finite number, found {text}");
        return value;
    }

    /// <summary>Runs a constructor; its ArgumentException becomes a spec error naming this distribution's text.</summary>
    private MaskDistribution Build(int start, Func<MaskDistribution> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e)
        {
            throw Problem(start, _pos, e.Message);
        }
    }

    private MaskSpecException Problem(int start, int end, string problem)
    {
        string fragment = _text[start..Math.Min(end, _text.Length)].Trim();
        string context = fragment == _text.Trim() ? "" : $" (in {_text.Trim()})";
        return new MaskSpecException(fragment, problem + context);
    }

    private MaskSpecException Syntax(string expected)
    {
        string found = AtEnd ? "end of text" : $"'{Excerpt(_pos)}'";
        return new MaskSpecException(_text.Trim(), $"at position {_pos} expected {expected}, found {found}");
    }

    private string Excerpt(int at)
    {
        string rest = _text[at..];
        return rest.Length <= 12 ? rest : rest[..12] + "…";
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c) throw Syntax($"'{c}'");
        _pos++;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Peek() => AtEnd ? '\0' : _text[_pos];

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private char NextNonSpace(int from)
    {
        while (from < _text.Length && char.IsWhiteSpace(_text[from])) from++;
        return from < _text.Length ? _text[from] : '\0';
    }

    private static bool StartsNumber(char c) => char.IsAsciiDigit(c) || c is '-' or '+' or '.';

    private string? ReadIdentifier()
    {
        SkipSpace();
        int start = _pos;
        if (AtEnd || !char.IsAsciiLetter(_text[_pos])) return null;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '-' or '_')) _pos++;
        return _text[start.._pos];
    }

    /// <summary>Reads [sign] digits [. digits] [e [sign] digits]; a '.' not followed by a digit is left (it may start '..').</summary>
    private string? ReadNumber()
    {
        SkipSpace();
        int start = _pos;
        if (!AtEnd && _text[_pos] is '+' or '-') _pos++;
        int digits = SkipDigits();
        if (_pos + 1 < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(_text[_pos + 1]))
        {
            _pos++;
            digits += SkipDigits();
        }
        if (digits == 0)
        {
            _pos = start;
            return null;
        }
        if (!AtEnd && _text[_pos] is 'e' or 'E')
        {
            int mark = _pos++;
            if (!AtEnd && _text[_pos] is '+' or '-') _pos++;
            if (SkipDigits() == 0) _pos = mark;
        }
        return _text[start.._pos];
    }

    private int SkipDigits()
    {
        int start = _pos;
        while (!AtEnd && char.IsAsciiDigit(_text[_pos])) _pos++;
        return _pos - start;
    }
}
