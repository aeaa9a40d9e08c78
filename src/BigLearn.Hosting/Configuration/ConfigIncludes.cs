using System.Text;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// Reads a config file with its includes before Akka's HOCON parser sees any of it, so that the parser never touches the
/// file system or the environment:
/// <list type="bullet">
/// <item><c>include "other.conf"</c> (alone on its line, outside any braces) is replaced by that file's text, resolved
/// relative to the including file's folder; only files in that folder or its subfolders, at most
/// <see cref="MaxDepth"/> levels deep, no cycles, none above <see cref="MaxBytes"/> bytes. Keys written after an include
/// override (objects merge into) the included file's; <c>key = null</c> removes a key (it takes its default), and
/// <c>groups = null</c> followed by a new <c>groups { ... }</c> replaces the whole object.</item>
/// <item>Every other include form (<c>include file(...)</c>, <c>url(...)</c>, <c>classpath(...)</c>,
/// <c>required(...)</c>) and every substitution (<c>${...}</c>, <c>${?...}</c>) outside quoted strings and comments is
/// refused: the parser would read environment variables and files, and a self-reference such as
/// <c>budget = ${budget}</c> overflows its stack.</item>
/// <item>Text the parser cannot survive is refused too: a file that is not UTF-8 text (NUL bytes, control characters,
/// invalid UTF-8), more than <see cref="MaxNesting"/> levels of nesting (<c>{ }</c>, <c>[ ]</c> and the parts of a
/// dotted key together: the parser recurses once per level and a deep file overflows the stack, which ends the
/// process), brackets that do not match, and inside <c>[ ]</c> a character that starts no value (<c>=</c>, <c>:</c>,
/// <c>?</c>, <c>*</c>, ...: the parser loops forever on it, allocating).</item>
/// </list>
/// Every refusal is a <see cref="ConfigException"/> with one line naming the file, the line and what is allowed.
/// </summary>
internal static class ConfigIncludes
{
    /// <summary>The most levels of includes below the file named on the command line.</summary>
    public const int MaxDepth = 8;

    /// <summary>The largest config file read (1 MB).</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>The most levels of nesting: <c>{ }</c>, <c>[ ]</c> and the parts of dotted keys (<c>a.b.c</c>) together.</summary>
    public const int MaxNesting = 64;

    // Characters that start no value: inside [ ] Akka's parser neither reads nor rejects them, and loops forever.
    private const string NotAValue = "=:$^?!@*&\\`";

    private const string Allowed = "only include \"FILE.conf\" on its own line, FILE.conf in this file's folder or below it";

    /// <summary>A run of text from one file (the text between its include statements), in the order the parser sees it.</summary>
    /// <param name="File">The file, as the user would name it (relative to the including file's name).</param>
    /// <param name="Text">The text.</param>
    public sealed record Piece(string File, string Text);

    /// <summary>Reads <paramref name="path"/> and every file it includes, in order.</summary>
    /// <exception cref="ConfigException">A file is unreadable or too large, an include or a substitution is refused.</exception>
    public static IReadOnlyList<Piece> Load(string path)
    {
        var full = Path.GetFullPath(path);
        var text = Read(full, path, () => path);
        return Expand(text, path, full);
    }

    /// <summary>Expands the includes of <paramref name="text"/>, which came from <paramref name="origin"/> (includes are resolved beside it).</summary>
    /// <exception cref="ConfigException">An included file is unreadable or too large, an include or a substitution is refused.</exception>
    public static IReadOnlyList<Piece> Expand(string text, string origin)
    {
        if (text.Length > MaxBytes)
            throw new ConfigException($"{origin}: {text.Length} characters is not allowed (a config file may have at most {MaxBytes} bytes)");
        return Expand(text, origin, Path.GetFullPath(origin));
    }

    private static List<Piece> Expand(string text, string origin, string full)
    {
        var pieces = new List<Piece>();
        Expand(text, origin, [full], [origin], pieces);
        return pieces;
    }

