using BigLearn.Actors.Messages;
using BigLearn.Actors.Population;
using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;

namespace BigLearn.Actors.Tests;

public sealed class SpecTests
{
    private static readonly RandomMarginals Masks = new(3);

    [Theory]
    [InlineData(0, 1, 0.0, 1.0, "population.groups.g.count = 0")]
    [InlineData(1, 0, 0.0, 1.0, "population.groups.g.share = 0")]
    [InlineData(1, -2, 0.0, 1.0, "population.groups.g.share = -2")]
    [InlineData(1, 1, 1.0, 1.0, "population.groups.g.start = 1")]
    [InlineData(1, 1, 0.5, 0.5, "population.groups.g.stop = 0.5")]
    [InlineData(1, 1, 0.2, 1.5, "population.groups.g.stop = 1.5")]
    public void A_bad_group_setting_fails_with_one_line_naming_the_key_and_value(int count, double share, double start, double stop, string expected)
    {
        var error = Assert.Throws<PopulationSpecException>(() => new GroupSpec("g", count, Masks, 1, share, start, stop));
        Assert.StartsWith(expected + ":", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_population_needs_credits_a_budget_and_groups_covering_the_whole_budget()
    {
        var group = new GroupSpec("g", 1, Masks);
        Assert.StartsWith("population.credits = 0:", Assert.Throws<PopulationSpecException>(() => new PopulationSpec(1, 10, [group], credits: 0)).Message);
        Assert.StartsWith("population.budget-tasks = 0:", Assert.Throws<PopulationSpecException>(() => new PopulationSpec(1, 0, [group])).Message);
        var gap = Assert.Throws<PopulationSpecException>(() => new PopulationSpec(1, 10, [new GroupSpec("late", 1, Masks, start: 0.3)]));
        Assert.Contains("tasks 0..2", gap.Message);
        Assert.Throws<PopulationSpecException>(() => new PopulationSpec(1, 10, [group, new GroupSpec("g", 2, Masks)]));
    }

    [Fact]
    public void Phases_follow_the_windows_in_tasks_done()
    {
        var spec = new PopulationSpec(1, 10,
            [new GroupSpec("all", 2, Masks), new GroupSpec("late", 1, Masks, start: 0.5), new GroupSpec("early", 3, Masks, stop: 0.3)]);
        Assert.Equal([(0L, 3L, "0,2"), (3L, 5L, "0"), (5L, 10L, "0,1")],
            spec.Phases.Select(p => (p.FromTask, p.UntilTask, string.Join(",", p.ActiveGroups))));
        Assert.Equal([0, 0, 1, 2, 2, 2], spec.GroupOfAgents());
        // Each phase agrees with the definition Start ≤ n / budget < Stop at every n inside it.
        foreach (var phase in spec.Phases)
            for (long n = phase.FromTask; n < phase.UntilTask; n++)
                Assert.Equal(phase.ActiveGroups, Enumerable.Range(0, 3).Where(g => spec.Groups[g].IsActiveAt(n, 10)));
    }

    [Fact]
    public void A_task_descriptor_round_trips_a_transformed_task_exactly()
    {
        var task = LearningTask.Conditional(4, [1, 3], [0], OrthogonalTransform.Haar(4, new Rng(3)));
        var descriptor = TaskDescriptor.From(task);
        Assert.Equal(task, descriptor.ToLearningTask());
        Assert.Equal(task.ToString(), descriptor.Description);
        Assert.Equal(descriptor, TaskDescriptor.From(descriptor.ToLearningTask()));
        Assert.NotEqual(descriptor, TaskDescriptor.From(LearningTask.Conditional(4, [1, 3], [0])));
    }

    [Fact]
    public void A_task_descriptor_carries_the_noise_of_a_noisy_view()
    {
        var task = LearningTask.Marginal(2, [0], OrthogonalTransform.Haar(2, new Rng(4))).WithNoise(1.75);
        var descriptor = TaskDescriptor.From(task);
        Assert.Equal(1.75, descriptor.Noise);
        Assert.Equal(task, descriptor.ToLearningTask());
        Assert.NotEqual(descriptor, TaskDescriptor.From(task.WithNoise(0.5)));
        Assert.EndsWith("with noise 1.75", descriptor.Description);
    }
}
