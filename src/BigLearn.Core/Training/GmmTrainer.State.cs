namespace BigLearn.Core.Training;

public sealed partial class GmmTrainer : IRestorableRunner
{
    private const string LearningRateKey = "learning_rate";

    /// <summary>
    /// θ (<see cref="Mixtures.GaussianMixtureModel.GetParameterVector"/>), the version and the optimiser's state. Plain SGD
    /// without momentum keeps no buffers, so its state is its learning rate (checked on restore so that a checkpoint is
    /// never continued with another step size by mistake).
    /// </summary>
    public RunnerState CaptureState() => new(Version, Model.GetParameterVector(),
        new Dictionary<string, double[]> { [LearningRateKey] = [LearningRate] });

    /// <inheritdoc />
    public void RestoreState(RunnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Optimizer.TryGetValue(LearningRateKey, out var rate) && (rate.Length != 1 || rate[0] != LearningRate))
            throw new ArgumentException($"the saved optimiser has learning rate {string.Join(",", rate)}, this trainer {LearningRate}", nameof(state));
        Model.SetParameterVector(state.Parameters);
        Version = state.Version;
    }
}
