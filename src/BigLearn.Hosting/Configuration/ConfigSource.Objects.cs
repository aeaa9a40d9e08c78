namespace BigLearn.Hosting.Configuration;

public sealed partial class ConfigSource
{
    /// <summary>
    /// The names of the entries of the object at <paramref name="key"/> (e.g. the groups under <c>groups</c>), in the
    /// order the leaf keys list them (file order; a <c>--set</c> on an existing entry keeps its place); empty when absent.
    /// </summary>
    /// <exception cref="ConfigException">The key holds a value that is not an object.</exception>
    public IReadOnlyList<string> ChildNames(string key, string allowed)
    {
        var prefix = key + ".";
        if (Has(key)) throw NotAllowed(key, allowed);
        return Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
