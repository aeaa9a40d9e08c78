using BigLearn.Core.Gan;
using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using BigLearn.Core.Training;
using BigLearn.Reporting.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Hosting.Kinds.Gan;

/// <summary>The final evaluation of an adversarial run: its figures and the image grids, as plain numbers.</summary>
/// <param name="Figures">The §4.2 figures.</param>
/// <param name="Grids">Joint samples and completions.</param>
internal sealed record GanFinal(GanFigures Figures, IReadOnlyList<ImageFigure> Grids);

/// <summary>
/// The model actor's evaluator in an adversarial run; it runs on the model's pinned thread, where the trainer lives.
/// Every <c>evaluation.every</c> tasks a quick check (classifier FID of a few hundred joint samples and the latest losses);
/// once <see cref="FinalRequested"/> is set, the full §4.2 evaluation, whose figures and grids are handed over as plain
/// arrays in <see cref="Final"/> (read by the host after the model has answered).
/// </summary>
internal sealed class GanEvaluator(GanExperimentConfig config, ImageDataset data, Device device)
{
    /// <summary>Name of the quick check's FID in an evaluation's values.</summary>
    public const string QuickFid = "classifier_fid_quick";

    /// <summary>Name of the discriminator's latest loss.</summary>
    public const string DiscriminatorLoss = "discriminator_loss";

    /// <summary>Name of the generator's latest loss.</summary>
    public const string GeneratorLoss = "generator_loss";

    private const int GridInputs = 8;
    private static readonly double[] GridRatios = [0.1, 0.25, 0.5, 0.75];

    private FeatureClassifier? _classifier;

    /// <summary>Prefix of the final evaluation's completion accuracies, by mask (<c>completion_accuracy_top_half</c>, …).</summary>
    public const string CompletionAccuracyPrefix = "completion_accuracy_";

    /// <summary>Set by the host before it asks for the final evaluation.</summary>
    public volatile bool FinalRequested;

    /// <summary>Set when a live display wants the newest grids: every quick check then also keeps some of its samples and completions.</summary>
    public volatile bool LiveWanted;

    private volatile IReadOnlyList<ImageFigure>? _live;

    /// <summary>The grids of the newest quick check (when <see cref="LiveWanted"/>), or null; read from any thread.</summary>
    public IReadOnlyList<ImageFigure>? LiveGrids => _live;

    /// <summary>The final evaluation, once it has run.</summary>
    public GanFinal? Final { get; private set; }

    /// <summary>The figures of <paramref name="trainer"/> now (on the model's thread).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(GanTrainer trainer)
    {
        _classifier ??= FeatureClassifier.LoadOrTrain(data, config.Evaluation.ClassifierCache, GanRunFactory.ClassifierSeed,
            config.Evaluation.ClassifierTraining(data.Train.Count));
        var values = new Dictionary<string, double>
        {
            [DiscriminatorLoss] = trainer.LastDiscriminatorLoss,
            [GeneratorLoss] = trainer.LastGeneratorLoss,
        };
        if (!FinalRequested)
        {
            if (config.Evaluation.QuickSamples > 0) values[QuickFid] = QuickJointFid(trainer, _classifier);
            if (LiveWanted) _live = LiveGridsOf(trainer);
            return values;
        }
        var settings = new GanEvaluationSettings(Seed: config.Evaluation.Seed, CompletionCount: config.Evaluation.Samples,
            FidCount: config.Evaluation.Samples, DiversityInputs: config.Evaluation.DiversityInputs);
        var scores = GanEvaluation.Evaluate(trainer, data, _classifier, settings);
        var figures = new GanFigures(scores.ClassifierFid, scores.RealFidFloor, scores.ClassifierAccuracy, scores.CompletionAccuracy,
            scores.BaselineNoCompletionAccuracy, scores.BaselineNearestNeighbourAccuracy, scores.Diversity, scores.DataSpread,
            Math.Min(settings.CompletionCount, data.Test.Count))
        {
            SampleConfidence = scores.SampleConfidence,
            SampleClasses = scores.SampleClasses,
        };
        Final = new GanFinal(figures, Grids(trainer));
        values[QuickFid] = scores.ClassifierFid;
        foreach (var (mask, accuracy) in scores.CompletionAccuracy) values[CompletionAccuracyPrefix + mask] = accuracy;
        _classifier.Dispose();
        _classifier = null;
        return values;
    }

    // Joint samples against as many random test images, on the classifier's features; the same test images every time.
    private double QuickJointFid(GanTrainer trainer, FeatureClassifier classifier)
    {
        int n = Math.Min(config.Evaluation.QuickSamples, data.Test.Count);
        var (h, w) = (trainer.Height, trainer.Width);
        using var scope = NewDisposeScope();
        var indices = new Rng((ulong)config.Evaluation.Seed ^ 0x3C6EF372UL).Subset(data.Test.Count, n);
        var real = tensor(data.Test.Gather(indices), [n, 1, h, w], dtype: ScalarType.Float32).to(device);
        using var noise = new Generator(unchecked((ulong)config.Evaluation.Seed), device);
        var samples = trainer.Complete(zeros_like(real), zeros_like(real), noise);
        return FrechetDistance.Between(classifier.Features(samples), classifier.Features(real));
    }

