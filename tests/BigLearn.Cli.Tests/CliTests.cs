namespace BigLearn.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0].TrimEnd('\r');
    }

    private string Config(string text)
    {
        var path = Path.Combine(_folder, "tiny.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void An_unknown_command_exits_2_with_one_line_naming_it()
    {
        var (code, output, error) = Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("biglearn: Unrecognized command or argument 'frobnicate'. (try biglearn --help)", SingleLine(error));
        Assert.Equal("", output);
    }

    [Fact]
    public void No_command_at_all_exits_2_with_one_line()
    {
        var (code, _, error) = Run();
        Assert.Equal(2, code);
        Assert.StartsWith("biglearn: ", SingleLine(error));
    }

    [Fact]
    public void A_missing_config_file_exits_2_naming_the_file()
    {
        var missing = Path.Combine(_folder, "missing.conf");
        var (code, _, error) = Run("landscape", missing);
        Assert.Equal(2, code);
        Assert.Equal($"biglearn: {missing}: no such config file", SingleLine(error));
    }

    [Fact]
    public void A_missing_config_argument_exits_2_pointing_at_the_commands_help()
    {
        var (code, _, error) = Run("landscape");
        Assert.Equal(2, code);
        Assert.EndsWith("(try biglearn landscape --help)", SingleLine(error));
    }

    [Theory]
    [InlineData("grid.points", "--set grid.points: malformed override")]
    [InlineData("grid.points=-3", "(--set): grid.points = -3 is not allowed (an integer in [2, 2000])")]
    [InlineData("grid.pionts=5", "(--set): unknown key grid.pionts = 5 (did you mean grid.points?)")]
    public void A_bad_set_exits_2_with_one_line_and_creates_no_output_folder(string set, string expected)
    {
        var outDir = Path.Combine(_folder, "out");
        var (code, output, error) = Run("landscape", Config("samples = 50"), "--set", set, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains(expected, SingleLine(error));
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(["tiny.conf"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
        Assert.Equal("", output);
    }

    [Fact]
    public void An_occupied_output_folder_is_refused_before_any_work()
    {
        var outDir = Path.Combine(_folder, "taken");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "mine");
        var (code, _, error) = Run("landscape", Config("samples = 50"), "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("already exists and is not empty", SingleLine(error));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Help_lists_the_landscape_command_and_its_options()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("landscape", output);
        (code, output, _) = Run("landscape", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--set", output);
        Assert.Contains("--out", output);
    }
}
