using BigLearn.Core.Mixtures;
using BigLearn.Core.Tests.Mixtures;

namespace BigLearn.Core.Tests.Objectives;

/// <summary>
/// The §3.3 pair of modes (±1, 0), variance 0.1, with both model components on the left one (the joint's false minimum):
/// the state in which the tests measure the pull of a view or a divergence towards the empty right mode.
/// </summary>
internal static class SharedModeState
{
    public static TargetMixture Target() =>
        TargetMixture.Custom([0.5, 0.5], [[-1, 0], [1, 0]], [new double[,] { { 0.1, 0 }, { 0, 0.1 } }, new double[,] { { 0.1, 0 }, { 0, 0.1 } }]);

    public static GaussianMixtureModel Model()
    {
        var model = new GaussianMixtureModel(2, 2, seed: 0);
        double logScale = 0.5 * Math.Log(0.1);
        model.SetParameterVector([-1, 0, -1, 0, logScale, 0, 0, logScale, logScale, 0, 0, logScale, 0, 0]);
        return model;
    }

    /// <summary>
    /// The reverse KL's expected gradient on the two components' x-means (summed) when both model and target are seen
    /// with variance <paramref name="variance"/> along x: −E_{y ~ N(−1, v)}[∂_y log q̃(y)], by Simpson quadrature.
    /// </summary>
    public static double ReverseKlPull(double variance)
    {
        double sd = Math.Sqrt(variance), pull = 0;
        var (nodes, weights) = Simpson.Rule(-1 - 12 * sd, -1 + 12 * sd, 2000);
        for (int i = 0; i < nodes.Length; i++)
        {
            double y = nodes[i], left = Normal(y + 1, sd), right = Normal(y - 1, sd);
            double score = (left * (-1 - y) + right * (1 - y)) / ((left + right) * variance); // ∂_y log q̃
            pull -= weights[i] * left * score;
        }
        return pull;
    }

    private static double Normal(double u, double sigma) => Math.Exp(-0.5 * u * u / (sigma * sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
}
