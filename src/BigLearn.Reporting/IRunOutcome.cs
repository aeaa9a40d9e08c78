namespace BigLearn.Reporting;

/// <summary>
/// What every finished run of any model kind can say about itself: enough for the run pipeline to write its folder and for
/// the command line to print its result, without knowing the kind.
/// </summary>
public interface IRunOutcome
{
    /// <summary>The experiment's name.</summary>
    string Experiment { get; }

    /// <summary>The experiment seed.</summary>
    long Seed { get; }

    /// <summary>Tasks run.</summary>
    long Tasks { get; }

    /// <summary>The task budget.</summary>
    long Budget { get; }

    /// <summary>Wall time of the whole run, evaluation included (timing only).</summary>
    double TotalSeconds { get; }

    /// <summary>Writes every output of the run (summary.json, report.md, metrics.csv, agents.csv, plots) into <paramref name="folder"/>; returns the files written, relative.</summary>
    IReadOnlyList<string> Write(string folder);

    /// <summary>The result as a table for the terminal.</summary>
    ResultTable Table { get; }

    /// <summary>Sentences printed under the table (what the figures mean).</summary>
    IReadOnlyList<string> Sentences { get; }

    /// <summary>The run's summary figures at its end, in the kind's order (what sweeps tabulate and ablations compare).</summary>
    IReadOnlyList<RunFigure> Figures { get; }

    /// <summary>The same figures of the untrained model, or null when the kind does not evaluate them before training.</summary>
    IReadOnlyList<RunFigure>? InitialFigures { get; }
}

/// <summary>One summary figure of a run, under its <c>summary.json</c> name.</summary>
/// <param name="Name">The name in <c>summary.json</c>, <c>sweep.json</c> and <c>ablation.json</c> (<c>modes_covered</c>, <c>classifier_fid</c>).</param>
/// <param name="Label">How tables head it ("modes covered").</param>
/// <param name="Value">Its value (NaN when not measured).</param>
public sealed record RunFigure(string Name, string Label, double Value);

/// <summary>A small table of figures for the terminal.</summary>
/// <param name="Header">Column names (the first is the run's label).</param>
/// <param name="Rows">Rows of text, one cell per column.</param>
public sealed record ResultTable(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows);
