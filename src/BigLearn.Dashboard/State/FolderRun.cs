using System.Globalization;
using System.Text.Json;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Dashboard.State;

/// <summary>
/// A finished run read from its folder (<c>biglearn serve RUN_DIR</c>): the configuration (groups, masks, budget), the curves of
/// <c>metrics.csv</c>, the agents of <c>agents.csv</c> and <c>contributions.json</c> (with a <c>corrected</c> credit where the
/// ledger wrote one), the groups' credit over time from the ledger's timeline, the final figures of <c>summary.json</c> and the
/// pictures the run drew (<c>plots/</c>). What the files do not keep (the masks each agent drew, its credit over time) is said so.
/// </summary>
public sealed class FolderRun : RunView
{
    private static readonly string[] PictureFiles = ["density-final.png", "samples.png", "completions-regions.png", "completions-ratios.png"];
    private readonly RunSnapshot _snapshot;
    private readonly string _folder;
    private readonly IReadOnlyList<string> _masks;

    private FolderRun(string id, string folder, RunSnapshot snapshot, IReadOnlyList<string> masks) : base(id)
    {
        _folder = folder;
        _snapshot = snapshot;
        _masks = masks;
    }

    /// <summary>Reads the run in <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">Not a finished run folder, or a file is damaged (one line naming the file).</exception>
    public static FolderRun Load(string id, string folder)
    {
        var config = Path.Combine(folder, "config.conf");
        var summaryFile = Path.Combine(folder, "summary.json");
        if (!Directory.Exists(folder)) throw new InvalidDataException($"{folder}: no such run folder");
        if (!File.Exists(config) || !File.Exists(summaryFile))
            throw new InvalidDataException($"{folder}: not a finished run folder (it needs config.conf and summary.json, which biglearn run writes at the end)");
        IExperiment experiment;
        try
        {
            experiment = ModelKinds.Parse(ConfigSource.Parse(File.ReadAllText(config), config));
        }
        catch (ConfigException e)
        {
            throw new InvalidDataException($"{config}: {e.Message}", e);
        }
        var summary = FolderFiles.ReadJson(summaryFile);
        var settings = experiment.Run;
        var spec = settings.Population;
        var metrics = FolderFiles.ReadCsv(Path.Combine(folder, "metrics.csv"));
        var evaluations = metrics.Select(row => new EvaluationPoint((long)(row.GetValueOrDefault("tasks") ?? 0), row.GetValueOrDefault("wall_seconds"),
            row.Where(c => c.Key is not ("tasks" or "steps" or "wall_seconds")).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal))).ToArray();
        var contributions = File.Exists(Path.Combine(folder, "contributions.json")) ? FolderFiles.ReadJson(Path.Combine(folder, "contributions.json")) : (JsonElement?)null;
        var agents = FolderFiles.Agents(Path.Combine(folder, "agents.csv"), contributions, FolderFiles.ClusterNode(folder));
        long tasks = summary.TryGetProperty("tasks", out var t) && t.TryGetInt64(out var n) ? n : evaluations.LastOrDefault()?.Tasks ?? 0;
        bool interrupted = File.Exists(Path.Combine(folder, Hosting.Running.RunFolder.IncompleteMarker));
        var groupCredit = FolderFiles.GroupCredit(contributions, spec.Groups.Select(g => g.Name).ToArray());
        var groups = spec.Groups.Select((g, i) => new GroupRow(i, g.Name, settings.Masks[i], g.Count, g.Share,
            agents.Where(a => a.Group == g.Name).Sum(a => a.Tasks), contributions is null ? null : agents.Where(a => a.Group == g.Name).Sum(a => a.Credit ?? 0),
            false, $"{g.Start.ToString("0.###", CultureInfo.InvariantCulture)}–{g.Stop.ToString("0.###", CultureInfo.InvariantCulture)}")).ToArray();
        var snapshot = new RunSnapshot
        {
            Id = id,
            Experiment = settings.Experiment,
            Kind = experiment.ModelKind.Name,
            Title = experiment.ModelKind.Title,
            Folder = Path.GetFullPath(folder),
            Live = false,
            Status = interrupted ? "interrupted" : "finished",
            Message = $"read from {Path.GetFullPath(folder)}",
            Budget = spec.BudgetTasks,
            TasksDone = tasks,
            Phase = $"{spec.Phases.Count} phase(s); finished",
            Seconds = summary.TryGetProperty("timings", out var timings) && timings.TryGetProperty("wall_seconds", out var w) && w.TryGetDouble(out var s) ? s : null,
            Controllable = false,
            HasLedger = contributions is not null,
            Groups = groups,
            Agents = agents,
            Curves = Curves.For(experiment.ModelKind.Name, evaluations.SelectMany(e => e.Values.Keys)),
            EvaluationsFrom = 0,
            Evaluations = evaluations,
            CreditFrom = 0,
            Credit = groupCredit,
            Figures = FolderFiles.Figures(summary),
            Pictures = PictureFiles.Where(f => File.Exists(Path.Combine(folder, "plots", f))).Select(f => new PictureRef(Path.GetFileNameWithoutExtension(f),
                f, tasks, $"/api/runs/{Uri.EscapeDataString(id)}/pictures/{Uri.EscapeDataString(Path.GetFileNameWithoutExtension(f))}")).ToArray(),
            Events = [new RunEvent(tasks, interrupted ? "interrupted (resumable with biglearn resume)" : "finished")],
        };
        return new FolderRun(id, folder, snapshot, settings.Masks);
    }

    /// <inheritdoc />
    public override RunListItem Describe() => new(Id, _snapshot.Experiment, _snapshot.Kind, _snapshot.Status, false);

    /// <inheritdoc />
    public override RunSnapshot Snapshot(int evaluationsFrom, int creditFrom) => _snapshot with
    {
        EvaluationsFrom = Math.Clamp(evaluationsFrom, 0, _snapshot.Evaluations.Count),
        Evaluations = _snapshot.Evaluations.Skip(Math.Clamp(evaluationsFrom, 0, _snapshot.Evaluations.Count)).ToArray(),
        CreditFrom = Math.Clamp(creditFrom, 0, _snapshot.Credit.Count),
        Credit = _snapshot.Credit.Skip(Math.Clamp(creditFrom, 0, _snapshot.Credit.Count)).ToArray(),
    };

    /// <inheritdoc />
    public override AgentDetail? Agent(int id)
    {
        var row = _snapshot.Agents.FirstOrDefault(a => a.Id == id);
        if (row is null) return null;
        var group = _snapshot.Groups.First(g => g.Name == row.Group);
        return new AgentDetail
        {
            Row = row,
            Masks = _masks[group.Index],
            History = [],
            ObservedSizes = null,
            Transforms = null,
            Note = "a run folder keeps each agent's totals, not the masks it drew or its credit over time (watch a run live with biglearn run --dashboard for those)",
        };
    }

    /// <inheritdoc />
    public override byte[]? Picture(string name)
    {
        var file = PictureFiles.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == name);
        return file is null || !File.Exists(Path.Combine(_folder, "plots", file)) ? null : File.ReadAllBytes(Path.Combine(_folder, "plots", file));
    }
}
