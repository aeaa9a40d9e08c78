using System.Text;
using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Tests;

/// <summary>
/// Text that Akka's HOCON parser cannot survive (it recurses once per level of nesting, and loops forever on some
/// characters inside [ ]) or that its results cannot be read back from is refused first, in one line naming the file
/// (and the line); found by the config fuzz (tests/BigLearn.Cli.Tests/ConfigFuzzTests.cs).
/// </summary>
public sealed class ConfigParserSafetyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-config-safety-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(byte[] bytes, string name = "exp.conf")
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private string File(string text, string name = "exp.conf") => File(Encoding.UTF8.GetBytes(text), name);

    private static string Refused(string path) => Assert.Throws<ConfigException>(() => ConfigSource.Load(path)).Message;

    private static string Nested(string open, string close, int levels) =>
        "deep " + string.Concat(Enumerable.Repeat(open, levels)) + "= 1 " + string.Concat(Enumerable.Repeat(close, levels)) + "\n";

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)] // without the limit: a stack overflow, which ends the process
    public void Braces_nested_deeper_than_the_limit_are_refused_naming_the_file_line_and_limit(int levels)
    {
        var path = File("seed = 1\n" + Nested("{ a ", "} ", levels));
        var message = Refused(path);
        Assert.StartsWith($"{path}:2: deep {{ a {{ a ", message);
        Assert.EndsWith($"is not allowed (at most {ConfigIncludes.MaxNesting} levels of nesting: {{ }}, [ ] and the parts of dotted keys together)", message);
        Assert.True(message.Length < 400, message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Brackets_and_dotted_keys_count_towards_the_nesting_limit(int form)
    {
        var over = ConfigIncludes.MaxNesting + 1;
        var half = string.Join('.', Enumerable.Repeat("a", over / 2 + 1));
        var text = form switch
        {
            0 => "x = " + new string('[', over) + new string(']', over),
            1 => string.Join('.', Enumerable.Repeat("a", over + 1)) + " = 1",
            2 => string.Join('.', Enumerable.Repeat("\"a\"", over + 1)) + " = 1",
            // Dotted keys count with the braces they open, across '=' and line breaks.
            3 => $"{half} = {{\n {half} = 1 }}",
            _ => $"{half}\n{{\n {half} = 1 }}",
        };
        Assert.Contains($"is not allowed (at most {ConfigIncludes.MaxNesting} levels of nesting", Refused(File(text)));
    }

    [Fact]
    public void Nesting_at_the_limit_parses_on_a_small_stack_and_flat_dotted_keys_and_decimals_do_not_count()
    {
        var deep = Nested("{ a ", "} ", ConfigIncludes.MaxNesting - 1);
        var flat = string.Concat(Enumerable.Range(0, 200).Select(i => $"k{i}.x.y = 0.5\n")) + "list = [" + string.Join(", ", Enumerable.Range(0, 200).Select(i => $"{i}.5")) + "]\n";
        var path = File(deep + flat);
        // The parser recurses per level: the limit leaves room even on a thread with a 256 KB stack.
        ConfigSource? source = null;
        var thread = new Thread(() => source = ConfigSource.Load(path), maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.NotNull(source);
        Assert.Contains("deep" + string.Concat(Enumerable.Repeat(".a", ConfigIncludes.MaxNesting - 1)), source.Keys);
        Assert.Contains("k199.x.y", source.Keys);
    }

    [Theory]
    [InlineData("a = [0\nb = 7\n, 1]\n", 2, '=')] // without the check: the parser loops forever, allocating (1.5 GB in 10 s)
    [InlineData("a = [1, ?]\n", 1, '?')]
    [InlineData("a = [\n  1\n  x : 2\n]\n", 3, ':')]
    [InlineData("a = [ * ]\n", 1, '*')]
    [InlineData("a = [ $ ]\n", 1, '$')]
    public void A_character_inside_brackets_that_starts_no_value_is_refused_naming_the_line(string text, int line, char c)
    {
        var path = File(text);
        var message = Refused(path);
        Assert.StartsWith($"{path}:{line}: ", message);
        Assert.EndsWith($"is not allowed (a '{c}' inside [ ] starts no value: a list holds values separated by commas)", message);
    }

    [Fact]
    public void Objects_and_strings_inside_brackets_may_hold_those_characters()
    {
        var source = ConfigSource.Load(File("a = [{ x = 1 }, \"y = ?\"]\n"));
        Assert.Equal("[{...}, y = ?]", source.RawText("a"));
    }

    [Fact]
    public void A_bracket_closed_by_the_other_kind_is_refused()
    {
        var path = File("a = [ 1 }\n");
        Assert.Equal($"{path}:1: not valid HOCON (a '}}' that closes a '[')", Refused(path));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'=', (byte)'1', 0, (byte)'\n' }, 1, "control character U+0000")]
    [InlineData(new byte[] { (byte)'a', (byte)'=', (byte)'1', (byte)'\n', 0x1B, (byte)'[', (byte)'3', (byte)'1', (byte)'m', (byte)'\n' }, 2, "control character U+001B")]
    [InlineData(new byte[] { (byte)'\n', (byte)'\n', (byte)'a', (byte)'=', 0xC3, 0x28, (byte)'\n' }, 3, "invalid UTF-8")]
    [InlineData(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 }, 1, "control character U+007F")]
    public void A_binary_file_is_refused_as_not_a_text_file(byte[] bytes, int line, string why)
    {
        var path = File(bytes);
        Assert.Equal($"{path}:{line}: not a text file ({why}; a config file is UTF-8 text)", Refused(path));
    }

    [Fact]
    public void Byte_order_marks_and_crlf_are_text()
    {
        var text = "seed = 7\r\ngrid {\r\n  points = 9\r\n}\r\n";
        foreach (var bytes in new byte[][]
                 {
                     [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
                     [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
                     [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
                 })
        {
            var source = ConfigSource.Load(File(bytes));
            Assert.Equal((7, 9), (source.GetInt("seed", 0, 0, 100), source.GetInt("grid.points", 0, 0, 100)));
        }
    }

    [Theory]
    [InlineData("a.\"b.c\" = 1\n", "b.c")] // without the check: a NullReferenceException (exit code 1)
    [InlineData("\"\" = 1\n", "")]
    [InlineData("a { \"x.y\" { b = 1 } }\n", "x.y")]
    public void A_key_name_a_dotted_path_cannot_name_is_refused(string text, string name)
    {
        var path = File(text);
        Assert.Equal($"{path}: the key \"{name}\" is not allowed (a key name is not empty and holds no '.'; a '.' or {{ }} nests keys)", Refused(path));
    }

    [Fact]
    public void A_very_long_key_or_value_is_cut_in_the_message()
    {
        var source = ConfigSource.Load(File($"seed = {new string('9', 500_000)}\n{new string('k', 500_000)} = 1\n"));
        var value = Assert.Throws<ConfigException>(() => source.GetInt("seed", 0, 0, 10)).Message;
        Assert.EndsWith($"seed = {new string('9', ConfigSource.MaxShown - 20)}... (500000 characters) is not allowed (an integer in [0, 10])", value);
        var key = Assert.Throws<ConfigException>(() => source.RequireKnownKeys(["seed"])).Message;
        Assert.Contains($"unknown key {new string('k', ConfigSource.MaxShown - 20)}... (500000 characters) = 1 (known keys: seed)", key);
    }

    [Fact]
    public void A_key_longer_than_the_suggesters_limit_gets_no_suggestion()
    {
        // A group named by a long line of junk makes known keys as long as the key: without the limit, the edit distance
        // of two 200,000-character keys (found by the fuzz) ran for minutes.
        var name = new string('x', 5_000);
        Assert.Null(KeySuggester.Nearest($"groups.{name}", [$"groups.{name}.stop", "budget"]));
        Assert.Equal("groups.joint.stop", KeySuggester.Nearest("groups.joint.stp", ["groups.joint.stop", "budget"]));
    }

    [Fact]
    public void Text_longer_than_a_file_may_be_is_refused()
    {
        var message = Assert.Throws<ConfigException>(() => ConfigSource.Parse(new string('#', (int)ConfigIncludes.MaxBytes + 1), "big.conf")).Message;
        Assert.Equal($"big.conf: {ConfigIncludes.MaxBytes + 1} characters is not allowed (a config file may have at most {ConfigIncludes.MaxBytes} bytes)", message);
    }
}
