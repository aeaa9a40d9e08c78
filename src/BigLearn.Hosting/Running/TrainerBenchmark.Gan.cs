using System.Diagnostics;
using BigLearn.Core;
using BigLearn.Core.Gan;
using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Images;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using TorchSharp;

namespace BigLearn.Hosting.Running;

/// <summary>Milliseconds per BigLearn-GAN step at the default settings, with 1 and 2 libtorch threads, and per ledger measurement.</summary>
/// <param name="Steps">Timed steps per thread count.</param>
/// <param name="OneThreadMilliseconds">ms per step with 1 thread.</param>
/// <param name="TwoThreadMilliseconds">ms per step with 2 threads.</param>
/// <param name="LedgerSamples">Images in the ledger's J (<see cref="CompletionObjective.DefaultSamples"/>).</param>
/// <param name="LedgerMilliseconds">ms per evaluation of the ledger's J (completion-fid) with 1 thread (median of 5).</param>
/// <param name="LedgerStepMilliseconds">ms per step timed between those evaluations (median of 5): what the J's cost is compared with.</param>
public sealed record GanStepResult(int Steps, double OneThreadMilliseconds, double TwoThreadMilliseconds, int LedgerSamples = 0,
    double LedgerMilliseconds = double.NaN, double LedgerStepMilliseconds = double.NaN)
{
    /// <summary>One J evaluation in steps' time.</summary>
    public double LedgerInSteps => LedgerMilliseconds / LedgerStepMilliseconds;

    /// <summary>How much faster 2 threads are (1 thread's time over 2 threads').</summary>
    public double TwoThreadSpeedUp => OneThreadMilliseconds / TwoThreadMilliseconds;
}

public static partial class TrainerBenchmark
{
    /// <summary>
    /// The GAN's adversarial step (default <see cref="GanSettings"/>: batch 32, 16 channels, 28×28, R1 every 4th step) on
    /// synthetic images, alternating joint and half-image tasks, after a few untimed steps. Convolutions cost the same
    /// whatever the pixels, so no data set is needed. libtorch's thread count is put back to 1 afterwards.
    /// </summary>
    public static GanStepResult GanStep(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var rng = new Rng(1);
        const int images = 1000, side = 28;
        var pixels = new float[images * side * side];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextDouble();
        var set = new ImageSet("synthetic", side, side, pixels, new byte[images]);
        var joint = LearningTask.Joint(side * side);
        var half = LearningTask.Marginal(side * side, [.. Enumerable.Range(0, side * side / 2)]);
        double ledger = double.NaN, ledgerStep = double.NaN;
        double Time(int threads)
        {
            TorchRuntime.Configure(threads);
            using var trainer = new GanTrainer(set, new GanSettings(), 888, torch.CPU);
            for (int i = 0; i < 4; i++) trainer.Run(i % 2 == 0 ? joint : half, 1, i);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) trainer.Run(i % 2 == 0 ? joint : half, 1, 100 + i);
            double perStep = watch.Elapsed.TotalMilliseconds / steps;
            if (threads == 1) (ledgerStep, ledger) = TimeLedger(trainer, set, half);
            return perStep;
        }
        try
        {
            return new GanStepResult(steps, Time(1), Time(2), CompletionObjective.DefaultSamples, ledger, ledgerStep);
        }
        finally
        {
            TorchRuntime.Configure(1);
        }
    }

    // The ledger's J at its default size against the step beside it: five rounds of two timed steps then one timed J, medians of
    // each, so that both see the same load (on a shared machine a separate timing of each can differ by 2x).
    private static (double Step, double Ledger) TimeLedger(GanTrainer trainer, ImageSet heldOut, LearningTask task)
    {
        trainer.UseContributionObjective(new CompletionObjective(heldOut, FeatureClassifier.CreateUntrained(heldOut.Height, heldOut.Width, 10, 1),
            CompletionObjective.DefaultSamples, 1));
        trainer.EvaluateObjective();
        var (steps, ledger) = (new List<double>(), new List<double>());
        for (int round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            trainer.Run(task, 2, 1000 + round);
            steps.Add(watch.Elapsed.TotalMilliseconds / 2);
            watch.Restart();
            trainer.EvaluateObjective();
            ledger.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (Median(steps), Median(ledger));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
