namespace BigLearn.Hosting.Configuration;

/// <summary>
/// A user mistake in a configuration file or a <c>--set</c> override. The message is one line that names the file,
/// the key, the value and what is allowed, so the command line can print it as is (exit code 2).
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the parser error behind it.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner) { }
}
