using System.Globalization;

namespace BigLearn.Actors.Model;

/// <remarks>
/// Controls from outside the run (the dashboard): a pause holds the picks (proposals still queue, checkpoints and phase switches
/// still happen), and a group's share can change. The shares start as the configuration's and are not part of a checkpoint, so a
/// resumed run draws with the configured shares again (every change is logged with the task count it took effect at).
/// </remarks>
public sealed partial class ModelState
{
    private readonly double[] _shares;

    /// <summary>True while paused: nothing is picked.</summary>
    internal bool Paused { get; set; }

    /// <summary>Every group's share now (a copy).</summary>
    internal double[] Shares => (double[])_shares.Clone();

    /// <summary>Sets group <paramref name="group"/>'s share; returns why not (nothing changed) or null.</summary>
    internal string? SetShare(int group, double share)
    {
        if (group < 0 || group >= _shares.Length) return $"group {group} is unknown (the model has groups 0..{_shares.Length - 1})";
        if (!(share > 0) || double.IsInfinity(share))
            return $"share {share.ToString(CultureInfo.InvariantCulture)} is not allowed (a finite number greater than 0)";
        _shares[group] = share;
        return null;
    }
}
