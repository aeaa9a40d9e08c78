using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Tasks.Masks;

namespace BigLearn.Core.Tests.Masks;

public class MaskDistributionTests
{
    private static List<LearningTask> Draw(IMaskDistribution q, int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => q.Sample(rng)).ToList();
    }

    /// <summary>The invariants every task must satisfy, checked independently of LearningTask's own validation.</summary>
    private static void AssertWellFormed(LearningTask task, int dim)
    {
        Assert.Equal(dim, task.Dim);
        Assert.NotEmpty(task.Target);
        Assert.Empty(task.Observed.Intersect(task.Target));
        foreach (var set in new[] { task.Observed, task.Target })
        {
            Assert.All(set, i => Assert.InRange(i, 0, dim - 1));
            Assert.Equal(set.Distinct().Order(), set);
        }
    }

    [Theory]
    [InlineData("joint", 3, TaskKind.Joint, false)]
    [InlineData("marginal(k=1)", 3, TaskKind.Marginal, false)]
    [InlineData("marginal(k=3)", 3, TaskKind.Joint, false)]
    [InlineData("marginal(coords=0,2)", 3, TaskKind.Marginal, false)]
    [InlineData("marginal(coords=2,1,0)", 3, TaskKind.Joint, false)]
    [InlineData("conditional(observed=1..4)", 5, TaskKind.Conditional, false)]
    [InlineData("conditional(observed=1..2, target=2)", 5, TaskKind.Conditional, false)]
    [InlineData("conditional(observed-coords=0)", 3, TaskKind.Conditional, false)]
    [InlineData("conditional(observed-coords=0, target=1)", 3, TaskKind.Conditional, false)]
    [InlineData("conditional(observed-coords=0, target-coords=2)", 3, TaskKind.Conditional, false)]
    [InlineData("haar(marginal(k=1))", 3, TaskKind.Marginal, true)]
    [InlineData("rotation(conditional(observed=1))", 3, TaskKind.Conditional, true)]
    [InlineData("rotation(joint, angles=0,45)", 2, TaskKind.Joint, true)]
    [InlineData("mix(1 marginal(k=1), 1 haar(marginal(k=2)))", 3, TaskKind.Marginal, null)]
    public void Every_draw_is_a_valid_task_of_the_promised_kind(string spec, int dim, TaskKind kind, bool? transformed)
    {
        var q = MaskDistributions.Parse(spec, dim);
        Assert.Equal(kind, q.Kind);
        Assert.Equal(dim, q.Dim);
        foreach (var task in Draw(q, 500, 11))
        {
            AssertWellFormed(task, dim);
            Assert.Equal(kind, task.Kind);
            if (transformed is bool t) Assert.Equal(t, task.IsTransformed);
            if (task.Transform is { } a) Assert.True(a.OrthogonalityError() < 1e-10);
        }
    }

    [Fact]
    public void A_mixture_of_joint_and_marginal_tasks_has_no_single_kind_but_draws_both()
    {
        var q = MaskDistributions.Parse("mix(0.5 joint, 0.5 marginal(k=1))", 2);
        Assert.Null(q.Kind);
        var kinds = Draw(q, 200, 3).Select(t => t.Kind).Distinct().Order().ToArray();
        Assert.Equal(new[] { TaskKind.Joint, TaskKind.Marginal }, kinds);
    }

    [Fact]
    public void Sets_have_the_sizes_each_spec_asks_for()
    {
        foreach (var t in Draw(MaskDistributions.Parse("marginal(k=2)", 5), 300, 1))
        {
            Assert.Empty(t.Observed);
            Assert.Equal(2, t.Target.Length);
        }
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed=2..3)", 6), 300, 2))
        {
            Assert.InRange(t.Observed.Length, 2, 3);
            Assert.Equal(Enumerable.Range(0, 6), t.Observed.Concat(t.Target).Order()); // T is the rest
        }
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed=1..2, target=2)", 6), 300, 3))
        {
            Assert.InRange(t.Observed.Length, 1, 2);
            Assert.Equal(2, t.Target.Length);
        }
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed-coords=3,1, target-coords=0)", 4), 50, 4))
        {
            Assert.Equal(new[] { 1, 3 }, t.Observed);
            Assert.Equal(new[] { 0 }, t.Target);
        }
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed-coords=1)", 3), 50, 5))
            Assert.Equal(new[] { 0, 2 }, t.Target);
        foreach (var t in Draw(MaskDistributions.Parse("marginal(coords=2,0)", 3), 50, 6))
            Assert.Equal(new[] { 0, 2 }, t.Target);
    }

    [Fact]
    public void Marginal_k1_picks_each_of_four_coordinates_a_quarter_of_the_time()
    {
        const int n = 8000;
        var counts = new int[4];
        foreach (var t in Draw(MaskDistributions.Parse("marginal(k=1)", 4), n, 21)) counts[t.Target.Single()]++;
        for (int i = 0; i < 4; i++) StatisticalAssert.Binomial(counts[i], n, 0.25, $"coordinate {i}");
    }

    [Fact]
    public void Marginal_k2_picks_each_of_the_six_pairs_a_sixth_of_the_time()
    {
        const int n = 6000;
        var counts = new Dictionary<(int, int), int>();
        foreach (var t in Draw(MaskDistributions.Parse("marginal(k=2)", 4), n, 22))
        {
            var key = (t.Target[0], t.Target[1]);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        foreach (var (pair, count) in counts) StatisticalAssert.Binomial(count, n, 1.0 / 6, $"pair {pair}");
    }

    [Fact]
    public void Conditional_observed_sizes_are_uniform_over_the_range_and_subsets_are_uniform()
    {
        const int n = 6000;
        var sizes = new int[4];
        var inS = new int[4];
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed=1..3)", 4), n, 23))
        {
            sizes[t.Observed.Length]++;
            foreach (var i in t.Observed) inS[i]++;
        }
        Assert.Equal(0, sizes[0]);
        for (int s = 1; s <= 3; s++) StatisticalAssert.Binomial(sizes[s], n, 1.0 / 3, $"|S| = {s}");
        // By symmetry P(i ∈ S) = E|S| / L = 2 / 4.
        for (int i = 0; i < 4; i++) StatisticalAssert.Binomial(inS[i], n, 0.5, $"coordinate {i} observed");
    }

    [Fact]
    public void A_random_size_target_is_a_uniform_subset_of_the_unobserved_coordinates()
    {
        const int n = 6000;
        var counts = new Dictionary<string, int>();
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed-coords=0, target=2)", 4), n, 24))
        {
            string key = string.Join(",", t.Target);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(new[] { "1,2", "1,3", "2,3" }, counts.Keys.Order());
        foreach (var (key, count) in counts) StatisticalAssert.Binomial(count, n, 1.0 / 3, $"T = {{{key}}}");

        var inT = new int[5];
        foreach (var t in Draw(MaskDistributions.Parse("conditional(observed=1..2, target=1)", 5), n, 25))
            inT[t.Target.Single()]++;
        for (int i = 0; i < 5; i++) StatisticalAssert.Binomial(inT[i], n, 0.2, $"T = {{{i}}}");
    }

    [Fact]
    public void Mixture_weights_are_respected()
    {
        const int n = 8000;
        var tasks = Draw(MaskDistributions.Parse("mix(0.9 haar(marginal(k=1)), 0.1 joint)", 2), n, 26);
        int transformed = tasks.Count(t => t.IsTransformed);
        StatisticalAssert.Binomial(transformed, n, 0.9, "transformed marginal tasks");
        Assert.All(tasks.Where(t => !t.IsTransformed), t => Assert.Equal(TaskKind.Joint, t.Kind));
        Assert.All(tasks.Where(t => t.IsTransformed), t => Assert.Equal(TaskKind.Marginal, t.Kind));

        // Unnormalised weights 3 : 1 : 4.
        var mix = (MixtureMasks)MaskDistributions.Parse("mix(3 joint, 1 marginal(coords=0), 4 marginal(coords=1))", 2);
        Assert.Equal(new[] { 0.375, 0.125, 0.5 }, mix.Weights);
        var draws = Draw(mix, n, 27);
        StatisticalAssert.Binomial(draws.Count(t => t.Kind == TaskKind.Joint), n, 0.375, "joint");
        StatisticalAssert.Binomial(draws.Count(t => t.Kind == TaskKind.Marginal && t.Target[0] == 0), n, 0.125, "marginal on 0");
    }

    [Fact]
    public void Fixed_rotation_angles_are_used_equally_often_in_the_first_plane()
    {
        const int n = 6000;
        double[] degrees = [0, 15, 30];
        var counts = new int[3];
        foreach (var t in Draw(MaskDistributions.Parse("rotation(marginal(k=1), angles=0,15,30)", 3), n, 28))
        {
            var a = t.Transform!;
            double angle = Math.Atan2(a[0, 1], a[0, 0]) * 180 / Math.PI; // A[0,0] = cos, A[0,1] = sin
            int which = Array.FindIndex(degrees, d => Math.Abs(d - angle) < 1e-9);
            Assert.True(which >= 0, $"angle {angle}° is not one of the listed ones");
            Assert.Equal(1.0, a[2, 2]); // coordinate 2 is outside the plane (0, 1)
            counts[which]++;
        }
        for (int i = 0; i < 3; i++) StatisticalAssert.Binomial(counts[i], n, 1.0 / 3, $"angle {degrees[i]}°");
    }

    [Fact]
    public void Random_rotations_pick_planes_and_angles_uniformly()
    {
        const int n = 6000;
        var planeCounts = new int[3]; // indexed by the untouched coordinate
        var quadrants = new int[4];
        foreach (var t in Draw(MaskDistributions.Parse("rotation(joint)", 3), n, 29))
        {
            var a = t.Transform!;
            int fixedCoordinate = Enumerable.Range(0, 3).Single(m => a[m, m] == 1.0);
            int i = fixedCoordinate == 0 ? 1 : 0, j = fixedCoordinate == 2 ? 1 : 2;
            double angle = Math.Atan2(a[i, j], a[i, i]);
            if (angle < 0) angle += 2 * Math.PI;
            planeCounts[fixedCoordinate]++;
            quadrants[(int)(angle / (Math.PI / 2))]++;
        }
        for (int m = 0; m < 3; m++) StatisticalAssert.Binomial(planeCounts[m], n, 1.0 / 3, $"plane without coordinate {m}");
        for (int q = 0; q < 4; q++) StatisticalAssert.Binomial(quadrants[q], n, 0.25, $"angle quadrant {q}");
    }

    [Fact]
    public void Haar_tasks_draw_a_fresh_matrix_each_time_with_both_orientations()
    {
        const int n = 4000;
        var tasks = Draw(MaskDistributions.Parse("haar(marginal(k=1))", 2), n, 30);
        Assert.Equal(n, tasks.Select(t => t.Transform!.ToArray()[0]).Distinct().Count());
        int positive = tasks.Select(t => t.Transform!).Count(a => a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0] > 0);
        StatisticalAssert.Binomial(positive, n, 0.5, "det A = +1");
    }

    [Theory]
    [InlineData("marginal(k=1)")]
    [InlineData("marginal(k=2)")]
    [InlineData("conditional(observed=1..3)")]
    [InlineData("conditional(observed=1..2, target=1)")]
    [InlineData("conditional(observed-coords=0, target=2)")]
    [InlineData("haar(marginal(k=1))")]
    [InlineData("rotation(conditional(observed=1))")]
    [InlineData("rotation(marginal(coords=0), angles=0,15,30)")]
    [InlineData("mix(0.9 haar(marginal(k=1)), 0.1 joint)")]
    public void The_same_seed_gives_the_same_tasks_and_another_seed_other_tasks(string spec)
    {
        var q = MaskDistributions.Parse(spec, 4);
        var first = Draw(q, 100, 5);
        Assert.Equal(first, Draw(q, 100, 5));
        Assert.Equal(first, Draw(MaskDistributions.Parse(spec, 4), 100, 5));
        Assert.NotEqual(first, Draw(q, 100, 6));
    }

    [Fact]
    public void Sampling_draws_only_from_the_stream_it_is_given()
    {
        var q = MaskDistributions.Parse("mix(0.5 haar(conditional(observed=1..2)), 0.5 rotation(marginal(k=2)))", 4);
        var rng = new Rng(99);
        _ = q.Sample(rng);
        var state = rng.State;
        var next = Enumerable.Range(0, 20).Select(_ => q.Sample(rng)).ToList();
        rng.Restore(state);
        Assert.Equal(next, Enumerable.Range(0, 20).Select(_ => q.Sample(rng)).ToList());
    }
}
