namespace BigLearn.Cli.Tests;

/// <summary>Tests that load libtorch (torch threads, devices) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp";
}
