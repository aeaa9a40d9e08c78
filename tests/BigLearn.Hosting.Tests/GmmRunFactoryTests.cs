using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Kinds.Gmm;
using BigLearn.Hosting.Kinds.Gan;
using BigLearn.Core;
using BigLearn.Core.Objectives;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Running;
using TorchSharp;

namespace BigLearn.Hosting.Tests;

[Collection(TorchCollection.Name)]
public sealed class GmmRunFactoryTests
{
    [Theory]
    [InlineData(null, 5.0)]
    [InlineData("model.conditional-gradient-clip=0.75", 0.75)]
    [InlineData("model.conditional-gradient-clip=0", double.PositiveInfinity)]
    public void The_trainer_gets_the_configured_conditional_trust_region(string? set, double expected)
    {
        TorchRuntime.Configure(threads: 1);
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-conditional.conf"), set is null ? [] : [set]);
        using var trainer = GmmRunFactory.CreateTrainer(config, torch.CPU);
        Assert.Equal(expected, trainer.ConditionalGradientClip);
    }

    [Theory]
    [InlineData(null, ObjectiveKind.ForwardKl)] // the config's choice
    [InlineData("model.conditional-objective=reverse-kl", ObjectiveKind.ReverseKl)]
    public void The_trainer_gets_the_configured_conditional_objective(string? set, ObjectiveKind expected)
    {
        TorchRuntime.Configure(threads: 1);
        var config = ExperimentConfig.Load(TestFiles.Config("gmm25-conditional.conf"), set is null ? [] : [set]);
        using var trainer = GmmRunFactory.CreateTrainer(config, torch.CPU);
        Assert.Equal((ObjectiveKind.ReverseKl, expected), (trainer.Objective.Kind, trainer.ConditionalObjective.Kind));
        Assert.Equal(config.Model.SamplesPerStep, trainer.ConditionalObjective.SamplesPerStep);
    }
}
