namespace BigLearn.Actors.Population;

/// <summary>
/// A population setting a user gave is not allowed. The message is one line naming the key, the value and what
/// is allowed, so hosts can print it as is (the CLI maps it to exit code 2).
/// </summary>
public sealed class PopulationSpecException : ArgumentException
{
    /// <summary>Builds the one-line message <c>key = value: allowed</c>.</summary>
    public PopulationSpecException(string key, object? value, string allowed)
        : base($"{key} = {value ?? "null"}: {allowed}")
    {
        Key = key;
    }

    /// <summary>The setting's key, such as <c>population.groups.joint.share</c>.</summary>
    public string Key { get; }
}
