namespace BigLearn.Cli;

/// <summary>A user mistake on the command line that is not about the config file (e.g. an occupied --out folder).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
