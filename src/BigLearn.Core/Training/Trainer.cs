using BigLearn.Core.Tasks;

namespace BigLearn.Core.Training;

/// <summary>One entry of a training schedule: the task, how many inner steps, and the seed of its random numbers.</summary>
public readonly record struct ScheduledTask(LearningTask Task, int InnerSteps, long BatchSeed);

/// <summary>The actor-free training path: runs a schedule of tasks on one <see cref="ITaskRunner"/>, in order.</summary>
public static class Trainer
{
    /// <summary>
    /// Runs every scheduled task on <paramref name="runner"/> and returns the outcomes in order. A rejected
    /// step ends only its own task (as in the model actor); with <paramref name="stopOnRejection"/> the whole
    /// sequence stops there. <paramref name="onTask"/> sees (index, outcome) after each task, e.g. to log or evaluate.
    /// </summary>
    public static IReadOnlyList<TaskOutcome> RunSequence(ITaskRunner runner, IEnumerable<ScheduledTask> schedule,
        Action<int, TaskOutcome>? onTask = null, bool stopOnRejection = false)
    {
        var outcomes = new List<TaskOutcome>();
        foreach (var entry in schedule)
        {
            var outcome = runner.Run(entry.Task, entry.InnerSteps, entry.BatchSeed);
            outcomes.Add(outcome);
            onTask?.Invoke(outcomes.Count - 1, outcome);
            if (stopOnRejection && outcome.Rejected) break;
        }
        return outcomes;
    }

    /// <summary>The same for (task, inner steps, seed) tuples.</summary>
    public static IReadOnlyList<TaskOutcome> RunSequence(ITaskRunner runner, IEnumerable<(LearningTask Task, int InnerSteps, long Seed)> schedule,
        Action<int, TaskOutcome>? onTask = null, bool stopOnRejection = false) =>
        RunSequence(runner, schedule.Select(s => new ScheduledTask(s.Task, s.InnerSteps, s.Seed)), onTask, stopOnRejection);
}
