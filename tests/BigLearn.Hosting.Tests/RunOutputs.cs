using BigLearn.Hosting.Running;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Hosting.Tests;

/// <summary>Typed access to a Gaussian-mixture run's outcome in tests.</summary>
internal static class RunOutputs
{
    public static ExperimentOutcome Gmm(this ExperimentRunOutput run) => Assert.IsType<ExperimentOutcome>(run.Outcome);
}
