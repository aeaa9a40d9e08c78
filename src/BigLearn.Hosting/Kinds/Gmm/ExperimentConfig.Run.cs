using System.Globalization;
using BigLearn.Actors.Population;

using BigLearn.Hosting.Configuration;

namespace BigLearn.Hosting.Kinds.Gmm;

public sealed partial record ExperimentConfig
{
    /// <summary>Checkpoints: <c>checkpoint.every</c> (default a tenth of the budget) and <c>checkpoint.keep</c> (default 3).</summary>
    public CheckpointSection Checkpoint { get; init; } = new(0, RunBasics.DefaultCheckpointKeep);

    /// <summary><c>agents.max-rejections</c>: stop an agent after this many rejected tasks in a row (0: never).</summary>
    public int MaxRejectionsInARow { get; init; } = RunBasics.DefaultMaxRejections;

    /// <inheritdoc />
    public IModelKind ModelKind => GmmKind.Instance;

    /// <inheritdoc />
    public RunSettings Run => new(Experiment, Population, Device, Threads, Timeout, FileLogLevel, Masks, Source, Checkpoint, MaxRejectionsInARow, Ledger);

    /// <inheritdoc />
    public bool Checkpoints => true;

    /// <inheritdoc />
    public bool Sweeps => true;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames => Target is Core.Mixtures.Targets.SamplesTarget data
        ? Reporting.Experiments.ExperimentOutcome.DataFigureNames(data.Labelled)
        : Reporting.Experiments.ExperimentOutcome.FigureNames;

    /// <inheritdoc />
    public bool EvaluatesUntrainedModel => true;

    /// <inheritdoc />
    public IExperimentSession Open(TorchSharp.torch.Device device, Action<string>? stage) => new GmmSession(this, device);

    /// <summary>One line describing the experiment (what <c>biglearn validate</c> prints).</summary>
    public string Summary()
    {
        var spec = Population;
        var groups = string.Join(", ", spec.Groups.Select((g, i) => Invariant($"{g.Name} ({g.Count} × {Masks[i]}, share {g.Share}, [{g.Start}, {g.Stop}))")));
        return Invariant($"population {Experiment}: seed {spec.Seed}, {spec.BudgetTasks} tasks, {spec.Mode.ToString().ToLowerInvariant()}, ") +
            Invariant($"{spec.AgentCount} agents in {spec.Groups.Count} group(s): {groups}; {Model.Components}-component GMM in {Target.Dimension}-D, {Model.ObjectiveText}, ") +
            Invariant($"evaluation every {Evaluation.Every}, checkpoint every {Checkpoint.Every} (keep {Checkpoint.Keep}); target {Target.Description}");
    }

    private static CheckpointSection ParseCheckpoint(ConfigSource source, long budget) => CheckpointSection.Parse(source, budget);
}
