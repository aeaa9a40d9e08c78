using BigLearn.Core.Randomness;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;

namespace BigLearn.Actors.Tests;

/// <summary>
/// Draws marginal tasks (T a random non-empty subset) and, with probability <paramref name="transformProbability"/>,
/// in a Haar-random domain; throws once on draw number <paramref name="failOnDraw"/> (1-based, counted over the
/// whole distribution) to simulate a crashing agent.
/// </summary>
internal sealed class RandomMarginals(int dim, double transformProbability = 0.25, int failOnDraw = 0) : IMaskDistribution
{
    private int _draws;

    public int Dim => dim;
    public string Description => $"random marginals of {dim}";
    public int Draws => Volatile.Read(ref _draws);

    public LearningTask Sample(Rng rng)
    {
        int draw = Interlocked.Increment(ref _draws);
        if (draw == failOnDraw) throw new InvalidOperationException($"injected failure on draw {draw}");
        var target = rng.Subset(dim, rng.NextInt(1, dim));
        var transform = rng.NextDouble() < transformProbability ? OrthogonalTransform.Haar(dim, rng) : null;
        return LearningTask.Marginal(dim, target, transform);
    }
}

/// <summary>
/// A deterministic stand-in for a trainer: its whole "parameter" is a running hash of everything it was fed
/// (task, steps, seed, in order), and its losses are read off that hash, so any difference in what or in which
/// order it ran shows up in its state and its outcomes. Calls listed in <paramref name="rejectCalls"/> (1-based)
/// report a non-finite loss and change nothing; call <paramref name="throwOnCall"/> throws.
/// </summary>
internal sealed class HashingRunner(IReadOnlySet<int>? rejectCalls = null, int throwOnCall = 0) : ITaskRunner
{
    private int _calls;

    public ulong State { get; private set; } = 0xCBF29CE484222325UL;
    public long Version { get; private set; }
    public int CreatedOnThread { get; } = Environment.CurrentManagedThreadId;
    public bool CreatedOnThreadPool { get; } = Thread.CurrentThread.IsThreadPoolThread;
    public HashSet<int> RunThreads { get; } = [];

    public TaskOutcome Run(LearningTask task, int innerSteps, long batchSeed)
    {
        int call = ++_calls;
        RunThreads.Add(Environment.CurrentManagedThreadId);
        if (call == throwOnCall) throw new InvalidOperationException($"injected runner failure on call {call}");
        if (rejectCalls?.Contains(call) == true) return new TaskOutcome(double.NaN, double.NaN, 0, 0, "loss is NaN", Version);
        double first = Loss();
        foreach (int i in task.Observed) Mix((ulong)i + 1);
        Mix(0xFFFF);
        foreach (int i in task.Target) Mix((ulong)i + 1);
        if (task.Transform is { } a)
            foreach (double v in a.ToArray()) Mix((ulong)BitConverter.DoubleToInt64Bits(v));
        Mix((ulong)innerSteps);
        Mix((ulong)batchSeed);
        Version += innerSteps;
        return new TaskOutcome(first, Loss(), Loss() / 3, innerSteps, null, Version);
    }

    private double Loss() => (State >> 11) * (1.0 / (1UL << 53));

    private void Mix(ulong value)
    {
        ulong z = (State ^ value) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        State = z ^ (z >> 31);
    }
}
