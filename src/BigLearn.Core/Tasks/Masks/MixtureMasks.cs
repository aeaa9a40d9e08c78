using System.Globalization;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// A weighted mixture: each task comes from component i with probability wᵢ / Σw
/// (<c>mix(0.9 haar(marginal(k=1)), 0.1 joint)</c>). Weights are kept as given, so the description
/// reproduces them exactly; <see cref="Weights"/> are the normalised ones.
/// </summary>
/// <remarks>Random numbers per draw, in order: one uniform to pick the component, then the component's own.</remarks>
public sealed class MixtureMasks : MaskDistribution
{
    private readonly double[] _rawWeights;
    private readonly MaskDistribution[] _components;

    /// <summary>
    /// A mixture of one or more components, all of the same dimension, with finite weights &gt; 0
    /// (any scale: they are normalised).
    /// </summary>
    public MixtureMasks(IEnumerable<(double Weight, MaskDistribution Distribution)> components)
        : this(CheckComponents(components))
    {
    }

    private MixtureMasks((double Weight, MaskDistribution Distribution)[] components) : base(components[0].Distribution.Dim)
    {
        _rawWeights = components.Select(c => c.Weight).ToArray();
        _components = components.Select(c => c.Distribution).ToArray();
        double sum = _rawWeights.Sum();
        Weights = Array.AsReadOnly(_rawWeights.Select(w => w / sum).ToArray());
    }

    /// <summary>The components, in the order given.</summary>
    public IReadOnlyList<MaskDistribution> Components => _components;

    /// <summary>The normalised weights (summing to 1), in the order of <see cref="Components"/>.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <inheritdoc />
    public override string Description =>
        "mix(" + string.Join(", ", _rawWeights.Select((w, i) => $"{w.ToString("R", CultureInfo.InvariantCulture)} {_components[i].Description}")) + ")";

    /// <inheritdoc />
    public override TaskKind? Kind
    {
        get
        {
            var first = _components[0].Kind;
            return _components.All(c => c.Kind == first) ? first : null;
        }
    }

    /// <inheritdoc />
    internal override bool ContainsTransform => _components.Any(c => c.ContainsTransform);

    /// <inheritdoc />
    public override bool ContainsNoise => _components.Any(c => c.ContainsNoise);

    /// <inheritdoc />
    public override LearningTask Sample(Rng rng) => _components[rng.NextIndex(_rawWeights)].Sample(rng);

    private static (double Weight, MaskDistribution Distribution)[] CheckComponents(IEnumerable<(double Weight, MaskDistribution Distribution)> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var list = components.ToArray();
        if (list.Length == 0) throw new ArgumentException("mix needs at least one weighted component");
        foreach (var (weight, distribution) in list)
        {
            ArgumentNullException.ThrowIfNull(distribution);
            if (!(weight > 0) || !double.IsFinite(weight))
                throw new ArgumentException($"weights must be finite and > 0, got {weight.ToString(CultureInfo.InvariantCulture)} for {distribution.Description}");
            if (distribution.Dim != list[0].Distribution.Dim)
                throw new ArgumentException($"all components must have the same dimension, got {list[0].Distribution.Dim} and {distribution.Dim}");
        }
        return list;
    }
}
