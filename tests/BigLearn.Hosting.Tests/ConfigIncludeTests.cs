using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Tests;

/// <summary><c>include "x.conf"</c> and what is refused before Akka's HOCON parser sees a file (ConfigIncludes).</summary>
public sealed class ConfigIncludeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-include-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static ConfigException Refused(string path) => Assert.Throws<ConfigException>(() => ConfigSource.Load(path));

    [Fact]
    public void A_file_builds_on_an_included_one_and_its_own_keys_win()
    {
        File("base.conf", "budget = 100\nseed = 888\nmodel {\n  learning-rate = 0.1\n  components = 25\n}\n");
        var path = File("variant.conf", "# a variant\ninclude \"base.conf\"   # the base\nbudget = 200\nmodel.components = 9\n");

        var source = ConfigSource.Load(path);

        Assert.Equal(200, source.GetInt("budget", 0, 0, 1000));
        Assert.Equal(888, source.GetInt("seed", 0, 0, 1000));
        Assert.Equal(0.1, source.GetDouble("model.learning-rate", 0, 0, 1));
        Assert.Equal(9, source.GetInt("model.components", 0, 0, 100));
        // A message about a key names the file that set it.
        Assert.Equal(path, source.Where("budget"));
        Assert.Equal(Path.Combine(_folder, "base.conf"), source.Where("seed"));
        Assert.StartsWith($"{Path.Combine(_folder, "base.conf")}: model.learning-rate = 0.1 is not allowed",
            Assert.Throws<ConfigException>(() => source.GetDouble("model.learning-rate", 0, 0.5, 1)).Message);
        // The resolved text holds every key once, includes applied, and the experiment is named after the variant.
        Assert.Contains("seed : 888\n", source.ResolvedText);
        Assert.Contains("budget : 200\n", source.ResolvedText);
        Assert.DoesNotContain("include", source.ResolvedText);
    }

    [Fact]
    public void The_experiment_is_named_after_the_file_named_on_the_command_line_not_the_included_one()
    {
        File("study.conf", "samples = 500\ngrid.points = 40\n");
        var config = LandscapeConfig.Load(File("my-study.conf", "include \"study.conf\"\ngrid.points = 7\n"));
        Assert.Equal(("my-study", 500, 7), (config.Experiment, config.Spec.Samples, config.Spec.GridPoints));
    }

    [Fact]
    public void Includes_nest_relative_to_the_including_file_and_may_name_a_subfolder()
    {
        File("sub/deep/leaf.conf", "seed = 5\n");
        File("sub/middle.conf", "include \"deep/leaf.conf\"\nbudget = 7\n");
        var path = File("top.conf", "include \"sub/middle.conf\"\n");

        var source = ConfigSource.Load(path);

        Assert.Equal((5, 7), (source.GetInt("seed", 0, 0, 10), source.GetInt("budget", 0, 0, 10)));
        Assert.Equal(Path.Combine(_folder, "sub", "deep", "leaf.conf"), source.Where("seed"));
    }

    [Fact]
    public void Null_removes_an_included_key_and_replaces_an_included_object()
    {
        File("base.conf", "evaluation {\n  every = 500\n  samples = 100\n}\ngroups {\n  a {\n    count = 1\n  }\n  b {\n    count = 2\n  }\n}\n");
        var path = File("v.conf", "include \"base.conf\"\nevaluation.every = null\ngroups = null\ngroups {\n  c {\n    count = 3\n  }\n  b {\n    count = 4\n  }\n}\n");

        var source = ConfigSource.Load(path);

        Assert.False(source.Has("evaluation.every"));
        Assert.Equal(42, source.GetInt("evaluation.every", 42, 0, 1000)); // the default
        Assert.Equal(100, source.GetInt("evaluation.samples", 0, 0, 1000));
        Assert.Equal(["c", "b"], source.ChildNames("groups", "groups"));   // only the variant's groups, in its order
        Assert.Equal(4, source.GetInt("groups.b.count", 0, 0, 10));
        Assert.DoesNotContain("every", source.ResolvedText);
    }

    [Theory]
    [InlineData("include \"../outside.conf\"", "include \"../outside.conf\" is not allowed (the file must be in ")]
    [InlineData("include \"/etc/passwd\"", "include \"/etc/passwd\" is not allowed (the file must be in ")]
    [InlineData("include \"sub/../../outside.conf\"", "include \"sub/../../outside.conf\" is not allowed (the file must be in ")]
    [InlineData("include \"\"", "include \"\" is not allowed (the file must be in ")]
    [InlineData("include \"missing.conf\"", "include \"missing.conf\": no such config file")]
    public void An_include_outside_the_files_folder_or_of_a_missing_file_is_refused_in_one_line(string statement, string expected)
    {
        var inner = Directory.CreateDirectory(Path.Combine(_folder, "inner")).FullName;
        System.IO.File.WriteAllText(Path.Combine(_folder, "outside.conf"), "seed = 1\n");
        var path = Path.Combine(inner, "exp.conf");
        System.IO.File.WriteAllText(path, $"budget = 10\n{statement}\n");

        var error = Refused(path);

        Assert.StartsWith($"{path}:2: {expected}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_link_that_leads_outside_the_folder_is_refused()
    {
        var inner = Directory.CreateDirectory(Path.Combine(_folder, "inner")).FullName;
        var outside = File("secret.conf", "seed = 1\n");
        System.IO.File.CreateSymbolicLink(Path.Combine(inner, "link.conf"), outside);
        var path = Path.Combine(inner, "exp.conf");
        System.IO.File.WriteAllText(path, "include \"link.conf\"\n");

        Assert.Contains($"include \"link.conf\" is not allowed (it links to {outside}", Refused(path).Message);
    }

    [Fact]
    public void A_cycle_is_refused_naming_it()
    {
        var a = File("a.conf", "include \"b.conf\"\n");
        File("b.conf", "seed = 1\ninclude \"a.conf\"\n");

        var error = Refused(a);

        Assert.Equal($"{Path.Combine(_folder, "b.conf")}:2: include \"a.conf\" is not allowed (a cycle: {a} -> {Path.Combine(_folder, "b.conf")} -> {a})", error.Message);
        Assert.Contains("a cycle: ", Refused(File("self.conf", "include \"self.conf\"\n")).Message);
    }

    [Fact]
    public void Includes_go_at_most_eight_levels_deep()
    {
        // f0 includes f1, ..., f(n-1) includes fn: n levels.
        string Chain(int levels, string prefix)
        {
            for (var i = 0; i <= levels; i++)
                File($"{prefix}{i}.conf", i < levels ? $"include \"{prefix}{i + 1}.conf\"\n" : "seed = 3\n");
            return Path.Combine(_folder, $"{prefix}0.conf");
        }

        Assert.Equal(3, ConfigSource.Load(Chain(ConfigIncludes.MaxDepth, "ok")).GetInt("seed", 0, 0, 10));
        var error = Refused(Chain(ConfigIncludes.MaxDepth + 1, "deep"));
        Assert.StartsWith($"{Path.Combine(_folder, "deep8.conf")}:1: include \"deep9.conf\" is not allowed (at most 8 levels of includes: ", error.Message);
    }

    [Fact]
    public void An_included_file_above_one_megabyte_is_refused()
    {
        File("big.conf", "# " + new string('x', 1024 * 1024) + "\nseed = 1\n");
        var path = File("exp.conf", "include \"big.conf\"\n");

        var error = Refused(path);

        Assert.StartsWith($"{path}:1: include \"big.conf\" is not allowed (", error.Message);
        Assert.Contains("a config file may have at most 1048576 bytes", error.Message);
    }

    [Theory]
    [InlineData("budget = ${?HOME}")]
    [InlineData("budget = ${budget}")]
    [InlineData("model { components = ${n} }")]
    [InlineData("name = \"a\" ${x}")]
    public void A_substitution_is_refused_before_the_parser_sees_it_naming_the_file_and_line(string line)
    {
        // Handed to Akka's parser, ${?HOME} grows memory until the process dies and ${budget} overflows the stack.
        var path = File("exp.conf", $"seed = 1\n{line}   # a comment\n");

        var error = Refused(path);

        Assert.Equal($"{path}:2: {line}   # a comment is not allowed (substitutions ${{...}} and ${{?...}} are not supported: " +
            "write the value itself, or include \"FILE.conf\" and override its keys)", error.Message);
    }

    [Fact]
    public void A_substitution_in_an_included_file_names_that_file()
    {
        var base_ = File("base.conf", "seed = 1\n\nbudget = ${?HOME}\n");
        var error = Refused(File("exp.conf", "include \"base.conf\"\n"));
        Assert.StartsWith($"{base_}:3: budget = ${{?HOME}} is not allowed (substitutions", error.Message);
    }

    [Fact]
    public void Dollar_braces_inside_quoted_strings_and_comments_are_plain_text()
    {
        var path = File("exp.conf", "a = \"cost ${x} \\\" ${y}\"\n# ${z} in a comment\n// ${w} too\nb = \"\"\"triple ${v}\n\"quoted\" ${u}\"\"\"\nc = 2 # include \"nowhere.conf\"\n");

        var source = ConfigSource.Load(path);

        Assert.Equal("cost ${x} \" ${y}", source.RawText("a"));
        Assert.Equal("triple ${v}\n\"quoted\" ${u}", source.RawText("b"));
        Assert.Equal(2, source.GetInt("c", 0, 0, 10));
    }

    [Theory]
    [InlineData("include file(\"base.conf\")")]
    [InlineData("include url(\"http://example.org/x.conf\")")]
    [InlineData("include classpath(\"base.conf\")")]
    [InlineData("include required(\"base.conf\")")]
    [InlineData("include base.conf")]
    public void Include_forms_other_than_a_quoted_file_name_are_refused(string statement)
    {
        File("base.conf", "seed = 1\n");
        var path = File("exp.conf", $"{statement}\n");

        var error = Refused(path);

        Assert.Equal($"{path}:1: {statement} is not allowed (only include \"FILE.conf\" on its own line, FILE.conf in this file's folder or below it)", error.Message);
    }

    [Fact]
    public void An_include_inside_braces_is_refused()
    {
        File("base.conf", "seed = 1\n");
        var path = File("exp.conf", "model {\n  include \"base.conf\"\n}\n");
        Assert.Equal($"{path}:2: include \"base.conf\" is not allowed inside {{ }} or [ ] (only at the top level of a file)", Refused(path).Message);
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file()
    {
        var base_ = File("base.conf", "model {\n  components = 25\n");
        // Akka's parser would accept the unclosed brace and put the including file's seed into model.
        var error = Refused(File("exp.conf", "include \"base.conf\"\nseed = 1\n"));
        Assert.Equal($"{base_}: not valid HOCON (1 '{{' or '[' not closed at the end of the file)", error.Message);
        var stray = File("stray.conf", "seed = 1\n}\nbudget = 2\n");
        Assert.Equal($"{stray}:2: not valid HOCON (a '}}' that closes nothing)", Refused(stray).Message);
    }
}
