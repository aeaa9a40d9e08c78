using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// Reads the data file of a <c>samples</c> target (docs/targets.md): a CSV (an optional header; numeric columns; a column named
/// <c>label</c> holds integer cluster labels) or a <c>.npy</c> array (little-endian float32 or float64, 2-D, C order). Anything
/// else is refused in one line that names the file (and the line or column), the value found and what is allowed.
/// </summary>
internal static partial class SampleFile
{
    /// <summary>The most data columns (the dimension L).</summary>
    public const int MaxColumns = TargetSection.MaxDim;

    /// <summary>The most rows a file may have.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>The rows and, when the file has a <c>label</c> column, one label per row.</summary>
    /// <exception cref="ConfigException">The file is missing, empty or malformed (one line).</exception>
    public static (double[][] Rows, int[]? Labels) Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: no such samples file (target.file names a CSV or .npy file of data points)");
        var (rows, labels) = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? (ReadNpy(path), null) : ReadCsv(path);
        if (rows.Length == 0) throw new ConfigException($"{path}: no data rows (a samples file needs at least one row of numbers)");
        if (rows.Length > MaxRows) throw new ConfigException(Invariant($"{path}: {rows.Length} rows; at most {MaxRows} are allowed"));
        return (rows, labels);
    }

    private static (double[][] Rows, int[]? Labels) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) throw new ConfigException($"{path}: the file is empty (a CSV of numeric columns, an optional header, is expected)");
        var firstCells = Cells(lines[first]);
        bool header = firstCells.Any(c => !TryNumber(c, out _));
        var names = header ? firstCells : firstCells.Select((_, j) => Invariant($"column {j + 1}")).ToArray();
        int label = header ? Array.FindIndex(names, n => n.Equals("label", StringComparison.OrdinalIgnoreCase)) : -1;
        int columns = names.Length - (label >= 0 ? 1 : 0);
        if (columns < 1 || columns > MaxColumns)
            throw new ConfigException(Invariant($"{path}: {columns} data column(s){(label >= 0 ? " besides label" : "")}; 1 to {MaxColumns} are allowed"));
        var rows = new List<double[]>();
        var labels = label >= 0 ? new List<int>() : null;
        for (int i = header ? first + 1 : first; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            string where = Invariant($"{path}:{i + 1}");
            var cells = Cells(lines[i]);
            if (cells.Length != names.Length)
                throw new ConfigException(Invariant($"{where}: {cells.Length} cells; every row must have {names.Length}, as the {(header ? "header" : "first row")} has"));
            var row = new double[columns];
            for (int j = 0, c = 0; j < cells.Length; j++)
            {
                if (j == label)
                {
                    if (!int.TryParse(cells[j], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
                        throw new ConfigException($"{where}: label = {Quote(cells[j])} is not allowed (labels are integers)");
                    labels!.Add(value);
                    continue;
                }
                if (!TryNumber(cells[j], out double number) || !double.IsFinite(number))
                    throw new ConfigException($"{where}: {names[j]} = {Quote(cells[j])} is not allowed (finite numbers only)");
                row[c++] = number;
            }
            rows.Add(row);
        }
        return (rows.ToArray(), labels?.ToArray());
    }

    private static string[] Cells(string line) => line.Split(',').Select(c => c.Trim()).ToArray();

    // Plain decimal numbers; "nan" and "inf" parse here so that they are refused as non-finite rather than as text.
    private static bool TryNumber(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        value = double.NaN;
        return NonFinite().IsMatch(text);
    }

    private static string Quote(string cell) => cell.Length == 0 ? "(empty)" : cell.Length > 40 ? $"\"{cell[..40]}…\"" : $"\"{cell}\"";

    private static double[][] ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        const string allowed = "a .npy file of a 2-D little-endian float32 or float64 array in C order";
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(magic)) throw new ConfigException($"{path}: not a .npy file (no \\x93NUMPY magic; {allowed})");
        int major = bytes[6];
        if (major is < 1 or > 3) throw new ConfigException($"{path}: .npy format version {major} is not allowed (1, 2 or 3)");
        int lengthBytes = major == 1 ? 2 : 4;
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        long dataStart = 8 + lengthBytes + headerLength;
        if (bytes.Length < 8 + lengthBytes || dataStart > bytes.Length) throw new ConfigException($"{path}: the .npy header is cut short ({allowed})");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, 8 + lengthBytes, (int)headerLength).Trim();
        var descr = NpyDescr().Match(header);
        var order = NpyOrder().Match(header);
        var shape = NpyShape().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new ConfigException($"{path}: the .npy header {Quote(header)} has no descr, fortran_order and shape ({allowed})");
        int size = descr.Groups[1].Value switch
        {
            "<f4" => 4,
            "<f8" => 8,
            var other => throw new ConfigException($"{path}: dtype '{other}' is not allowed ('<f4' or '<f8': little-endian float32 or float64)"),
        };
        if (order.Groups[1].Value != "False") throw new ConfigException($"{path}: fortran_order = True is not allowed (C order only: save with np.ascontiguousarray)");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2 || !long.TryParse(dims[0], out long n) || !long.TryParse(dims[1], out long d))
            throw new ConfigException($"{path}: shape ({shape.Groups[1].Value}) is not allowed (2-D: rows × columns)");
        if (d < 1 || d > MaxColumns) throw new ConfigException(Invariant($"{path}: {d} columns; 1 to {MaxColumns} are allowed"));
        if (n > MaxRows) throw new ConfigException(Invariant($"{path}: {n} rows; at most {MaxRows} are allowed"));
        if (bytes.Length - dataStart != n * d * size)
            throw new ConfigException(Invariant($"{path}: {bytes.Length - dataStart} bytes of data; shape ({n}, {d}) of {size}-byte numbers needs {n * d * size}"));
        var rows = new double[n][];
        for (long i = 0; i < n; i++)
        {
            rows[i] = new double[d];
            for (long j = 0; j < d; j++)
            {
                var at = bytes.AsSpan((int)(dataStart + (i * d + j) * size), size);
                double value = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(at) : BinaryPrimitives.ReadDoubleLittleEndian(at);
                if (!double.IsFinite(value)) throw new ConfigException(Invariant($"{path}: row {i + 1}, column {j + 1} = {value} is not allowed (finite numbers only)"));
                rows[i][j] = value;
            }
        }
        return rows;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[+-]?(nan|inf|infinity)$", RegexOptions.IgnoreCase)]
    private static partial Regex NonFinite();

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex NpyDescr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex NpyOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex NpyShape();
}
