using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace BigLearn.Cli.Commands;

// inspect --adaptation: how a population's menu agents shifted their shares (adaptation.json, docs/adaptation.md).
internal static partial class InspectCommand
{
    private const string AdaptationFile = "adaptation.json";

    private static int Adaptation(CliConsole console, string folder, bool asJson, bool otherOptions)
    {
        if (otherOptions) throw new CliUsageException("--adaptation: give it alone (or with --json); --agent, --group and --windows read the ledger");
        if (!Directory.Exists(folder)) throw new CliUsageException($"RUN_DIR {folder}: no such folder");
        var shifts = ReadAdaptation(folder)
            ?? throw new CliUsageException($"RUN_DIR {folder}: no {AdaptationFile} (the run had no group with a menu, groups.<name>.menu = [ ... ])");
        if (asJson) return Print(console, shifts);
        RenderMenus(console, shifts, agentsToo: true);
        return 0;
    }

    private static JsonObject? ReadAdaptation(string folder)
    {
        var path = Path.Combine(folder, AdaptationFile);
        if (!File.Exists(path)) return null;
        var shifts = ReadObject(path, AdaptationFile);
        if (shifts["menus"] is not JsonArray menus || menus.Any(m => m is not JsonObject o || o["families"] is not JsonArray || o["agents_end"] is not JsonArray))
            throw new CliUsageException($"{path}: not an adaptation summary written by biglearn run (no \"menus\" with \"families\" and \"agents_end\")");
        return shifts;
    }

    // Per menu group: each family's mean share at the start, halfway and at the end and the tasks it ran; with agentsToo, every
    // agent's shares at the end.
    private static void RenderMenus(CliConsole console, JsonObject shifts, bool agentsToo)
    {
        string mode = (string?)shifts["mode"] ?? "?";
        foreach (var menu in shifts["menus"]!.AsArray().Select(m => m!.AsObject()))
        {
            var families = menu["families"]!.AsArray().Select(f => f!.AsObject()).ToArray();
            var title = $"group {menu["group"]} ({mode}, {menu["agents"]!.AsArray().Count} agents"
                + (mode == "pbt" ? $", {shifts["pbt_copies"]} pbt copies" : "") + "): mean shares";
            var table = new Table().Title(Markup.Escape(title)).AddColumns("family", "start", $"task {menu["middle_task"]}", $"end (task {menu["end_task"]})", "tasks");
            foreach (var f in families)
                table.AddRow(Cells(f["family"], Percent(f["share_start"]), Percent(f["share_middle"]), Percent(f["share_end"]), f["tasks"]));
            Render(console, table);
            if (!agentsToo) continue;
            var agents = new Table().Title(Markup.Escape($"group {menu["group"]}: each agent's shares at the end")).AddColumn("agent");
            foreach (var f in families) agents.AddColumn(Markup.Escape((string)f["family"]!));
            foreach (var a in menu["agents_end"]!.AsArray().Select(a => a!.AsObject()))
                agents.AddRow([Markup.Escape(a["agent"]!.ToString()), .. a["shares"]!.AsArray().Select(s => Markup.Escape(Percent(s)))]);
            Render(console, agents);
        }
        if (!agentsToo) console.Output.WriteLine("(each agent's shares: biglearn inspect RUN_DIR --adaptation)");
    }
}
