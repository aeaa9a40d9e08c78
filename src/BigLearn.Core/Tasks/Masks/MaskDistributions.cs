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
    /// spec        = joint | marginal | conditional | transformed | noisy | mix | image
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
    /// noisy       = "noisy(" spec ", sd=" number ")"              the inner joint or marginal tasks seen through Gaussian noise
    ///                 of standard deviation sd > 0 (y_T + sd·ξ for model and data alike); not nested, not on conditionals
    /// mix         = "mix(" weight spec { "," weight spec } ")"   weight: a number > 0; weights are normalised
    /// image       = pixels | patches | half | box           coordinates are the pixels of an H×W image, row-major
    ///                                                         (pixel (r, c) is r·W + c); S observed, T = all the rest
    /// pixels      = "pixels(observed=" ratio [ ".." ratio ] ")"
    ///                 ratio r uniform on [min, max] ⊆ [0, 1) per draw; S a uniform set of round(r·L) pixels (≤ L−1)
    /// patches     = "patches(size=" int ", observed=" ratio [ ".." ratio ] ")"
    ///                 k×k patches tiling the image (k divides H and W); round(r·P) of the P patches observed, whole
    /// half        = "half(" ( "top" | "bottom" | "left" | "right" | "any" ) ")"
    ///                 the named half (⌊H/2⌋ rows or ⌊W/2⌋ columns) observed; any: one of the four uniformly per draw
    /// box         = ( "centre-box" | "random-box" ) "(side=" int [ ".." int ] ")"
    ///                 a square hole of side s uniform on [min, max] ⊆ [1, min(H, W)] is T, the rest is S; centre-box
    ///                 centres it (top = ⌊(H−s)/2⌋, left = ⌊(W−s)/2⌋), random-box places it uniformly inside the image
    /// ints        = int { "," int }          numbers = number { "," number }
    /// </code>
    /// <para>Examples: <c>joint</c>, <c>marginal(k=1)</c>, <c>marginal(coords=0,2)</c>, <c>conditional(observed=1..3)</c>,
    /// <c>conditional(observed=1..3, target=2)</c>, <c>conditional(observed-coords=0, target-coords=1)</c>,
    /// <c>haar(marginal(k=1))</c>, <c>rotation(marginal(coords=0), angles=0,15,30)</c>,
    /// <c>mix(0.9 haar(marginal(k=1)), 0.1 joint)</c>, <c>noisy(joint, sd=1.5)</c>, and on images <c>pixels(observed=0.1..0.9)</c>,
    /// <c>patches(size=4, observed=0.25..0.75)</c>, <c>half(any)</c>, <c>centre-box(side=10..14)</c>,
    /// <c>mix(0.2 joint, 0.4 pixels(observed=0..0.9), 0.2 half(any), 0.2 centre-box(side=8..16))</c>.</para>
    /// <para>The image forms take the image size from the dimension, which must then be a perfect square
    /// (784 = 28×28); for other images use <see cref="Parse(string, ImageShape)"/>. Descriptions never name the size.</para>
    /// </remarks>
    /// <exception cref="MaskSpecException">The text does not follow the grammar or does not fit <paramref name="dim"/>;
    /// the message names the offending part, what was found and what is allowed.</exception>
    public static MaskDistribution Parse(string text, int dim)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MaskSpecParser.Parse(text, dim, ImageShape.SquareOf(dim));
    }

    /// <summary>
    /// Parses a mask-distribution spec for tasks on the pixels of <paramref name="shape"/> images (dimension
    /// Height·Width, pixel (r, c) is coordinate r·Width + c); the grammar is that of <see cref="Parse(string, int)"/>.
    /// </summary>
    /// <exception cref="MaskSpecException">The text does not follow the grammar or does not fit the image.</exception>
    public static MaskDistribution Parse(string text, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MaskSpecParser.Parse(text, shape.PixelCount, shape);
    }
}
