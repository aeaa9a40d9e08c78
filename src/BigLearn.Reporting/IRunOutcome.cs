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
}

/// <summary>A small table of figures for the terminal.</summary>
/// <param name="Header">Column names (the first is the run's label).</param>
/// <param name="Rows">Rows of text, one cell per column.</param>
public sealed record ResultTable(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows);
