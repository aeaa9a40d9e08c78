using BigLearn.Reporting.Experiments;
using static BigLearn.Actors.Population.PopulationProtocol;

namespace BigLearn.Hosting.Kinds;

/// <summary>The per-group and per-agent rows every kind's outcome has, from the supervisor's tallies.</summary>
internal static class OutcomeRows
{
    /// <summary>One row per group, in config order.</summary>
    public static GroupRow[] Groups(RunSettings run, RunCompleted result) =>
        run.Population.Groups.Select((g, i) => new GroupRow(g.Name, g.Count, run.Masks[i], g.InnerSteps, g.Share, g.Start, g.Stop,
            result.Groups[i].Tasks, result.Groups[i].Steps, result.Groups[i].Rejections)).ToArray();

    /// <summary>One row per agent, by id.</summary>
    public static AgentRow[] Agents(RunSettings run, RunCompleted result) =>
        result.Agents.Select(a => new AgentRow(a.AgentId, run.Population.Groups[a.Group].Name, a.Tasks, a.Steps, a.Rejections,
            a.Restarts, a.FirstOwnLoss, a.LastOwnLoss)).ToArray();
}
