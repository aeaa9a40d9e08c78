using BigLearn.Core.Training;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan;

public sealed partial class GanTrainer : IRestorableRunner
{
    private const string GeneratorPrefix = "generator.", DiscriminatorPrefix = "discriminator.";

    /// <summary>25: a copy of the networks and optimisers after every task would cost as much as the task itself; every 25th costs ~1 %.</summary>
    public int KeepStateEvery => 25;

    /// <summary>
    /// The parameters of the generator, the discriminator and the generator's moving average, in that order, as one
    /// vector; the optimiser entries hold both networks' Adam moments, step counts and hyper-parameters.
    /// </summary>
    public RunnerState CaptureState()
    {
        var parameters = AdamState.Flatten(_generatorParameters.Concat(_discriminator.parameters()).Concat(_averageParameters));
        var optimizer = new Dictionary<string, double[]>();
        foreach (var (prefix, adam) in new[] { (GeneratorPrefix, _generatorAdam), (DiscriminatorPrefix, _discriminatorAdam) })
        {
            var (first, second) = adam.Buffers();
            optimizer[prefix + "exp_avg"] = first;
            optimizer[prefix + "exp_avg_sq"] = second;
            optimizer[prefix + "step"] = [adam.Steps];
            optimizer[prefix + "hyper"] = adam.HyperParameters;
        }
        return new RunnerState(Version, parameters, optimizer);
    }

    /// <inheritdoc />
    public void RestoreState(RunnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var discriminatorParameters = _discriminator.parameters().ToArray();
        long expected = 2 * _generatorAdam.Count + _discriminatorAdam.Count;
        if (state.Parameters.Length != expected)
            throw new ArgumentException($"the saved GAN has {state.Parameters.Length} parameters, this one {expected} (other image size or settings?)", nameof(state));
        foreach (var (prefix, adam) in new[] { (GeneratorPrefix, _generatorAdam), (DiscriminatorPrefix, _discriminatorAdam) })
        {
            double[] Entry(string name) => state.Optimizer.TryGetValue(prefix + name, out var v)
                ? v : throw new ArgumentException($"the saved optimiser lacks '{prefix + name}'", nameof(state));
            var hyper = Entry("hyper");
            if (!hyper.SequenceEqual(adam.HyperParameters))
                throw new ArgumentException($"the saved {prefix.TrimEnd('.')} optimiser has (lr, β1, β2, ε) = ({string.Join(", ", hyper)}), this one ({string.Join(", ", adam.HyperParameters)})", nameof(state));
            var (first, second, step) = (Entry("exp_avg"), Entry("exp_avg_sq"), Entry("step"));
            if (first.Length != adam.Count || second.Length != adam.Count || step.Length != 1)
                throw new ArgumentException($"the saved {prefix.TrimEnd('.')} optimiser buffers do not fit this network", nameof(state));
            adam.SetBuffers(first, second);
            adam.Steps = (long)step[0];
        }
        AdamState.Unflatten(_generatorParameters.Concat<Tensor>(discriminatorParameters).Concat(_averageParameters), state.Parameters);
        Version = state.Version;
    }
}
