namespace BigLearn.Core.Tasks.Masks;

/// <summary>Reads mask distributions from the text that experiment configs use to name them.</summary>
public static class MaskDistributions
{
    /// <summary>
    /// Parses a mask-distribution spec for data of dimension <paramref name="dim"/>.
    /// Every distribution's <see cref="IMaskDistribution.Description"/> is in this grammar and parses back to a
    /// distribution that draws the same tasks from the same random stream.
    /// </summary>
    /// <remarks>
    /// <para>Grammar (whitespace is free between tokens; names and keys are lower case; coordinates are 0-based):</para>
    /// <code>
    /// spec        = joint | marginal | conditional | transformed | mix
    /// joint       = "joint"                                   S = ∅, T = all
    /// marginal    = "marginal(" ( "k=" int | "coords=" ints ) ")"
    ///                 k=K        T a uniform random K-subset on every draw, 1 ≤ K ≤ L (K = L is the joint task)
    ///                 coords=C   T = C, always
    /// conditional = "conditional(" observed [ "," target ] ")"
    ///   observed  = "observed=" int [ ".." int ]              |S| uniform on [min, max] ⊆ [1, L−1], S a uniform subset
    ///             | "observed-coords=" ints                   S fixed
    ///   target    = "target=" int                             T a uniform subset of that size of the other coordinates
    ///             | "target-coords=" ints                     T fixed (only with observed-coords)
    ///                                                         omitted: T = all coordinates not in S
    /// transformed = "haar(" spec ")"                          fresh Haar-random orthogonal A per task
    ///             | "rotation(" spec ")"                      uniform angle in a uniformly random coordinate plane
    ///             | "rotation(" spec ", angles=" numbers ")"  one of the angles (degrees) uniformly, plane (0, 1)
    ///               S and T of the inner spec index y = A·x; transforms cannot be nested.
    /// mix         = "mix(" weight spec { "," weight spec } ")"   weight: a number > 0; weights are normalised
    /// ints        = int { "," int }          numbers = number { "," number }
    /// </code>
    /// <para>Examples: <c>joint</c>, <c>marginal(k=1)</c>, <c>marginal(coords=0,2)</c>, <c>conditional(observed=1..3)</c>,
    /// <c>conditional(observed=1..3, target=2)</c>, <c>conditional(observed-coords=0, target-coords=1)</c>,
    /// <c>haar(marginal(k=1))</c>, <c>rotation(marginal(coords=0), angles=0,15,30)</c>,
    /// <c>mix(0.9 haar(marginal(k=1)), 0.1 joint)</c>.</para>
    /// </remarks>
    /// <exception cref="MaskSpecException">The text does not follow the grammar or does not fit <paramref name="dim"/>;
    /// the message names the offending part, what was found and what is allowed.</exception>
    public static MaskDistribution Parse(string text, int dim)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MaskSpecParser.Parse(text, dim);
    }
}
