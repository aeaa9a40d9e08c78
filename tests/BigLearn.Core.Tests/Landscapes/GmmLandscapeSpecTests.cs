using System.Diagnostics;
using BigLearn.Core.Landscapes;
using Xunit.Abstractions;

namespace BigLearn.Core.Tests.Landscapes;

[Collection(TorchCollection.Name)]
public class GmmLandscapeSpecTests(ITestOutputHelper output)
{
    private static LandscapeSpec Small => new(-2, 2, 4, 50, 1, [0], [45], 2);

    [Theory]
    [InlineData("GridPoints")]
    [InlineData("GridMax")]
    [InlineData("Samples")]
    [InlineData("ConditionalValues")]
    [InlineData("MarginalAnglesDeg")]
    public void A_bad_setting_is_refused_with_one_line_naming_it(string key)
    {
        var spec = key switch
        {
            "GridPoints" => Small with { GridPoints = 1 },
            "GridMax" => Small with { GridMax = -3 },
            "Samples" => Small with { Samples = 0 },
            "ConditionalValues" => Small with { ConditionalValues = 0 },
            _ => Small with { MarginalAnglesDeg = [10, double.NaN] },
        };
        var error = Assert.Throws<LandscapeSpecException>(() => GmmLandscape.Compute(spec));
        Assert.Equal(key, error.Key);
        Assert.Contains(key, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Progress_rises_to_one_over_the_chunks()
    {
        var seen = new List<double>();
        // 2000 points of 100,000 samples do not fit one chunk, so several reports arrive.
        var spec = new LandscapeSpec(-2, 2, 3, 100_000, 1, [], [], 1);
        Assert.True(GmmLandscape.ChunkSize(spec, 9) < 9);
        GmmLandscape.Compute(spec, new SynchronousProgress(seen.Add));
        Assert.Equal(0, seen[0]);
        Assert.Equal(1, seen[^1]);
        Assert.True(seen.Count > 2);
        Assert.Equal(seen.OrderBy(x => x), seen);
    }

    [Fact]
    public void A_cancelled_study_stops_between_chunks()
    {
        using var cancellation = new CancellationTokenSource();
        var spec = new LandscapeSpec(-2, 2, 3, 100_000, 1, [], [], 1);
        var progress = new SynchronousProgress(fraction => { if (fraction > 0) cancellation.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => GmmLandscape.Compute(spec, progress, cancellation.Token));
    }

    [Fact]
    public void Without_angles_there_is_only_the_joint()
    {
        var result = GmmLandscape.Compute(Small with { MarginalAnglesDeg = [], ConditionalAnglesDeg = [] });
        Assert.Equal(LandscapeViews.Joint, Assert.Single(result.Surfaces).View);
    }

    [Fact]
    [Trait("Category", "Long")]
    public void The_paper_study_runs_on_one_torch_thread()
    {
        TorchRuntime.Configure(1);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = GmmLandscape.Compute(LandscapeSpec.Paper);
        watch.Stop();
        // CPU time is the honest figure on a shared machine; wall time is what a person waits here.
        output.WriteLine($"paper landscape (100×100, 2000 samples, {result.Surfaces.Count} surfaces): " +
            $"wall {watch.Elapsed.TotalSeconds:F1} s, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s");
        Assert.Equal(1 + 12 + 1 + 49 + 1, result.Surfaces.Count);
        foreach (var surface in result.Surfaces.Where(s => s.View is LandscapeViews.Joint or LandscapeViews.MarginalSum or LandscapeViews.ConditionalSum))
        {
            var minima = LandscapeMinima.Find(result.Axis, surface.Kl);
            output.WriteLine($"{surface.View}: global {minima.Global}; local {string.Join("; ", minima.Local.Take(8))}");
        }
        var joint = LandscapeMinima.Global(result.Axis, result.Surfaces[0].Kl);
        Assert.True(Math.Abs(Math.Abs(joint.Mu1) - 1) < 0.1 && Math.Abs(joint.Mu1 + joint.Mu2) < 0.1, $"joint global minimum at {joint}");
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
