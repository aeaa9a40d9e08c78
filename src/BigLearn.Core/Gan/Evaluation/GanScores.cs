namespace BigLearn.Core.Gan.Evaluation;

/// <summary>What the §4.2 evaluation reports (<c>summary.json</c>'s figures).</summary>
/// <param name="ClassifierFid">Fréchet distance on classifier features between joint samples and test images.</param>
/// <param name="RealFidFloor">The same distance between two disjoint real sets of the same size (what a perfect model would score).</param>
/// <param name="CompletionAccuracy">Classifier accuracy on the model's completions, by mask (<see cref="EvaluationMasks.Names"/>).</param>
/// <param name="BaselineNoCompletionAccuracy">Accuracy with the unobserved pixels left at the background, by mask.</param>
/// <param name="BaselineNearestNeighbourAccuracy">Accuracy of nearest-neighbour completions, by mask.</param>
/// <param name="Diversity">Observed ratio → mean pairwise L2 distance between completions of the same input.</param>
/// <param name="DataSpread">Mean L2 distance between two different random test images.</param>
/// <param name="ClassifierAccuracy">The classifier's accuracy on the same (complete) test images: the ceiling of every completion accuracy.</param>
/// <param name="SampleConfidence">The classifier's mean top-class probability on the FID's joint samples: near 1 when each sample looks
/// like one class (recognisable), near 1/classes for blurred ones.</param>
/// <param name="SampleClasses">How many classes the classifier predicts among those samples (all of them when the samples cover the data's classes).</param>
public sealed record GanScores(
    double ClassifierFid,
    double RealFidFloor,
    IReadOnlyDictionary<string, double> CompletionAccuracy,
    IReadOnlyDictionary<string, double> BaselineNoCompletionAccuracy,
    IReadOnlyDictionary<string, double> BaselineNearestNeighbourAccuracy,
    IReadOnlyDictionary<double, double> Diversity,
    double DataSpread,
    double ClassifierAccuracy,
    double SampleConfidence = double.NaN,
    int SampleClasses = 0);

/// <summary>How much the evaluation measures, and from which seed (the same settings give the same figures).</summary>
/// <param name="Seed">Seeds the test subsets, the random masks and the model's noise.</param>
/// <param name="CompletionCount">Test images completed per mask (and classified).</param>
/// <param name="FidCount">Generated images, and real images on each side, of the classifier FID.</param>
/// <param name="DiversityInputs">Test inputs of the diversity measurement.</param>
/// <param name="DiversityCompletions">Completions drawn per input (the same mask for all of them).</param>
/// <param name="DiversityRatios">Observed ratios of the diversity measurement's random pixel masks.</param>
/// <param name="SpreadCount">Test images whose mean pairwise distance is the data's spread.</param>
/// <param name="BatchSize">Images per call of the model.</param>
/// <param name="NearestNeighbourPool">Training images searched by the nearest-neighbour baseline (null: all of them; fewer: a seeded random subset).</param>
public sealed record GanEvaluationSettings(
    long Seed = 1,
    int CompletionCount = 1000,
    int FidCount = 1000,
    int DiversityInputs = 100,
    int DiversityCompletions = 8,
    IReadOnlyList<double>? DiversityRatios = null,
    int SpreadCount = 1000,
    int BatchSize = 500,
    int? NearestNeighbourPool = null)
{
    /// <summary>The ratios used: <see cref="DiversityRatios"/> or 0, 0.25, 0.5, 0.75.</summary>
    public IReadOnlyList<double> Ratios => DiversityRatios ?? [0, 0.25, 0.5, 0.75];

    /// <summary>Throws a one-line <see cref="ArgumentOutOfRangeException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (CompletionCount < 1) throw Bad(nameof(CompletionCount), CompletionCount, "at least 1");
        if (FidCount < 2) throw Bad(nameof(FidCount), FidCount, "at least 2");
        if (DiversityInputs < 1) throw Bad(nameof(DiversityInputs), DiversityInputs, "at least 1");
        if (DiversityCompletions < 2) throw Bad(nameof(DiversityCompletions), DiversityCompletions, "at least 2");
        if (SpreadCount < 2) throw Bad(nameof(SpreadCount), SpreadCount, "at least 2");
        if (BatchSize < 1) throw Bad(nameof(BatchSize), BatchSize, "at least 1");
        if (NearestNeighbourPool is < 1) throw Bad(nameof(NearestNeighbourPool), NearestNeighbourPool, "at least 1 (or null for all)");
        foreach (double r in Ratios)
            if (!(r >= 0 && r <= 1)) throw Bad(nameof(DiversityRatios), r, "ratios in [0, 1]");
    }

    private static ArgumentOutOfRangeException Bad(string name, object? value, string allowed) =>
        new(name, value, $"evaluation setting {name} = {value} is out of range (allowed: {allowed})");
}
