using BigLearn.Core.Mixtures;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Core.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class GmmTrainerStateTests
{
    private static readonly LearningTask Joint = new(2, [], [0, 1]);
    private static readonly LearningTask FirstMarginal = new(2, [], [0]);

    [Fact]
    public void A_trainer_restored_from_a_captured_state_continues_exactly_as_the_original()
    {
        using var original = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid());
        original.Run(Joint, 3, batchSeed: 11);
        var saved = original.CaptureState();
        var next = original.Run(FirstMarginal, 4, batchSeed: 12);

        // A trainer built with another initialisation becomes the original once the state is restored.
        using var restored = new GmmTrainer(new GaussianMixtureModel(2, 25, 5), TargetMixture.Grid());
        Assert.NotEqual(saved.Parameters, restored.Model.GetParameterVector());
        restored.RestoreState(saved);
        Assert.Equal(3, restored.Version);
        var replayed = restored.Run(FirstMarginal, 4, batchSeed: 12);

        Assert.Equal(next, replayed);
        Assert.Equal(original.Model.GetParameterVector(), restored.Model.GetParameterVector());
        Assert.Equal(175, saved.Parameters.Length); // 25 means of 2 + 25 Cholesky factors of 2×2 + 25 weight logits
    }

    [Fact]
    public void A_state_saved_with_another_learning_rate_is_refused()
    {
        using var a = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), learningRate: 0.1);
        using var b = new GmmTrainer(new GaussianMixtureModel(2, 25, 888), TargetMixture.Grid(), learningRate: 0.2);
        var error = Assert.Throws<ArgumentException>(() => b.RestoreState(a.CaptureState()));
        Assert.Contains("learning rate 0.1", error.Message);
    }
}
