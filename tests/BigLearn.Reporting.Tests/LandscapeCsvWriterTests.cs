using System.Globalization;
using BigLearn.Core.Landscapes;
using BigLearn.Reporting.Landscapes;

namespace BigLearn.Reporting.Tests;

public sealed class LandscapeCsvWriterTests
{
    [Fact]
    public void The_csv_has_the_exact_header_and_one_row_per_view_and_grid_point_including_the_formed_sums()
    {
        var result = SyntheticLandscapes.Small(points: 5);
        var text = new StringWriter();
        LandscapeCsvWriter.Write(result, text);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("view,angle_deg,y2,mu1,mu2,kl", lines[0]);
        // 1 joint + 2 marginals + 4 conditionals stored, + 2 sums formed = 9 surfaces of 5×5 points.
        Assert.Equal(1 + 9 * 25, lines.Length);
        var views = lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray();
        Assert.Equal(["joint", "marginal", "conditional", "marginal-sum", "conditional-sum"], views);
    }

    [Fact]
    public void Every_value_parses_back_exactly_and_angle_and_y2_are_empty_where_they_do_not_apply()
    {
        var result = SyntheticLandscapes.Small(points: 7);
        var text = new StringWriter();
        LandscapeCsvWriter.Write(result, text);
        var rows = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToArray();

        foreach (var row in rows)
        {
            Assert.Equal(6, row.Length);
            var mu1 = double.Parse(row[3], CultureInfo.InvariantCulture);
            var mu2 = double.Parse(row[4], CultureInfo.InvariantCulture);
            var kl = double.Parse(row[5], CultureInfo.InvariantCulture);
            var angle = row[1] == "" ? (double?)null : double.Parse(row[1], CultureInfo.InvariantCulture);
            var y2 = row[2] == "" ? (double?)null : double.Parse(row[2], CultureInfo.InvariantCulture);
            double expected = row[0] switch
            {
                "joint" => SyntheticLandscapes.Joint(mu1, mu2),
                "marginal" => Math.Pow(Math.Cos(angle!.Value * Math.PI / 180), 2) * SyntheticLandscapes.Joint(mu1, mu2),
                "conditional" => (1 + y2!.Value * y2.Value) * SyntheticLandscapes.GlobalOnly(mu1, mu2),
                "marginal-sum" => (1 + 0.75) * SyntheticLandscapes.Joint(mu1, mu2),
                _ => 2 * (1.25 + 1.0625) * SyntheticLandscapes.GlobalOnly(mu1, mu2),
            };
            var exact = row[0] is "joint" or "marginal" or "conditional";
            if (exact) Assert.Equal(expected, kl); // round-trip formatting loses nothing
            else Assert.Equal(expected, kl, 1e-12);
            Assert.Equal(row[0] is "marginal" or "conditional", angle is not null);
            Assert.Equal(row[0] is "conditional", y2 is not null);
        }
    }
}