    private static void Expand(string text, string file, List<string> chain, List<string> names, List<Piece> pieces)
    {
        var folder = Path.GetDirectoryName(chain[^1])!;
        var at = 0;
        foreach (var include in Scan(text, file))
        {
            pieces.Add(new Piece(file, text[at..include.Start]));
            at = include.End;
            string where = $"{file}:{include.Line}: include \"{include.Target}\"";
            var target = Path.GetFullPath(Path.Combine(folder, include.Target));
            if (include.Target.Length == 0 || Path.IsPathRooted(include.Target) || !Inside(folder, target))
                throw new ConfigException($"{where} is not allowed (the file must be in {folder} or below it, named relative to it)");
            if (!File.Exists(target)) throw new ConfigException($"{where}: no such config file");
            if (File.ResolveLinkTarget(target, returnFinalTarget: true) is { } link && !Inside(folder, link.FullName))
                throw new ConfigException($"{where} is not allowed (it links to {link.FullName}, outside {folder})");
            var name = Path.Join(Path.GetDirectoryName(file), include.Target);
            var cycle = chain.IndexOf(target);
            if (cycle >= 0)
                throw new ConfigException($"{where} is not allowed (a cycle: {string.Join(" -> ", names.Skip(cycle).Append(name))})");
            if (chain.Count > MaxDepth)
                throw new ConfigException($"{where} is not allowed (at most {MaxDepth} levels of includes: {string.Join(" -> ", names.Append(name))})");
            var included = Read(target, name, () => where);
            Expand(included, name, [.. chain, target], [.. names, name], pieces);
        }
        pieces.Add(new Piece(file, text[at..]));
    }

