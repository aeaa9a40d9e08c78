namespace BigLearn.Dashboard.State;

/// <summary>Which evaluation values a kind's page plots, in which chart; the rest of an evaluation's scalar values are shown as figures.</summary>
internal static class Curves
{
    private static readonly CurveSpec[] Gmm =
    [
        new("reverse_kl", "reverse KL", "kl"),
        new("forward_kl", "forward KL", "kl"),
        new("modes_covered", "modes covered", "modes"),
        new("high_quality_fraction", "high-quality fraction", "quality"),
    ];

    private static readonly CurveSpec[] Gan =
    [
        new("classifier_fid_quick", "classifier FID (quick check; the last point: the full evaluation)", "fid"),
        new("discriminator_loss", "discriminator loss", "losses"),
        new("generator_loss", "generator loss", "losses"),
    ];

    /// <summary>The curves of <paramref name="kind"/>; for a kind it does not know, one chart per scalar value seen.</summary>
    public static IReadOnlyList<CurveSpec> For(string kind, IEnumerable<string> seen) => kind switch
    {
        "population" => Gmm,
        "gan" => Gan,
        _ => seen.Where(IsScalar).Distinct().Order(StringComparer.Ordinal).Select(n => new CurveSpec(n, n.Replace('_', ' '), n)).ToArray(),
    };

    /// <summary>False for a vector's entries (<c>theta.0</c>, …), which are the model, not a figure.</summary>
    public static bool IsScalar(string name) => !name.Contains('.');

    /// <summary>A finite value, or null (JSON has no NaN).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