    // A live display's grids: 4×8 joint samples and the completions at the final grid's observed ratios (cheap forward passes).
    private IReadOnlyList<ImageFigure> LiveGridsOf(GanTrainer trainer)
    {
        var (h, w) = (trainer.Height, trainer.Width);
        int pixels = h * w;
        var rng = new Rng((ulong)config.Evaluation.Seed ^ 0x6A09E667UL);
        var originals = data.Test.Gather(rng.Subset(data.Test.Count, GridInputs));
        using var scope = NewDisposeScope();
        using var noise = new Generator(unchecked((ulong)config.Evaluation.Seed), device);
        const int samples = 32;
        var joint = Complete(trainer, new float[samples * pixels], new float[samples * pixels], noise, h, w);
        return
        [
            new ImageFigure("joint samples (S = ∅), newest quick check", "samples.png", 4, 8, h, w, joint, null),
            CompletionGrid("completions at observed ratios 0.1, 0.25, 0.5, 0.75", "completions-ratios.png", trainer, originals, noise,
                GridRatios.Select(ratio => RandomMask(pixels, ratio, rng)).ToArray()),
        ];
    }

    private IReadOnlyList<ImageFigure> Grids(GanTrainer trainer)
    {
        var (h, w) = (trainer.Height, trainer.Width);
        int pixels = h * w;
        var rng = new Rng((ulong)config.Evaluation.Seed ^ 0x6A09E667UL);
        var inputs = rng.Subset(data.Test.Count, GridInputs);
        var originals = data.Test.Gather(inputs);
        using var scope = NewDisposeScope();
        using var noise = new Generator(unchecked((ulong)config.Evaluation.Seed), device);

        // 8×8 joint samples (S = ∅).
        int sampleCount = 64;
        var samples = Complete(trainer, new float[sampleCount * pixels], new float[sampleCount * pixels], noise, h, w);
        var grids = new List<ImageFigure> { new("joint samples (S = ∅)", "samples.png", 8, 8, h, w, samples, null) };

        // Rows: inputs; columns: original, then (masked input, completion) per mask.
        grids.Add(CompletionGrid("completions of halves and a centre hole", "completions-regions.png", trainer, originals, noise,
            [RegionMask(h, w, (r, c) => r < h / 2), RegionMask(h, w, (r, c) => c < w / 2), RegionMask(h, w, (r, c) => Math.Abs(r - h / 2 + 0.5) > 5 || Math.Abs(c - w / 2 + 0.5) > 5)]));
        grids.Add(CompletionGrid("completions at observed ratios 0.1, 0.25, 0.5, 0.75", "completions-ratios.png", trainer, originals, noise,
            GridRatios.Select(ratio => RandomMask(pixels, ratio, rng)).ToArray()));
        return grids;
    }

    private ImageFigure CompletionGrid(string title, string file, GanTrainer trainer, float[] originals, Generator noise, float[][] masks)
    {
        var (h, w) = (trainer.Height, trainer.Width);
        int pixels = h * w;
        int columns = 1 + 2 * masks.Length;
        var cells = new float[GridInputs * columns * pixels];
        var cellMasks = new float[cells.Length];
        Array.Fill(cellMasks, 1f);
        for (int m = 0; m < masks.Length; m++)
        {
            var maskBatch = new float[GridInputs * pixels];
            for (int i = 0; i < GridInputs; i++) masks[m].CopyTo(maskBatch, i * pixels);
            var completed = Complete(trainer, originals, maskBatch, noise, h, w);
            for (int i = 0; i < GridInputs; i++)
            {
                int row = i * columns;
                if (m == 0) originals.AsSpan(i * pixels, pixels).CopyTo(cells.AsSpan(row * pixels, pixels));
                int observedCell = (row + 1 + 2 * m) * pixels;
                for (int p = 0; p < pixels; p++) cells[observedCell + p] = originals[i * pixels + p] * masks[m][p];
                masks[m].CopyTo(cellMasks, observedCell);
                completed.AsSpan(i * pixels, pixels).CopyTo(cells.AsSpan((row + 2 + 2 * m) * pixels, pixels));
            }
        }
        return new ImageFigure(title + " (columns: original, then observed | completed per mask)", file, GridInputs, columns, h, w, cells, cellMasks);
    }

    private float[] Complete(GanTrainer trainer, float[] images, float[] masks, Generator noise, int h, int w)
    {
        using var scope = NewDisposeScope();
        long n = images.Length / (h * w);
        var x = tensor(images, [n, 1, h, w], dtype: ScalarType.Float32).to(device);
        var m = tensor(masks, [n, 1, h, w], dtype: ScalarType.Float32).to(device);
        return trainer.Complete(x, m, noise).cpu().data<float>().ToArray();
    }

    private static float[] RegionMask(int h, int w, Func<int, int, bool> observed)
    {
        var mask = new float[h * w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
                mask[r * w + c] = observed(r, c) ? 1f : 0f;
        return mask;
    }

    private static float[] RandomMask(int pixels, double ratio, Rng rng)
    {
        var mask = new float[pixels];
        foreach (int p in rng.Subset(pixels, (int)Math.Round(ratio * pixels))) mask[p] = 1f;
        return mask;
    }
}
