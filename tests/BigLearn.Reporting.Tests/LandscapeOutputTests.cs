using BigLearn.Core.Landscapes;
using BigLearn.Reporting.Landscapes;

namespace BigLearn.Reporting.Tests;

public sealed class LandscapeOutputTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_surface_becomes_a_real_png_heatmap_with_a_predictable_name()
    {
        var names = LandscapeHeatmaps.WriteAll(SyntheticLandscapes.Small(points: 9), _folder);
        string[] expected =
        [
            "joint.png", "marginal-000.png", "marginal-030.png",
            "conditional-000-y2-neg0.50.png", "conditional-000-y2-0.25.png",
            "conditional-045-y2-neg0.50.png", "conditional-045-y2-0.25.png",
            "marginal-sum.png", "conditional-sum.png",
        ];
        Assert.Equal(expected, names);
        Assert.Equal(expected.Order(), Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
        foreach (var name in names)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_folder, name));
            Assert.True(bytes.Length > 1024, $"{name} has only {bytes.Length} bytes");
            Assert.Equal(PngSignature, bytes.Take(8));
        }
    }

    [Theory]
    [InlineData(30.0, null, "marginal-030")]
    [InlineData(7.5, null, "marginal-007.5")]
    [InlineData(165.0, null, "marginal-165")]
    [InlineData(45.0, 0.3249, "conditional-045-y2-0.32")]
    [InlineData(90.0, -1.2, "conditional-090-y2-neg1.20")]
    public void File_stems_carry_the_angle_in_three_digits_and_the_signed_y2(double angle, double? y2, string stem)
    {
        var view = y2 is null ? LandscapeViews.Marginal : LandscapeViews.Conditional;
        Assert.Equal(stem, LandscapeSurfaces.FileStem(new LandscapeSurface(view, angle, y2, new double[1, 1])));
    }

    [Fact]
    public void The_summary_tells_global_from_false_minima_and_notes_that_the_conditional_sum_drops_the_false_ones()
    {
        var summary = LandscapeSummary.Of(SyntheticLandscapes.Small());
        Assert.Equal(["joint", "marginal-sum", "conditional-sum"], summary.Views.Select(v => v.View));
        Assert.Equal([4, 4, 2], summary.Views.Select(v => v.Minima.Count));
        Assert.Contains(summary.Sentences, s => s.StartsWith("The joint landscape has 4 grid-local minima: the global ones at (-1.00, 1.00) (KL 0) and (1.00, -1.00) (KL 0), and false ones at", StringComparison.Ordinal));
        Assert.Contains(summary.Sentences, s => s.StartsWith("The conditional sum has 2 grid-local minima: the global ones", StringComparison.Ordinal) && !s.Contains("false"));
        Assert.Contains("Summing the conditional views removes every false minimum of the joint, keeping only the global basins.", summary.Sentences);
    }

    [Fact]
    public void The_report_shows_the_sums_tabulates_the_minima_and_the_check_point_values()
    {
        var markdown = LandscapeReport.Render(SyntheticLandscapes.Small(), "unit", "plots", ["device: cpu"]);
        Assert.Contains("![marginal sum](plots/marginal-sum.png)", markdown);
        Assert.Contains("![conditional sum](plots/conditional-sum.png)", markdown);
        Assert.Contains("| joint | -1.00 | -1.00 | 0.6931 |", markdown);
        Assert.Contains("| conditional-sum | -1.00 | 1.00 | 0.0000 |", markdown);
        Assert.Contains("- device: cpu", markdown);
        Assert.Contains("lie on the grid", markdown);
        // Joint at the check points (−1,1), (−1,−1), (0,0): 0, ln 2, min(2, ln 2 + 2) = 2.
        Assert.Contains("| joint | 0.0000 | 0.6931 | 2.0000 |", markdown);
        // cos²30° = 0.75 of the joint.
        Assert.Contains("| marginal 30° | 0.0000 | 0.5199 | 1.5000 |", markdown);
    }

    [Fact]
    public void Off_grid_check_points_are_reported_at_the_nearest_grid_points()
    {
        var markdown = LandscapeReport.Render(SyntheticLandscapes.Small(points: 20), "unit", "plots");
        Assert.Contains("not grid points for this grid", markdown);
        Assert.Contains("KL at (-0.95, 0.95)", markdown);
    }

    [Fact]
    public void A_run_folder_appears_complete_with_every_output_and_no_staging_left()
    {
        var target = Path.Combine(_folder, "run");
        var output = LandscapeRunWriter.Write(SyntheticLandscapes.Small(points: 5), target, "unit", "a = 1\n");
        Assert.Equal(Path.GetFullPath(target), output.Folder);
        foreach (var file in new[] { "config.conf", "landscape.csv", "report.md", "plots/joint.png", "plots/conditional-sum.png" })
            Assert.True(File.Exists(Path.Combine(target, file)), file);
        Assert.Equal(3 + 9, output.Files.Count);
        Assert.Equal(["run"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
        Assert.Contains("(-1.00, 1.00)", File.ReadAllText(Path.Combine(target, "report.md")));
    }

    [Fact]
    public void A_cancelled_run_leaves_neither_the_folder_nor_its_staging_behind()
    {
        var target = Path.Combine(_folder, "run");
        using var cancel = new CancellationTokenSource();
        // Cancel once the first heatmaps are drawn: files exist in staging at that moment.
        var progress = new CallbackProgress(p => { if (p > 0.3) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            LandscapeRunWriter.Write(SyntheticLandscapes.Small(points: 7), target, "unit", null, null, progress, cancel.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void A_staged_folder_is_invisible_until_committed_and_refuses_an_occupied_target()
    {
        var target = Path.Combine(_folder, "out");
        using (var staged = StagedFolder.Create(target))
        {
            File.WriteAllText(Path.Combine(staged.StagingPath, "a.txt"), "x");
            Assert.False(Directory.Exists(target));
            Assert.Equal(_folder, Path.GetDirectoryName(staged.StagingPath));
            staged.Commit();
        }
        Assert.Equal("x", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Throws<IOException>(() => StagedFolder.Create(target));

        var empty = Path.Combine(_folder, "empty");
        Directory.CreateDirectory(empty);
        using (var staged = StagedFolder.Create(empty))
        {
            File.WriteAllText(Path.Combine(staged.StagingPath, "b.txt"), "y");
            staged.Commit();
        }
        Assert.True(File.Exists(Path.Combine(empty, "b.txt")));
        Assert.Equal(["empty", "out"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    private sealed class CallbackProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
