namespace BigLearn.Core.Mixtures;

/// <summary>
/// Anything that is a Gaussian mixture over R^L: the learnable model and the fixed targets. Densities and
/// samples come from <see cref="Distribution"/>, so both share one implementation.
/// </summary>
public interface IGaussianMixture
{
    /// <summary>The data dimension L.</summary>
    int Dim { get; }

    /// <summary>The number of components K.</summary>
    int Components { get; }

    /// <summary>
    /// The mixture as tensors. For the model they are computed from its parameters in the current dispose
    /// scope and carry gradients; for a target they are the target's own constant tensors (do not dispose them).
    /// </summary>
    MixtureDistribution Distribution();
}
