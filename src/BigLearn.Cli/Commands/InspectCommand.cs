using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BigLearn.Reporting.Ablations;
using BigLearn.Reporting.Contributions;
using Spectre.Console;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn inspect RUN_DIR [--agent ID] [--group NAME] [--windows] [--json]</c>: the per-agent contributions of a finished run
/// (its <c>contributions.json</c>): groups and agents ranked by credit, one group's agents, one agent's details, or each group's
/// share of the credit per window between evaluations (credit over time); with
/// <c>--json</c> the same as JSON. A missing folder, a run without a ledger, an unknown agent or group: one line, exit 2.
/// </summary>
internal static partial class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("RUN_DIR") { Description = "A run folder written by biglearn run (holding contributions.json)" };
        var agent = new Option<string?>("--agent") { Description = "Show one agent's details", HelpName = "ID" };
        var group = new Option<string?>("--group") { Description = "Show one group and its agents", HelpName = "NAME" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var windows = new Option<bool>("--windows") { Description = "Credit over time: each group's share of the credit in every window between evaluations" };
        var adaptation = new Option<bool>("--adaptation") { Description = "How the menu agents' shares over their families shifted (a run with groups.<name>.menu)" };
        var command = new Command("inspect", "Rank a run's groups and agents by credit (their share of the fall of the ledger's objective J)")
        {
            folder, agent, group, json, windows, adaptation,
        };
        command.SetAction(parsed => parsed.GetValue(adaptation)
            ? Adaptation(console, parsed.GetValue(folder)!, parsed.GetValue(json), parsed.GetValue(agent) is not null || parsed.GetValue(group) is not null || parsed.GetValue(windows))
            : Inspect(console, parsed.GetValue(folder)!, parsed.GetValue(agent), parsed.GetValue(group), parsed.GetValue(json), parsed.GetValue(windows)));
        return command;
    }

    private static int Inspect(CliConsole console, string folder, string? agentText, string? groupName, bool asJson, bool windows)
    {
        if (File.Exists(Path.Combine(folder, AblationWriter.JsonFile)) && !File.Exists(Path.Combine(folder, ContributionOutputs.JsonFile)))
        {
            if (agentText is not null || groupName is not null || windows)
                throw new CliUsageException($"RUN_DIR {folder}: an ablation folder; --agent, --group and --windows read a run's ledger (inspect one of its seed folders)");
            if (asJson) return Print(console, ReadAblation(folder));
            PrintAblation(console, folder);
            return 0;
        }
        var ledger = Load(folder);
        var agents = ledger["agents"]!.AsArray().Select(a => a!.AsObject()).ToArray();
        var groups = ledger["groups"]!.AsArray().Select(g => g!.AsObject()).ToArray();
        if ((agentText is not null ? 1 : 0) + (groupName is not null ? 1 : 0) + (windows ? 1 : 0) > 1)
            throw new CliUsageException("--agent, --group and --windows: give at most one of them");
        if (windows) return Windows(console, ledger, folder, asJson);

        if (agentText is not null)
        {
            var ids = agents.Select(a => (int)a["id"]!).OrderBy(i => i).ToArray();
            if (!int.TryParse(agentText, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || !ids.Contains(id))
                throw new CliUsageException($"--agent {agentText}: no such agent in {folder} (agents {ids.FirstOrDefault()}..{ids.LastOrDefault()})");
            int rank = Array.FindIndex(agents, a => (int)a["id"]! == id) + 1;
            var chosen = (JsonObject)agents[rank - 1].DeepClone();
            chosen["rank"] = rank;
            if (asJson) return Print(console, chosen);
            console.Output.WriteLine(Header(ledger));
            var table = new Table().AddColumns("field", "value");
            foreach (var (key, value) in chosen) table.AddRow(Markup.Escape(key), Markup.Escape(Format(value)));
            Render(console, table);
            return 0;
        }

        if (groupName is not null)
        {
            var chosen = groups.FirstOrDefault(g => (string)g["name"]! == groupName)
                ?? throw new CliUsageException($"--group {groupName}: no such group in {folder} (groups: {string.Join(", ", groups.Select(g => (string)g["name"]!))})");
            var members = agents.Where(a => (string)a["group"]! == groupName).ToArray();
            if (asJson) return Print(console, new JsonObject { ["group"] = chosen.DeepClone(), ["agents"] = new JsonArray(members.Select(m => m.DeepClone()).ToArray()) });
            console.Output.WriteLine(Header(ledger));
            Render(console, GroupTable([chosen]));
            Render(console, AgentTable(members, [chosen]));
            return 0;
        }

        if (asJson) return Print(console, ledger);
        console.Output.WriteLine(Header(ledger));
        Render(console, GroupTable(groups));
        Render(console, AgentTable(agents, groups));
        if (ReadAdaptation(folder) is { } shifts) RenderMenus(console, shifts, agentsToo: false);
        return 0;
    }

    // Credit over time: a row per window, a column per group (its share of the window's credit, and the credit itself).
    private static int Windows(CliConsole console, JsonObject ledger, string folder, bool asJson)
    {
        if (ledger["windows"] is not JsonArray windows || windows.Any(w => w is not JsonObject o || o["group_share"] is not JsonObject || o["group_credit"] is not JsonObject))
            throw new CliUsageException($"RUN_DIR {folder}: its {ContributionOutputs.JsonFile} has no \"windows\" (written before credit over time was recorded; run the config again)");
        if (asJson) return Print(console, windows);
        var names = ledger["groups"]!.AsArray().Select(g => (string)g!["name"]!).ToArray();
        console.Output.WriteLine(Header(ledger));
        var table = new Table().Title("each group's share of the credit per window: credit / Σ|credit| (credit in brackets)").AddColumn("tasks");
        foreach (var name in names) table.AddColumn(Markup.Escape(name));
        foreach (var w in windows.Select(w => w!.AsObject()))
        {
            var cells = new List<string> { $"{w["from_task"]}–{w["until_task"]}" };
            cells.AddRange(names.Select(n => $"{Percent(w["group_share"]![n])} ({Format(w["group_credit"]![n])})"));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        Render(console, table);
        return 0;
    }

    /// <summary>An ablation's table: per group removed, the effect on each figure with its 95 % interval; the Shapley values when computed.</summary>
    internal static void PrintAblation(CliConsole console, string folder)
    {
        var ablation = ReadAblation(folder);
        var groups = ablation["groups"]!.AsArray();
        console.Output.WriteLine($"{ablation["experiment"]}: the effect of removing each group, mean over seeds {string.Join(",", ablation["seeds"]?.AsArray().Select(s => s!.ToString()) ?? [])} [95 % interval]");
        // The figures the ablation compared, in its order (a GMM's or a GAN's), headed by their labels.
        var names = ablation["baseline_mean"] is JsonObject means ? means.Select(kv => kv.Key).ToArray() : [];
        var labels = ablation["figure_labels"] as JsonObject;
        var table = new Table().AddColumn("group removed");
        foreach (var n in names) table.AddColumn(Markup.Escape(labels?[n]?.GetValue<string>() ?? n));
        foreach (var g in groups.Select(g => g!.AsObject()))
        {
            var cells = new List<string> { (string)g["group"]! };
            if (g["not_runnable"] is { } why) cells.AddRange([$"not runnable: {why}", .. Enumerable.Repeat("", Math.Max(0, names.Length - 1))]);
            else cells.AddRange(names.Select(n => g["effect_of_removing"]?[n] is JsonObject e ? EffectCell(e) : ""));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        Render(console, table);
        if (ablation["shapley"] is JsonObject shapley && shapley["values"] is JsonObject values)
        {
            var shapleyTable = new Table().Title($"Shapley values on {shapley["figure"]} ({shapley["method"]})").AddColumns("group", "value", "standard error");
            foreach (var (name, v) in values) shapleyTable.AddRow(Markup.Escape(name), Markup.Escape(Format(v?["value"])), Markup.Escape(Format(v?["standard_error"])));
            Render(console, shapleyTable);
        }
    }

    private static string EffectCell(JsonObject effect)
    {
        string mean = Format(effect["mean"]);
        return effect["ci95_low"] is null ? mean : $"{mean} [{Format(effect["ci95_low"])}, {Format(effect["ci95_high"])}]";
    }

    private static JsonObject Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new CliUsageException($"RUN_DIR {folder}: no such folder (give a folder written by biglearn run)");
        var path = Path.Combine(folder, ContributionOutputs.JsonFile);
        if (!File.Exists(path)) throw new CliUsageException(WhyNoLedger(folder));
        var ledger = ReadObject(path, $"a {ContributionOutputs.JsonFile} written by biglearn run");
        RequireShape(ledger, path);
        return ledger;
    }

    // An ablation folder's ablation.json, checked for what the table reads.
    private static JsonObject ReadAblation(string folder)
    {
        var path = Path.Combine(folder, AblationWriter.JsonFile);
        var ablation = ReadObject(path, $"an {AblationWriter.JsonFile} written by biglearn ablate");
        if (ablation["groups"] is not JsonArray groups || groups.Any(g => g is not JsonObject o || o["group"] is not JsonValue))
            throw new CliUsageException($"{path}: not an {AblationWriter.JsonFile} written by biglearn ablate (\"groups\" must be an array of objects with a \"group\")");
        return ablation;
    }

    // A JSON object from a file, or one line saying why not.
    private static JsonObject ReadObject(string path, string what)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CliUsageException($"{path}: not a JSON object (not {what})");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    // What each view reads, checked once: valid JSON of another shape is refused in one line, never half-printed.
    private static void RequireShape(JsonObject ledger, string path)
    {
        string? problem = null;
        if (ledger["agents"] is not JsonArray agents || agents.Any(a => a is not JsonObject o || !IsInt(o["id"]) || o["group"] is not JsonValue))
            problem = "\"agents\" must be an array of objects with an integer \"id\" and a \"group\"";
        else if (ledger["groups"] is not JsonArray groups || groups.Any(g => g is not JsonObject o || o["name"] is not JsonValue))
            problem = "\"groups\" must be an array of objects with a \"name\"";
        if (problem is not null)
            throw new CliUsageException($"{path}: not a {ContributionOutputs.JsonFile} written by biglearn run ({problem})");
    }

    private static bool IsInt(JsonNode? node) => node is JsonValue v && v.TryGetValue(out int _);

    // A folder without contributions.json: say which of the honest reasons it is.
    private static string WhyNoLedger(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "config.conf")))
            return $"RUN_DIR {folder}: not a run folder (no config.conf; give a folder written by biglearn run)";
        if (File.Exists(Path.Combine(folder, Hosting.Running.RunFolder.IncompleteMarker)))
            return $"RUN_DIR {folder}: the run has not finished (it is still running, or was stopped: resume it with biglearn resume {folder}), " +
                   $"so it has no {ContributionOutputs.JsonFile} yet";
        return $"RUN_DIR {folder}: the run kept no contribution ledger (ledger.every = 0, or a kind without a ledger), so there is nothing to inspect";
    }

    private static string Header(JsonObject ledger)
    {
        bool sampled = (bool?)ledger["sampled"] ?? false;
        var how = sampled ? $"sampled: every {ledger["every"]}-th task measured, credits scaled" : "exact: every task measured";
        return $"{ledger["experiment"]} (seed {ledger["seed"]}): J = {ledger["objective"]}, {how}; J {Format(ledger["initial_objective"])} -> " +
               $"{Format(ledger["final_objective"])}, total credit {Format(ledger["total_credit"])}";
    }

    /// <summary>The significance level below which a group's agents are said to differ more than chance.</summary>
    internal const double DifferLevel = 0.05;

    private static Table GroupTable(IEnumerable<JsonObject> groups)
    {
        var table = new Table().Title("groups by credit (agents differ? = do its agents differ more than chance: a permutation test)")
            .AddColumns("rank", "group", "agents", "tasks", "credit", "share", "corrected", "alignment", "rejections", "agents differ?");
        int rank = 0;
        foreach (var g in groups)
            table.AddRow(Cells(++rank, g["name"], g["agents"], g["tasks"], g["credit"], Percent(g["share"]), g["corrected_credit"], g["alignment"],
                g["rejections"], Differ(g)));
        return table;
    }

    // Agents by group, in the groups' order. Within a group they are ranked by corrected credit only when the permutation test says they
    // differ more than chance; otherwise they are listed by id, since any order would rank noise.
    private static Table AgentTable(IEnumerable<JsonObject> agents, IEnumerable<JsonObject> groups)
    {
        var table = new Table().Title("agents by group (ranked within a group only where its agents differ more than chance)")
            .AddColumns("group", "rank in group", "id", "tasks", "credit", "corrected", "advantage", "alignment", "rejections", "restarts");
        var all = agents.ToArray();
        foreach (var g in groups)
        {
            string name = (string)g["name"]!;
            bool ranked = Differs(g) == true;
            var members = all.Where(a => (string)a["group"]! == name);
            members = ranked ? members.OrderByDescending(a => Number(a["corrected_credit"])).ThenBy(a => (int)a["id"]!) : members.OrderBy(a => (int)a["id"]!);
            int rank = 0;
            foreach (var a in members)
                table.AddRow(Cells(name, ranked ? ++rank : "-", a["id"], a["tasks"], a["credit"], a["corrected_credit"], a["advantage"], a["alignment"],
                    a["rejections"], a["restarts"]));
        }
        return table;
    }

    // True/false when the group's permutation test ran, null for a group of one agent or a ledger without the test.
    private static bool? Differs(JsonObject group) => group["agents_differ_p"] is JsonValue v && v.TryGetValue(out double p) ? p <= DifferLevel : null;

    private static string Differ(JsonObject group) => Differs(group) switch
    {
        true => $"yes (p = {Format(group["agents_differ_p"])})",
        false => $"no (p = {Format(group["agents_differ_p"])})",
        null => "-",
    };

    private static double Number(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) ? d : double.NegativeInfinity;

    private static string[] Cells(params object?[] values) =>
        values.Select(v => Markup.Escape(v switch { JsonNode node => Format(node), null => "", _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" })).ToArray();

    private static string Percent(JsonNode? share) =>
        share is JsonValue v && v.TryGetValue(out double d) ? d.ToString("P1", CultureInfo.InvariantCulture) : "";

    private static string Format(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out double d) && d != Math.Floor(d) => d.ToString("0.#####", CultureInfo.InvariantCulture),
        JsonValue v => v.ToJsonString().Trim('"'),
        _ => node.ToJsonString(),
    };

    private static int Print(CliConsole console, JsonNode node)
    {
        console.Output.WriteLine(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    // Spectre draws the table; into the process console when it is a terminal, otherwise as plain text into Output.
    private static void Render(CliConsole console, Table table)
    {
        if (console.Interactive)
        {
            AnsiConsole.Write(table);
            return;
        }
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(console.Output),
        });
        plain.Profile.Width = 120;
        plain.Write(table);
    }
}
