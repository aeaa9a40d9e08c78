using BigLearn.Core.Tasks;

namespace BigLearn.Actors.Population;

/// <summary>
/// One group of agents that share a mask distribution: how many agents, how many inner steps per task, the
/// group's share of the model's picks, and its activation window [Start, Stop) as fractions of the budget.
/// Validated on construction (<see cref="PopulationSpecException"/> names the offending key).
/// </summary>
public sealed record GroupSpec
{
    /// <summary>Builds and validates a group.</summary>
    /// <param name="name">Unique, non-empty name (used in reports).</param>
    /// <param name="count">Agents in the group (≥ 1).</param>
    /// <param name="masks">The q(S, T) every agent of the group samples from (its own stream each).</param>
    /// <param name="innerSteps">Gradient steps per task (≥ 1).</param>
    /// <param name="share">Weight of the group in the model's choice (&gt; 0, finite).</param>
    /// <param name="start">Fraction of the budget at which the group becomes active, in [0, 1).</param>
    /// <param name="stop">Fraction of the budget at which it stops, in (start, 1].</param>
    public GroupSpec(string name, int count, IMaskDistribution masks, int innerSteps = 1, double share = 1, double start = 0, double stop = 1)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new PopulationSpecException("population.groups.name", name, "a group needs a non-empty name");
        string key = $"population.groups.{name}";
        if (count < 1) throw new PopulationSpecException($"{key}.count", count, "must be at least 1");
        if (masks is null) throw new PopulationSpecException($"{key}.masks", null, "a mask distribution is required");
        if (innerSteps < 1) throw new PopulationSpecException($"{key}.inner-steps", innerSteps, "must be at least 1");
        if (!(share > 0) || double.IsInfinity(share)) throw new PopulationSpecException($"{key}.share", share, "must be a finite number greater than 0");
        if (!(start >= 0 && start < 1)) throw new PopulationSpecException($"{key}.start", start, "must be in [0, 1)");
        if (!(stop > start && stop <= 1)) throw new PopulationSpecException($"{key}.stop", stop, $"must be in ({start}, 1]");
        Name = name;
        Count = count;
        Masks = masks;
        InnerSteps = innerSteps;
        Share = share;
        Start = start;
        Stop = stop;
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>Number of agents.</summary>
    public int Count { get; }

    /// <summary>The mask distribution the agents draw tasks from.</summary>
    public IMaskDistribution Masks { get; }

    /// <summary>
    /// The group's menu of mask families when its agents choose among them (docs/adaptation.md): <see cref="Masks"/> is then this
    /// mixture, each component one family and its weight the family's initial share. Null for a plain group.
    /// </summary>
    public Core.Tasks.Masks.MixtureMasks? Menu => IsMenu ? (Core.Tasks.Masks.MixtureMasks)Masks : null;

    /// <summary>True when <see cref="Masks"/> is a menu (set with a <see cref="Core.Tasks.Masks.MixtureMasks"/> as the masks).</summary>
    public bool IsMenu
    {
        get => _isMenu;
        init => _isMenu = !value || Masks is Core.Tasks.Masks.MixtureMasks
            ? value
            : throw new PopulationSpecException($"population.groups.{Name}.menu", Masks.Description, "a menu is a mixture of families");
    }

    private readonly bool _isMenu;

    /// <summary>Inner gradient steps per task.</summary>
    public int InnerSteps { get; }

    /// <summary>Weight in the model's weighted choice among groups with pending proposals.</summary>
    public double Share { get; }

    /// <summary>The group is active while Start ≤ (tasks done / budget).</summary>
    public double Start { get; }

    /// <summary>The group is active while (tasks done / budget) &lt; Stop.</summary>
    public double Stop { get; }

    /// <summary>True when the group is active after <paramref name="tasksDone"/> of <paramref name="budget"/> tasks.</summary>
    public bool IsActiveAt(long tasksDone, long budget)
    {
        double fraction = (double)tasksDone / budget;
        return fraction >= Start && fraction < Stop;
    }
}
