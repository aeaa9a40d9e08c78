using System.Globalization;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>The image mask forms of the grammar: pixels, patches, half, centre-box and random-box.</summary>
internal sealed partial class MaskSpecParser
{
    private MaskDistribution ParseImageMask(int start, string name)
    {
        if (name == "half") return ParseHalf(start);
        Expect('(');
        var args = name switch
        {
            "pixels" => ParseArguments(name, ["observed"]),
            "patches" => ParseArguments(name, ["size", "observed"]),
            _ => ParseArguments(name, ["side"]),
        };
        var shape = RequireShape(start, name);
        switch (name)
        {
            case "pixels":
            {
                var (low, high) = RatioRange(Required(args, "observed", start, name, "observed=<ratio> or observed=<min>..<max>, as in pixels(observed=0.1..0.9)"));
                return Build(start, () => new PixelMasks(shape, low, high));
            }
            case "patches":
            {
                int size = SingleInt(Required(args, "size", start, name, "size=<patch side>, as in patches(size=4, observed=0.25..0.75)"));
                var (low, high) = RatioRange(Required(args, "observed", start, name, "observed=<ratio> or observed=<min>..<max>, as in patches(size=4, observed=0.25..0.75)"));
                return Build(start, () => new PatchMasks(shape, size, low, high));
            }
            default:
            {
                var (min, max) = IntRange(Required(args, "side", start, name, $"side=<size> or side=<min>..<max>, as in {name}(side=8..14)"));
                return Build(start, () => new BoxMasks(shape, min, max, centred: name == "centre-box"));
            }
        }
    }

    private MaskDistribution ParseHalf(int start)
    {
        Expect('(');
        SkipSpace();
        int sideStart = _pos;
        string side = ReadIdentifier() ?? throw Syntax($"the observed half ({HalfMasks.AllowedNames}), as in half(top)");
        var half = HalfMasks.FromName(side) ?? throw Problem(sideStart, _pos, $"unknown half '{side}'; allowed: {HalfMasks.AllowedNames}");
        Expect(')');
        var shape = RequireShape(start, "half");
        return Build(start, () => new HalfMasks(shape, half));
    }

    /// <summary>The image shape of the parse, or a spec error saying how to give one.</summary>
    private ImageShape RequireShape(int start, string name) =>
        _shape ?? throw Problem(start, _pos,
            $"{name} is an image mask and needs the image size: dimension {_dim} is not a square (side²); parse with an explicit image shape (height x width)");

    private Argument Required(Dictionary<string, Argument> args, string key, int start, string name, string usage) =>
        args.TryGetValue(key, out var arg) ? arg : throw Problem(start, _pos, $"{name} needs {usage}");

    /// <summary>A ratio or a range <c>low..high</c> of ratios (finite numbers; their bounds are checked by the distribution).</summary>
    private (double Low, double High) RatioRange(Argument arg)
    {
        if (arg.Items.Count != 1)
            throw Problem(arg.Start, arg.End, $"{arg.Key} takes a ratio or a range of ratios like 0.1..0.9, not a list");
        var item = arg.Items[0];
        double low = ToDouble(item.Low, arg.Start, arg.Key, arg.End);
        return (low, item.High is null ? low : ToDouble(item.High, arg.Start, arg.Key, arg.End));
    }
}
