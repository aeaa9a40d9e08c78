namespace BigLearn.Core.Landscapes;

/// <summary>
/// A landscape setting a user gave is not allowed. The message is one line naming the setting, the value and
/// what is allowed, so a command-line front end can print it as is (and exit with code 2).
/// </summary>
public sealed class LandscapeSpecException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="key"/> = <paramref name="value"/>.</summary>
    public LandscapeSpecException(string key, object? value, string allowed)
        : base($"landscape setting {key} = {Format(value)} is not allowed: {allowed}")
    {
        Key = key;
    }

    /// <summary>The name of the offending setting (the <see cref="LandscapeSpec"/> property name).</summary>
    public string Key { get; }

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        double[] values => "[" + string.Join(", ", values.Select(v => v.ToString("g", System.Globalization.CultureInfo.InvariantCulture))) + "]",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
