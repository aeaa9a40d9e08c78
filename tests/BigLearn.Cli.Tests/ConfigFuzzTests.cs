using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace BigLearn.Cli.Tests;

/// <summary>Runs the config fuzz alone, so that its timings and memory figures are its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConfigFuzzCollection
{
    public const string Name = "ConfigFuzz";
}

/// <summary>
/// Hostile config files made from the shipped ones (configs/*.conf) through <c>biglearn validate FILE</c>, in process:
/// every key of every shipped config replaced by a hostile value, deleted and duplicated (a deterministic sweep), then
/// random combinations (CsCheck, time-boxed) that add unknown keys, includes of every kind, substitutions, deep
/// nesting, huge and non-finite numbers, very long lines, binary junk, NUL bytes, truncation, BOMs and CRLF.
/// Every case must end within <see cref="CaseBound"/> with exit code 0 (and nothing on stderr) or 2 (and exactly one
/// line <c>biglearn: …</c>), write nothing, and the process's memory must stay bounded.
/// A failure prints CsCheck's seed; rerun it with <c>BIGLEARN_FUZZ_SEED=&lt;seed&gt;</c> (or CsCheck_Seed);
/// <c>BIGLEARN_FUZZ_SECONDS</c> runs the random part longer.
/// </summary>
[Collection(ConfigFuzzCollection.Name)]
public sealed partial class ConfigFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>A liveness bound per case (a validate takes milliseconds), not a performance target.</summary>
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(5);

    /// <summary>How long a case may run before it is reported as a hang (the test then fails rather than waits).</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    /// <summary>Seconds of random cases; with the sweep the two tests stay within about 30 s on 2 cores.</summary>
    private const int RandomSeconds = 18;

    /// <summary>Generous bounds on the growth of the process's working set and of the managed heap.</summary>
    private const long WorkingSetBound = 500L << 20, HeapBound = 64L << 20;

    private readonly string _root = Directory.CreateTempSubdirectory("biglearn-config-fuzz-").FullName;
    private Stats _stats = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly Lazy<(string Name, string Text)[]> Shipped = new(() =>
    {
        var folder = Path.GetDirectoryName(ValidationTests.SmokeConfig())!;
        return Directory.GetFiles(folder, "*.conf").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToArray();
    });

    // ---- the values a key may be given ----

    private static readonly string LongWord = new('x', 200_000);

    /// <summary>Hostile values: huge, tiny, non-finite and malformed numbers, empty and very long strings, objects, lists, booleans, null, unicode, quotes, substitutions.</summary>
    private static readonly string[] Pool =
    [
        "1e300", "-1e300", "1e-300", "1e309", "99999999999999999999999999999", "-9223372036854775809", "9223372036854775807",
        "-1", "0", "-0", "0.5", "NaN", "nan", "Infinity", "-Infinity", "+Infinity", "inf", "0x10", "1_000", "1,5", "1e", ".",
        "\"\"", "", "   ", "\"" + new string('y', 100_000) + "\"", LongWord, "{ }", "{ x = 1 }", "{ a { b { c = 1 } } }",
        "[ ]", "[1, 2, 3]", "[[1], [2]]", "[NaN, Infinity]", "[\"a\", { b = 1 }]", "true", "false", "null", "on", "off",
        "\"ünïcödé ✓ 日本語 😀\"", "ünïcödé", "\"\u202Eevil\u202C\"", "a\u2028b", "x\u0085y", "\"a\\\"b\"", "'single'",
        "\"unterminated", "\"\"\"triple\nquoted\"\"\"", "\"\"\"unterminated", "\"\\u0000\"", "\"\\uD800\"",
        "${x}", "${?HOME}", "${budget}", "${?budget}", "\"${x}\"", "a ${x} b", "= = =", "::", "# only a comment", "// x",
        "include \"gmm25-biglearn.conf\"", "1 2 3", "\"a\" \"b\"", "{ } { }", "[1] [2]", "budget", "\\", "0..0.9",
    ];

    private static readonly string[] Includes =
    [
        "include \"gmm25-biglearn.conf\"", "include \"no-such.conf\"", "include \"/etc/passwd\"", "include \"../configs/gmm25-smoke.conf\"",
        "include \"sub/../../x.conf\"", "include \"SELF\"", "include \"sub/inner.conf\"", "include \"sub/loop.conf\"",
        "include \"link.conf\"", "include \"big.conf\"", "include \"binary.conf\"", "include url(\"http://localhost/x.conf\")",
        "include file(\"gmm25-biglearn.conf\")", "include classpath(\"x.conf\")", "include required(\"gmm25-biglearn.conf\")",
        "include \"\"", "include", "include \"a\" \"b\"", "include \"\\\"quoted\\\".conf\"", "x { include \"gmm25-biglearn.conf\" }",
    ];

    // ---- mutations ----

    /// <summary>One change to a config's text, applied in order; sites are the <c>key = value</c> and <c>key {</c> of the current text.</summary>
    private abstract record Mutation
    {
        public abstract string Apply(string text);
        public abstract string Describe();
    }

    private sealed record Replace(int Site, string Value) : Mutation
    {
        public override string Apply(string text) => SiteAt(text, Site) is { } s ? text[..s.ValueStart] + Value + text[s.End..] : text;
        public override string Describe() => $"replace site {Site} by {Short(Value)}";
    }

    private sealed record Delete(int Site) : Mutation
    {
        public override string Apply(string text) => SiteAt(text, Site) is { } s ? text[..s.Start] + text[s.End..] : text;
        public override string Describe() => $"delete site {Site}";
    }

    private sealed record Duplicate(int Site, bool Other) : Mutation
    {
        public override string Apply(string text)
        {
            if (SiteAt(text, Site) is not { } s) return text;
            var copy = text[s.Start..s.End];
            if (Other) copy = copy[..(s.ValueStart - s.Start)] + "7";
            return text[..s.End] + "\n" + copy + "\n" + text[s.End..];
        }
        public override string Describe() => $"duplicate site {Site}{(Other ? " with another value" : "")}";
    }

    private sealed record Insert(int Site, string Line) : Mutation
    {
        public override string Apply(string text)
        {
            if (Site < 0 || SiteAt(text, Site) is not { } s) return Line + "\n" + text;
            return text[..s.End] + "\n" + Line + "\n" + text[s.End..];
        }
        public override string Describe() => $"insert {Short(Line)} after site {Site}";
    }

    private sealed record Nest(int Levels, int Style) : Mutation
    {
        public override string Apply(string text)
        {
            var b = new StringBuilder(text.Length + Levels * 6).Append(text).Append('\n');
            switch (Style)
            {
                case 0: b.Append("deep "); for (var i = 0; i < Levels; i++) b.Append("{ a "); b.Append("= 1 "); for (var i = 0; i < Levels; i++) b.Append("} "); break;
                case 1: b.Append("deep = ").Append('[', Levels).Append(']', Levels); break;
                case 2: b.Append(string.Join('.', Enumerable.Repeat("a", Levels))).Append(" = 1"); break;
                case 3: b.Append("deep = "); for (var i = 0; i < Levels; i++) b.Append(i % 2 == 0 ? "{ a : " : "[ "); b.Append('1'); for (var i = Levels - 1; i >= 0; i--) b.Append(i % 2 == 0 ? " }" : " ]"); break;
                case 4: b.Append("deep ").Append('{', Levels); break; // unclosed
                case 5: b.Append(string.Join('.', Enumerable.Repeat("\"a\"", Levels))).Append(" = 1"); break;
                default: b.Append('}', Levels); break; // closing nothing
            }
            return b.ToString();
        }
        public override string Describe() => $"nest {Levels} levels (style {Style})";
    }

    private sealed record LongLine(int Length, bool Comment) : Mutation
    {
        public override string Apply(string text) => text + "\n" + (Comment ? "# " : "long-key = ") + new string('z', Length) + "\n";
        public override string Describe() => $"a line of {Length} characters{(Comment ? " (a comment)" : "")}";
    }

    private sealed record Truncate(double Fraction) : Mutation
    {
        public override string Apply(string text) => text[..(int)(text.Length * Fraction)];
        public override string Describe() => $"truncate at {Fraction:P0}";
    }

    private sealed record DeleteLine(int Line) : Mutation
    {
        public override string Apply(string text)
        {
            var lines = text.Split('\n').ToList();
            lines.RemoveAt(Mod(Line, lines.Count));
            return string.Join('\n', lines);
        }
        public override string Describe() => $"delete line {Line}";
    }

    /// <summary>A change to the bytes written (after the text is encoded).</summary>
    private sealed record Bytes(int Kind, int Position, byte[] Junk)
    {
        public byte[] Apply(byte[] data)
        {
            var at = data.Length == 0 ? 0 : Mod(Position, data.Length);
            return Kind switch
            {
                0 => [.. data[..at], .. Junk, .. data[at..]],                       // binary junk
                1 => [.. data[..at], 0, .. data[at..]],                             // a NUL byte
                2 => [0xEF, 0xBB, 0xBF, .. data],                                    // UTF-8 BOM
                3 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(data))], // UTF-16 with BOM
                4 => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data).ReplaceLineEndings("\r\n")), // CRLF
                5 => [.. data, .. Enumerable.Repeat((byte)'#', 1024 * 1024 + 1 - Math.Min(data.Length, 1024 * 1024))], // over 1 MB
                6 => [.. data[..at], 0xC3, 0x28, .. data[at..]],                    // invalid UTF-8
                _ => [.. data[..at], 0x1B, (byte)'[', (byte)'3', (byte)'1', (byte)'m', .. data[at..]], // a terminal escape
            };
        }
        public string Describe() => Kind switch
        {
            0 => $"{Junk.Length} junk bytes at {Position}", 1 => $"NUL at {Position}", 2 => "UTF-8 BOM", 3 => "UTF-16",
            4 => "CRLF", 5 => "over 1 MB", 6 => $"invalid UTF-8 at {Position}", _ => $"ESC at {Position}",
        };
    }

    /// <summary>One case: a shipped config (or, with <paramref name="ThroughInclude"/>, the file that includes it), its mutations and byte changes.</summary>
    private sealed record Case(int Config, Mutation[] Mutations, Bytes[] ByteChanges, bool ThroughInclude)
    {
        public override string ToString() =>
            $"{Shipped.Value[Config % Shipped.Value.Length].Name}{(ThroughInclude ? " (mutated, validated through a file that includes it)" : "")}: " +
            string.Join("; ", Mutations.Select(m => m.Describe()).Concat(ByteChanges.Select(b => b.Describe())));
    }

    private readonly record struct Site(int Start, int ValueStart, int End);

    // key = value | key : value | key { (the value: a quoted string or the text up to a comma, brace, comment or line end)
    // (keys of at most 64 characters, so that a line of a million letters costs linear time, not quadratic)
    [GeneratedRegex("""(?m)(?<![A-Za-z0-9_.-])(?<key>[A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]*(?:(?<eq>[=:])[ \t]*(?<value>"[^"\n]*"|[^,}#\n]*)|(?<open>\{))""")]
    private static partial Regex SiteRegex();

    private static Site? SiteAt(string text, int site)
    {
        var matches = SiteRegex().Matches(text);
        if (matches.Count == 0) return null;
        var m = matches[Mod(site, matches.Count)];
        if (m.Groups["open"].Success)
        {
            // key { ... }: the value is the balanced object.
            var depth = 0;
            for (var i = m.Groups["open"].Index; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return new Site(m.Index, m.Groups["open"].Index, i + 1);
            }
            return new Site(m.Index, m.Groups["open"].Index, text.Length);
        }
        var value = m.Groups["value"];
        return new Site(m.Index, value.Index, value.Index + value.Length);
    }

    private static int Mod(int x, int n) => (int)((uint)x % (uint)n);

    private static int SiteCount(string text) => SiteRegex().Matches(text).Count;

    private static string Short(string text, int max = 40)
    {
        var s = text.Length > max ? text[..(max - 3)] + $"...({text.Length} chars)" : text;
        return s.Replace("\n", "\\n", StringComparison.Ordinal);
    }

    // ---- generators ----

    private static Gen<Mutation> MutationGen()
    {
        var site = Gen.Int[0, 200];
        return Gen.Frequency(
            (30, Gen.Select(site, Gen.OneOf(Pool), (s, v) => (Mutation)new Replace(s, v))),
            (8, site.Select(s => (Mutation)new Delete(s))),
            (8, Gen.Select(site, Gen.Bool, (s, o) => (Mutation)new Duplicate(s, o))),
            (8, Gen.Select(Gen.Int[-1, 200], Gen.OneOf("frob = 1", "model.frob = 2", "groups.x.y = 3", "zz { q = 1 }", "\"quoted key\" = 1", "a.\"b.c\" = 1"),
                (s, l) => (Mutation)new Insert(s, l))),
            (10, Gen.Select(Gen.Int[-1, 200], Gen.OneOf(Includes), (s, l) => (Mutation)new Insert(s, l))),
            (6, Gen.Select(Gen.Int[-1, 200], Gen.OneOf("budget = ${budget}", "x = ${?HOME}", "budget += 1", "x = ${x}", "a = ${b}\nb = ${a}", "budget = \"${budget}\""),
                (s, l) => (Mutation)new Insert(s, l))),
            (8, Gen.Select(Gen.Frequency((3, Gen.Int[10, 100]), (2, Gen.Int[100, 5_000]), (1, Gen.Int[5_000, 100_000])), Gen.Int[0, 6],
                (n, st) => (Mutation)new Nest(n, st))),
            (4, Gen.Select(Gen.Int[1_000, 1_100_000], Gen.Bool, (n, c) => (Mutation)new LongLine(n, c))),
            (4, Gen.Double[0, 1].Select(f => (Mutation)new Truncate(f))),
            (4, Gen.Int.Select(l => (Mutation)new DeleteLine(l))));
    }

    private static Gen<Case> CaseGen() =>
        Gen.Select(
            Gen.Int[0, 1000],
            MutationGen().Array[1, 4],
            Gen.Frequency((3, Gen.Const(Array.Empty<Bytes>())),
                (1, Gen.Select(Gen.Int[0, 7], Gen.Int, Gen.Byte.Array[1, 64], (k, p, j) => new Bytes(k, p, j)).Array[1, 2])),
            Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true))),
            (c, m, b, i) => new Case(c, m, b, i));

    // ---- running a case ----

    private sealed class Stats
    {
        public int Cases, Exit0, Exit2;
        public TimeSpan MaxCase;
        public string MaxCaseName = "";
        public long MaxWorkingSet, MaxHeap;
    }

    private void RunCase(Case c)
    {
        var shipped = Shipped.Value;
        var (name, original) = shipped[c.Config % shipped.Length];
        var text = c.Mutations.Aggregate(original, (t, m) => m.Apply(t));
        var bytes = c.ByteChanges.Aggregate(Encoding.UTF8.GetBytes(text), (d, b) => b.Apply(d));

        // The case's files sit beside the shipped configs (for includes) in the one fixture folder; see Fixture.
        var folder = Fixture();
        var id = $"case-{_stats.Cases}";
        string target;
        var written = new List<string>();
        if (c.ThroughInclude)
        {
            // The mutated text is an included file; the file validated includes it.
            written.Add(Path.Combine(folder, $"{id}-included.conf"));
            File.WriteAllBytes(written[^1], bytes);
            target = Path.Combine(folder, $"{id}.conf");
            File.WriteAllText(target, $"include \"{id}-included.conf\"\nseed = 5\n");
        }
        else
        {
            target = Path.Combine(folder, $"{id}-{name}");
            File.WriteAllBytes(target, ReplaceSelf(bytes, Path.GetFileName(target)));
        }
        written.Add(target);
        try
        {
            var before = Snapshot(folder);

            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var watch = Stopwatch.StartNew();
            // A case that never ends fails (and names itself) instead of hanging the test run.
            var run = Task.Run(() => Cli.Run(["validate", target], stdout, stderr));
            if (!run.Wait(HangBound)) throw new Xunit.Sdk.XunitException($"no exit after {HangBound.TotalSeconds:F0} s (a hang)");
            var code = run.Result;
            watch.Stop();

            _stats.Cases++;
            if (watch.Elapsed > _stats.MaxCase) (_stats.MaxCase, _stats.MaxCaseName) = (watch.Elapsed, c.ToString());
            _stats.MaxWorkingSet = Math.Max(_stats.MaxWorkingSet, Environment.WorkingSet);
            _stats.MaxHeap = Math.Max(_stats.MaxHeap, GC.GetTotalMemory(forceFullCollection: false));
            var err = stderr.ToString();
            Assert.True(code is 0 or 2, $"exit code {code}, stderr: {Short(err, 400)}");
            if (code == 0)
            {
                _stats.Exit0++;
                Assert.True(err.Length == 0, $"exit 0 with stderr: {Short(err, 400)}");
            }
            else
            {
                _stats.Exit2++;
                Assert.True(err.StartsWith("biglearn: ", StringComparison.Ordinal), $"stderr does not start with 'biglearn: ': {Short(err, 400)}");
                Assert.True(err.EndsWith('\n') && err.IndexOf('\n') == err.Length - 1 && !err.Contains('\r'), $"stderr is not one line: {Short(err, 400)}");
                Assert.True(stdout.ToString().Length == 0, $"exit 2 with stdout: {Short(stdout.ToString(), 400)}");
            }
            Assert.True(watch.Elapsed < CaseBound, $"the case took {watch.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(before, Snapshot(folder));
        }
        finally
        {
            foreach (var file in written) File.Delete(file);
        }
    }

    private string? _fixture;

    /// <summary>
    /// The folder the cases run in, made once per test: the shipped configs, a subfolder with a file and a self-include,
    /// a link that leads out of the folder, a file over 1 MB and a binary one.
    /// </summary>
    private string Fixture()
    {
        if (_fixture is not null) return _fixture;
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cases")).FullName;
        foreach (var (other, otherText) in Shipped.Value) File.WriteAllText(Path.Combine(folder, other), otherText);
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, "sub", "inner.conf"), "budget = 20\n");
        File.WriteAllText(Path.Combine(folder, "sub", "loop.conf"), "include \"loop.conf\"\n");
        File.CreateSymbolicLink(Path.Combine(folder, "link.conf"), "/etc/hostname");
        File.WriteAllText(Path.Combine(folder, "big.conf"), new string('#', 1024 * 1024 + 10));
        File.WriteAllBytes(Path.Combine(folder, "binary.conf"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 0, 0, 1, 2]);
        return _fixture = folder;
    }

    // "include "SELF"" names the file itself.
    private static byte[] ReplaceSelf(byte[] bytes, string name)
    {
        var self = "\"SELF\""u8.ToArray();
        var at = bytes.AsSpan().IndexOf(self);
        return at < 0 ? bytes : [.. bytes[..at], .. Encoding.UTF8.GetBytes($"\"{name}\""), .. ReplaceSelf(bytes[(at + self.Length)..], name)];
    }

    private static string Snapshot(string folder) =>
        string.Join("\n", new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(folder, f.FullName)} {(f is FileInfo fi && f.LinkTarget is null ? fi.Length : -1)} {f.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal));

    private (long WorkingSet, long Heap) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: true));
    }

    private void Report(string what, Stopwatch total, (long WorkingSet, long Heap) start, (long WorkingSet, long Heap) end)
    {
        const double MB = 1 << 20;
        output.WriteLine($"{what}: {_stats.Cases} cases in {total.Elapsed.TotalSeconds:F1} s ({_stats.Exit0} exit 0, {_stats.Exit2} exit 2)");
        output.WriteLine($"  slowest case: {_stats.MaxCase.TotalMilliseconds:F0} ms ({Short(_stats.MaxCaseName, 200)})");
        output.WriteLine($"  working set: {start.WorkingSet / MB:F0} MB before, peak {_stats.MaxWorkingSet / MB:F0} MB, {end.WorkingSet / MB:F0} MB after (+{(end.WorkingSet - start.WorkingSet) / MB:F0} MB)");
        output.WriteLine($"  managed heap: {start.Heap / MB:F1} MB before, peak {_stats.MaxHeap / MB:F1} MB, {end.Heap / MB:F1} MB after (+{(end.Heap - start.Heap) / MB:F1} MB)");
        Assert.True(_stats.MaxWorkingSet - start.WorkingSet < WorkingSetBound, $"the working set grew by {(_stats.MaxWorkingSet - start.WorkingSet) / MB:F0} MB");
        Assert.True(end.Heap - start.Heap < HeapBound, $"the managed heap grew by {(end.Heap - start.Heap) / MB:F1} MB");
    }

    /// <summary>
    /// Every key (and every object) of every shipped config: replaced by hostile values (the pool in turn, four per
    /// key), deleted, and duplicated (with the same value and with another).
    /// </summary>
    [Fact]
    public void EveryKeyOfEveryShippedConfigIsReplacedDeletedAndDuplicated()
    {
        RunCase(new Case(0, [], [], false)); // warm up the JIT before measuring
        _stats = new Stats();
        var start = Measure();
        var total = Stopwatch.StartNew();
        var poolAt = 0;
        for (var config = 0; config < Shipped.Value.Length; config++)
        {
            var sites = SiteCount(Shipped.Value[config].Text);
            for (var site = 0; site < sites; site++)
            {
                var mutations = new List<Mutation> { new Delete(site), new Duplicate(site, false), new Duplicate(site, true) };
                for (var k = 0; k < 4; k++) mutations.Add(new Replace(site, Pool[poolAt++ % Pool.Length]));
                foreach (var m in mutations)
                {
                    var c = new Case(config, [m], [], false);
                    try
                    {
                        RunCase(c);
                    }
                    catch (Exception e)
                    {
                        throw new Xunit.Sdk.XunitException($"case {c}: {e.Message}");
                    }
                }
            }
        }
        total.Stop();
        Report("sweep", total, start, Measure());
    }

    /// <summary>Random combinations of mutations (CsCheck, seeded: a failure prints the seed to rerun it).</summary>
    [Fact]
    public void RandomHostileConfigsEndWithExit0Or2AndOneLine()
    {
        RunCase(new Case(0, [], [], false)); // warm up the JIT before measuring
        _stats = new Stats();
        var start = Measure();
        var total = Stopwatch.StartNew();
        var seed = Environment.GetEnvironmentVariable("BIGLEARN_FUZZ_SEED");
        output.WriteLine(seed is null ? "seed: random (set BIGLEARN_FUZZ_SEED to rerun one)" : $"seed: {seed}");
        // BIGLEARN_FUZZ_SECONDS=600 fuzzes longer, by hand.
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("BIGLEARN_FUZZ_SECONDS"), out var s) && s > 0 ? s : RandomSeconds;
        CaseGen().Sample(RunCase, writeLine: output.WriteLine, seed: seed, iter: seed is null ? 1_000_000_000 : 1, time: seed is null ? seconds : -1, threads: 1,
            print: c => c.ToString());
        total.Stop();
        Report("random", total, start, Measure());
    }
}
