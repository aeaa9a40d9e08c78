namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// A mask-distribution spec that does not parse or does not fit the dimension. The one-line message names
/// the offending part of the text, what was found and what is allowed, e.g.
/// <c>marginal(k=5): k must be in [1, 2] for dimension 2</c>.
/// </summary>
public sealed class MaskSpecException : FormatException
{
    /// <summary>Builds the exception from the offending text and the problem with it.</summary>
    public MaskSpecException(string fragment, string problem) : base($"{fragment}: {problem}")
    {
        Fragment = fragment;
        Problem = problem;
    }

    /// <summary>The offending part of the spec (the whole spec for syntax errors).</summary>
    public string Fragment { get; }

    /// <summary>What is wrong with it and what is allowed.</summary>
    public string Problem { get; }
}
