using System.Globalization;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// A group's <c>menu</c>: the mask families its agents choose among (docs/adaptation.md), written as a list of mask specs with
/// equal initial shares. An entry holding <c>{k}</c> stands for one family per k = 1 … L − 1, so one menu fits every
/// dimension: <c>"haar(marginal(k={k}))"</c> is the transformed marginals of each size.
/// </summary>
public static class MenuSection
{
    private const string Allowed = "a non-empty list of mask specs, e.g. [\"haar(marginal(k={k}))\", \"noisy(joint, sd=1)\", \"joint\"]; {k} stands for each k in 1 … L − 1";

    /// <summary>The menu under <paramref name="key"/> for tasks of dimension <paramref name="dim"/>, as a mixture of equal weights.</summary>
    /// <exception cref="ConfigException">The list is malformed, an entry does not parse, it names a family twice, or it is empty once expanded.</exception>
    public static MixtureMasks Parse(ConfigSource source, string key, int dim)
    {
        ArgumentNullException.ThrowIfNull(source);
        var entries = source.GetStringList(key, Allowed) ?? throw source.NotAllowed(key, Allowed);
        var families = new List<MaskDistribution>();
        foreach (var entry in entries)
        {
            var texts = entry.Contains("{k}", StringComparison.Ordinal)
                ? Enumerable.Range(1, Math.Max(0, dim - 1)).Select(k => entry.Replace("{k}", k.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
                : [entry];
            foreach (var text in texts)
            {
                MaskDistribution family;
                try
                {
                    family = MaskDistributions.Parse(text, dim);
                }
                catch (MaskSpecException e)
                {
                    throw new ConfigException($"{source.Where(key)}: {key} entry \"{text}\" is not allowed ({e.Message})", e);
                }
                if (families.Any(f => f.Description == family.Description))
                    throw new ConfigException($"{source.Where(key)}: {key} names {family.Description} twice (each family once)");
                families.Add(family);
            }
        }
        if (families.Count == 0)
            throw new ConfigException($"{source.Where(key)}: {key} = {source.RawText(key)} is not allowed (no family is left for dimension {dim}: {{k}} runs over 1 … {dim - 1})");
        return new MixtureMasks(families.Select(f => (1.0, f)));
    }
}
