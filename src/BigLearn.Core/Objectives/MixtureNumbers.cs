using BigLearn.Core.Mixtures;
using static TorchSharp.torch;

namespace BigLearn.Core.Objectives;

/// <summary>
/// A mixture as plain numbers, for the plain-arithmetic paths: means [K·d], Cholesky factors [K·d·d] (row-major,
/// lower) and log-weights [K].
/// </summary>
internal sealed record MixtureNumbers(int Dim, int Components, double[] Means, double[] Scales, double[] LogWeights)
{
    /// <summary>Reads <paramref name="distribution"/>'s tensors out of libtorch once.</summary>
    public static MixtureNumbers Read(MixtureDistribution distribution)
    {
        using var scope = NewDisposeScope();
        return new MixtureNumbers(distribution.Dim, distribution.Components, Numbers(distribution.Means),
            Numbers(distribution.ScaleTril), Numbers(distribution.LogWeights));
    }

    /// <summary>A tensor's numbers, row-major, on the CPU.</summary>
    public static double[] Numbers(Tensor tensor) => tensor.detach().cpu().contiguous().data<double>().ToArray();

    /// <summary>
    /// The Cholesky factors of a model's flat parameter vector <paramref name="theta"/> (the layout of
    /// <see cref="GaussianMixtureModel.GetParameterVector"/>: means, raw factors with log-diagonals, logits) into
    /// <paramref name="scales"/>: the strictly lower part as stored, the diagonal exponentiated, the upper part 0.
    /// </summary>
    public static void ScalesOf(ReadOnlySpan<double> theta, int k, int d, Span<double> scales)
    {
        int at = k * d;
        for (int c = 0; c < k; c++)
            for (int r = 0; r < d; r++)
                for (int s = 0; s < d; s++)
                {
                    double raw = theta[at + (c * d + r) * d + s];
                    scales[(c * d + r) * d + s] = r > s ? raw : r == s ? Math.Exp(raw) : 0;
                }
    }

    /// <summary>log π_k: the log-softmax of the logits at the end of <paramref name="theta"/>.</summary>
    public static double[] LogWeightsOf(ReadOnlySpan<double> theta, int k, int d)
    {
        var logits = theta.Slice(k * d + k * d * d, k);
        double lse = PreparedMixture.LogSumExp(logits);
        var result = new double[k];
        for (int c = 0; c < k; c++) result[c] = logits[c] - lse;
        return result;
    }
}