    private static bool Inside(string folder, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Read(string full, string name, Func<string> where)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(full).Length;
            if (length > MaxBytes)
                throw new ConfigException($"{where()} is not allowed ({name} has {length} bytes; a config file may have at most {MaxBytes} bytes)");
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{name}: the config file cannot be read ({e.Message})", e);
        }
        // Strict decoding: a binary file (or one in another encoding) is refused rather than read as replacement characters.
        var (encoding, skip) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ((Encoding)new UTF8Encoding(false, true), 3),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            _ => (new UTF8Encoding(false, true), 0),
        };
        try
        {
            return encoding.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(e.Index + skip, 0, bytes.Length)).Count((byte)'\n');
            throw new ConfigException($"{name}:{line}: not a text file (invalid UTF-8; a config file is UTF-8 text)", e);
        }
    }

    private readonly record struct Include(int Start, int End, int Line, string Target);

    /// <summary>
    /// Finds the include statements of <paramref name="text"/> and refuses substitutions, looking only at the text outside
    /// quoted strings ("...", """...""") and comments (# and //); refuses text the parser cannot survive (see the class).
    /// </summary>
    private static List<Include> Scan(string text, string file)
    {
        RequireText(text, file);
        var includes = new List<Include>();
        int line = 1;
        var lineStart = true; // only whitespace since the start of the line
        // The open brackets, each with the dots of the key that opened it; the dots of the current entry's key; and
        // where the current entry stands: its key, after its '=' or ':', or in its value (then a newline or ',' ends it).
        var open = new Stack<(char Bracket, int Dots)>();
        int carried = 0, dots = 0;
        var entry = Entry.Key;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || c == ',')
            {
                if (c == '\n')
                {
                    line++;
                    lineStart = true;
                }
                if (entry == Entry.Value) (entry, dots) = (Entry.Key, 0);
                continue;
            }
            if (c is ' ' or '\t' or '\r' or '\f' or '\uFEFF') continue;
            var atLineStart = lineStart;
            lineStart = false;
            var inArray = open.Count > 0 && open.Peek().Bracket == '[';
            if (c == '"' && At(text, i, "\"\"\""))
            {
                var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 3;
                while (end < text.Length && text[end] == '"') end++; // """a"""" ends with a quote in the string
                line += Count(text, i, end, '\n');
                i = end - 1;
                if (entry == Entry.Assigned) entry = Entry.Value;
            }
            else if (c == '"')
            {
                var j = i + 1;
                while (j < text.Length && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
                i = j >= text.Length ? text.Length : text[j] == '\n' ? j - 1 : j; // an unterminated string ends at its line
                if (entry == Entry.Assigned) entry = Entry.Value;
            }
            else if (c == '#' || At(text, i, "//"))
            {
                var end = text.IndexOf('\n', i);
                i = (end < 0 ? text.Length : end) - 1;
            }
            else if (At(text, i, "${"))
            {
                throw new ConfigException(
                    $"{file}:{line}: {LineAt(text, i)} is not allowed (substitutions ${{...}} and ${{?...}} are not supported: write the value itself, or include \"FILE.conf\" and override its keys)");
            }
            else if (c is '{' or '[')
            {
                open.Push((c, dots));
                carried += dots;
                (entry, dots) = (Entry.Key, 0);
                if (open.Count + carried > MaxNesting) throw TooDeep(text, i, file, line);
            }
            else if (c is '}' or ']')
            {
                // Akka's parser is lenient about unbalanced brackets; with includes, an unclosed '{' in one file would
                // swallow the keys of the file that includes it, and a stray '}' could end the text early.
                if (open.Count == 0) throw new ConfigException($"{file}:{line}: not valid HOCON (a '{c}' that closes nothing)");
                var (bracket, keyDots) = open.Pop();
                if (bracket != (c == '}' ? '{' : '['))
                    throw new ConfigException($"{file}:{line}: not valid HOCON (a '{c}' that closes a '{bracket}')");
                carried -= keyDots;
                (entry, dots) = (Entry.Value, keyDots);
            }
            else if (inArray && NotAValue.Contains(c))
            {
                throw new ConfigException($"{file}:{line}: {LineAt(text, i)} is not allowed (a '{c}' inside [ ] starts no value: a list holds values separated by commas)");
            }
            else if (atLineStart && At(text, i, "include") && (i + 7 == text.Length || !IsKeyChar(text[i + 7])))
            {
                includes.Add(ReadInclude(text, i, line, open.Count, file));
                i = includes[^1].End - 1;
                (entry, dots) = (Entry.Value, 0);
            }
            else if (inArray) { }
            else if (c is '=' or ':')
            {
                if (entry == Entry.Key) entry = Entry.Assigned;
            }
            else if (entry == Entry.Assigned) entry = Entry.Value;
            else if (entry == Entry.Key && c == '.' && open.Count + carried + ++dots > MaxNesting) throw TooDeep(text, i, file, line);
        }
        if (open.Count > 0) throw new ConfigException($"{file}: not valid HOCON ({open.Count} '{{' or '[' not closed at the end of the file)");
        return includes;
    }

    private enum Entry { Key, Assigned, Value }

    private static ConfigException TooDeep(string text, int i, string file, int line) =>
        new($"{file}:{line}: {LineAt(text, i)} is not allowed (at most {MaxNesting} levels of nesting: {{ }}, [ ] and the parts of dotted keys together)");

    /// <summary>Refuses NUL and other control characters (all but tab, line feed, carriage return and form feed): not a text file.</summary>
    private static void RequireText(string text, string file)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= ' ' && c != '\u007F' && (c < '\u0080' || c > '\u009F')) continue;
            if (c is '\t' or '\n' or '\r' or '\f') continue;
            var line = 1 + Count(text, 0, i, '\n');
            throw new ConfigException($"{file}:{line}: not a text file (control character U+{(int)c:X4}; a config file is UTF-8 text)");
        }
    }

    private static Include ReadInclude(string text, int start, int line, int depth, string file)
    {
        var j = start + 7;
        while (j < text.Length && text[j] is ' ' or '\t') j++;
        if (j < text.Length && text[j] == '"' && !At(text, j, "\"\"\""))
        {
            var close = text.IndexOf('"', j + 1);
            var newline = text.IndexOf('\n', j + 1);
            if (close > 0 && (newline < 0 || close < newline) && text.IndexOf('\\', j + 1, close - j - 1) < 0)
            {
                var target = text[(j + 1)..close];
                if (depth != 0)
                    throw new ConfigException($"{file}:{line}: include \"{target}\" is not allowed inside {{ }} or [ ] (only at the top level of a file)");
                return new Include(start, close + 1, line, target);
            }
        }
        throw new ConfigException($"{file}:{line}: {LineAt(text, start)} is not allowed ({Allowed})");
    }

    private static bool IsKeyChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool At(string text, int i, string what) => string.CompareOrdinal(text, i, what, 0, what.Length) == 0;

    private static int Count(string text, int from, int to, char c)
    {
        var n = 0;
        for (var k = from; k < to && k < text.Length; k++) if (text[k] == c) n++;
        return n;
    }

    /// <summary>The line of <paramref name="text"/> that holds position <paramref name="i"/>, trimmed, for a message.</summary>
    private static string LineAt(string text, int i)
    {
        var from = text.LastIndexOf('\n', Math.Max(i - 1, 0)) + 1;
        if (i == 0) from = 0;
        var to = text.IndexOf('\n', i);
        var line = text[from..(to < 0 ? text.Length : to)].Trim();
        return line.Length > 120 ? line[..117] + "..." : line;
    }

    /// <summary>The text of all pieces, in order, one after the other.</summary>
    public static string Join(IReadOnlyList<Piece> pieces)
    {
        var text = new StringBuilder();
        foreach (var piece in pieces) text.Append(piece.Text).Append('\n');
        return text.ToString();
    }
}
