using System.Globalization;
using BigLearn.Actors.Population;

namespace BigLearn.Hosting.Configuration;

/// <summary>How often a run saves a checkpoint bundle and how many it keeps.</summary>
/// <param name="Every">Save one every this many tasks (0: only at the end and when interrupted).</param>
/// <param name="Keep">Keep the newest this many bundles (at least 1).</param>
public sealed record CheckpointSection(long Every, int Keep);

public sealed partial record ExperimentConfig
{
    /// <summary>Default of <c>agents.max-rejections</c>: an agent whose tasks are refused this many times in a row is stopped.</summary>
    public const int DefaultMaxRejections = 10;

    /// <summary>Default of <c>checkpoint.keep</c>.</summary>
    public const int DefaultCheckpointKeep = 3;

    /// <summary>Checkpoints: <c>checkpoint.every</c> (default a tenth of the budget) and <c>checkpoint.keep</c> (default 3).</summary>
    public CheckpointSection Checkpoint { get; init; } = new(0, DefaultCheckpointKeep);

    /// <summary><c>agents.max-rejections</c>: stop an agent after this many rejected tasks in a row (0: never).</summary>
    public int MaxRejectionsInARow { get; init; } = DefaultMaxRejections;

    /// <summary>One line describing the experiment (what <c>biglearn validate</c> prints).</summary>
    public string Summary()
    {
        var spec = Population;
        var groups = string.Join(", ", spec.Groups.Select((g, i) => Invariant($"{g.Name} ({g.Count} × {Masks[i]}, share {g.Share}, [{g.Start}, {g.Stop}))")));
        return Invariant($"population {Experiment}: seed {spec.Seed}, {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()}, ") +
            Invariant($"{spec.AgentCount} agents in {spec.Groups.Count} group(s): {groups}; {Model.Components}-component GMM in {Target.Dim}-D, {Model.ObjectiveText}, ") +
            Invariant($"evaluation every {Evaluation.Every}, checkpoint every {Checkpoint.Every} (keep {Checkpoint.Keep})");
    }

    private static CheckpointSection ParseCheckpoint(ConfigSource source, long budget) => new(
        source.GetLong("checkpoint.every", Math.Max(1, budget / 10), 0, budget),
        source.GetInt("checkpoint.keep", DefaultCheckpointKeep, 1, 1000));

    // A window that holds no task count of the budget is a group that never runs: almost surely a typo or a budget too
    // small for the fractions, so it is refused rather than silently ignored.
    internal static void CheckWindows(ConfigSource source, PopulationSpec population)
    {
        for (int g = 0; g < population.Groups.Count; g++)
        {
            if (population.Phases.Any(p => p.ActiveGroups.Contains(g))) continue;
            var group = population.Groups[g];
            var key = $"groups.{group.Name}";
            var where = source.Has($"{key}.stop") ? source.Where($"{key}.stop") : source.Where($"{key}.start");
            throw new ConfigException(Invariant(
                $"{where}: {key}.start = {group.Start} and {key}.stop = {group.Stop} are not allowed (the window holds no task of budget {population.BudgetTasks}; widen it or raise budget)"));
        }
    }
}
