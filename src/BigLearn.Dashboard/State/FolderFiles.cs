using System.Globalization;
using System.Text.Json;

namespace BigLearn.Dashboard.State;

/// <summary>Readers of a run folder's files for <see cref="FolderRun"/>; a damaged file is one line naming it.</summary>
internal static class FolderFiles
{
    private static readonly HashSet<string> NotFigures = new(StringComparer.Ordinal)
    {
        "seed", "budget", "tasks", "steps", "rejected_tasks", "rejected_steps", "agent_restarts", "model_restarts", "recoveries",
    };

    public static JsonElement ReadJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>The rows of a CSV of numbers with a header (blank and non-numeric cells are null); an absent file has none.</summary>
    public static IReadOnlyList<Dictionary<string, double?>> ReadCsv(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) return [];
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, double?>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
                row[header[c]] = c < cells.Length && double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
            return row;
        }).ToArray();
    }

    /// <summary>The agents of agents.csv, with credit, alignment and a corrected credit (agents.csv or contributions.json, where the ledger had baselines).</summary>
    public static AgentRow[] Agents(string path, JsonElement? contributions, string? node)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) return [];
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var ledger = new Dictionary<int, JsonElement>();
        if (contributions is { } json && json.TryGetProperty("agents", out var agents) && agents.ValueKind == JsonValueKind.Array)
            foreach (var agent in agents.EnumerateArray())
                if (agent.TryGetProperty("id", out var id) && id.TryGetInt32(out var agentId)) ledger[agentId] = agent;
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            string Cell(string name) => Column(name) is var c and >= 0 && c < cells.Length ? cells[c] : "";
            double? Number(string name) => double.TryParse(Cell(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
            int id = (int)(Number("id") ?? -1);
            double? corrected = Number("corrected_credit")
                ?? (ledger.TryGetValue(id, out var entry) && entry.TryGetProperty("corrected_credit", out var value) && value.TryGetDouble(out var c) ? c : null);
            return new AgentRow(id, Cell("group"), (long)(Number("tasks") ?? 0), Number("credit"), Number("credit_share"), corrected, Number("alignment"),
                (long)(Number("rejections") ?? 0), (int?)Number("restarts"), node ?? "this process");
        }).OrderBy(a => a.Id).ToArray();
    }

    /// <summary>The groups' cumulative credit from the ledger's timeline, thinned to about a thousand points.</summary>
    public static GroupCreditPoint[] GroupCredit(JsonElement? contributions, string[] groups)
    {
        if (contributions is not { } json || !json.TryGetProperty("timeline", out var timeline) || timeline.ValueKind != JsonValueKind.Array) return [];
        var points = timeline.EnumerateArray().Select(p => new GroupCreditPoint(p.GetProperty("tasks").GetInt64(),
            groups.Select(g => p.GetProperty("group_credit").TryGetProperty(g, out var v) && v.TryGetDouble(out var d) ? d : 0).ToArray())).ToList();
        int step = Math.Max(1, points.Count / 1000);
        var thinned = points.Where((_, i) => i % step == 0).ToList();
        if (points.Count > 0 && thinned[^1] != points[^1]) thinned.Add(points[^1]);
        thinned.Insert(0, new GroupCreditPoint(0, new double[groups.Length]));
        return thinned.ToArray();
    }

    /// <summary>summary.json's numbers (one level of nesting flattened with '_'): the run's final figures.</summary>
    public static IReadOnlyDictionary<string, double?> Figures(JsonElement summary)
    {
        var figures = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var property in summary.EnumerateObject())
        {
            if (NotFigures.Contains(property.Name) || property.Name is "timings" or "provenance" or "groups" or "contributions") continue;
            if (property.Value.ValueKind == JsonValueKind.Number) figures[property.Name] = property.Value.GetDouble();
            else if (property.Value.ValueKind == JsonValueKind.Object)
                foreach (var inner in property.Value.EnumerateObject().Where(i => i.Value.ValueKind == JsonValueKind.Number))
                    figures[$"{property.Name}_{inner.Name}"] = inner.Value.GetDouble();
        }
        return figures;
    }

    /// <summary>The node that held the model of a cluster run (cluster.json), or null.</summary>
    public static string? ClusterNode(string folder)
    {
        var path = Path.Combine(folder, "cluster.json");
        if (!File.Exists(path)) return null;
        return ReadJson(path).TryGetProperty("modelNode", out var node) ? $"model on {node.GetString()}" : null;
    }
}
