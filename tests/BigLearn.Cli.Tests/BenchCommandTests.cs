using System.Text.RegularExpressions;

namespace BigLearn.Cli.Tests;

/// <summary><c>biglearn bench</c> at a tiny size: what it reports, not how fast (timings are for the notes, not for tests).</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_reports_both_paths_on_the_same_parameters_and_every_population_size()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, Cli.Run(["bench", "--tasks", "2", "--actor-tasks", "50", "--gan-steps", "1"], output, error));
        var text = output.ToString();
        Assert.Equal("", error.ToString());
        Assert.Matches(@"plain Trainer\.RunSequence : +\d+(\.\d)? steps/s", text);
        Assert.Matches(@"actors, 1 agent, lockstep : +\d+(\.\d)? steps/s", text);
        Assert.Contains("(same final parameters: yes)", text); // the actors ran exactly the plain loop's work
        foreach (var label in new[] { "cooperative batch B = 4", "cooperative batch B = 16", "11 replicas at once", "ledger: J every task", "ledger + 1 baseline probe" })
            Assert.Matches(Regex.Escape(label) + @" +: +\d+\.\d task-steps/s, \d+\.\d\d × plain", text);
        Assert.Matches(@"BigLearn-GAN step, default settings \(1 steps\): \d+\.\d ms with 1 thread, \d+\.\d ms with 2 \(\d+\.\d\d×\)", text);
        Assert.Matches(@"GAN ledger J \(completion-fid, 256 images\), 1 thread: \d+\.\d ms per evaluation = \d+\.\d\d steps \(of \d+\.\d ms timed beside it\)", text);
        var rows = Regex.Matches(text, @"^ +(\d+) +(\d+) +(\d+) +(\d+\.\d\d)? +(\d+)\r?$", RegexOptions.Multiline).ToArray();
        Assert.Equal([1, 100, 1000, 10000], rows.Select(m => int.Parse(m.Groups[1].Value)));
        // At least 50 tasks (--actor-tasks) and 20 per agent, so large populations are timed in their steady flow.
        Assert.Equal([50, 2000, 20_000, 200_000], rows.Select(m => int.Parse(m.Groups[2].Value)));
        Assert.Equal(["", "1.00"], rows.Take(2).Select(m => m.Groups[4].Value)); // ratios against 100 agents start there
    }

    [Theory]
    [InlineData("--tasks", "0", "biglearn: --tasks 0: not allowed (at least 1)")]
    [InlineData("--actor-tasks", "-3", "biglearn: --actor-tasks -3: not allowed (at least 1)")]
    [InlineData("--gan-steps", "0", "biglearn: --gan-steps 0: not allowed (at least 1)")]
    public void A_bad_size_exits_2_with_one_line(string option, string value, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, Cli.Run(["bench", option, value], new StringWriter(), error));
        Assert.Equal(expected, error.ToString().TrimEnd());
    }
}
