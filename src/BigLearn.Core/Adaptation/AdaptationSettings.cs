namespace BigLearn.Core.Adaptation;

/// <summary>How a population organises its perspectives (<c>population.adapt</c>).</summary>
public enum AdaptMode
{
    /// <summary>Every agent draws from its menu with the configured shares, for the whole run.</summary>
    None,

    /// <summary>Each agent shifts its own shares towards the families whose recent tasks earned the most credit (a softmax bandit).</summary>
    Bandit,

    /// <summary>Population-based training: every so many tasks the agents with the lowest recent credit copy and perturb the shares of a high-credit agent.</summary>
    Pbt,
}

/// <summary>
/// The knobs of <see cref="PopulationAdaptation"/> (docs/adaptation.md). The defaults are the ones the shipped menu config uses;
/// none of them was tuned to a target.
/// </summary>
/// <param name="Mode">None, bandit or pbt.</param>
/// <param name="Seed">Seed of the adaptation's own stream (pbt's choices and perturbations).</param>
public sealed record AdaptationSettings(AdaptMode Mode, long Seed)
{
    /// <summary>Tasks in the population-wide window a task's credit is ranked against (the signal's baseline).</summary>
    public int Window { get; init; } = 200;

    /// <summary>Bandit: the softmax temperature on the arms' mean signals (signals lie in [−½, ½]).</summary>
    public double Temperature { get; init; } = 0.3;

    /// <summary>Bandit: the step of the exponential moving average of an arm's signal.</summary>
    public double StepSize { get; init; } = 0.05;

    /// <summary>The share of every agent's draws spread uniformly over the menu, so no family is ever abandoned for good.</summary>
    public double Floor { get; init; } = 0.1;

    /// <summary>Pbt: tasks (of the whole population) between two exploit/explore steps.</summary>
    public long PbtEvery { get; init; } = 250;

    /// <summary>Pbt: the fraction of a group's agents that copy (the lowest) and that are copied from (the highest).</summary>
    public double PbtFraction { get; init; } = 0.25;

    /// <summary>Pbt: the standard deviation of the log-normal factor each copied share is multiplied by (explore).</summary>
    public double PbtPerturb { get; init; } = 0.5;

    /// <summary>Checks the knobs; the message names the key.</summary>
    /// <exception cref="ArgumentException">A knob is out of range.</exception>
    public void Validate()
    {
        if (Window < 2) throw new ArgumentException($"population.adapt-window = {Window}: must be at least 2");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new ArgumentException($"population.adapt-temperature = {Temperature}: must be a finite number above 0");
        if (!(StepSize > 0 && StepSize <= 1)) throw new ArgumentException($"population.adapt-step = {StepSize}: must be in (0, 1]");
        if (!(Floor >= 0 && Floor < 1)) throw new ArgumentException($"population.adapt-floor = {Floor}: must be in [0, 1)");
        if (PbtEvery < 1) throw new ArgumentException($"population.pbt-every = {PbtEvery}: must be at least 1");
        if (!(PbtFraction > 0 && PbtFraction <= 0.5)) throw new ArgumentException($"population.pbt-fraction = {PbtFraction}: must be in (0, 0.5]");
        if (!(PbtPerturb >= 0) || !double.IsFinite(PbtPerturb)) throw new ArgumentException($"population.pbt-perturb = {PbtPerturb}: must be a finite number ≥ 0");
    }
}

/// <summary>One adaptive agent as the adaptation sees it: its id, its group and the menu's initial shares (normalised).</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Group">Its group (pbt copies only within a group: a group's agents share one menu).</param>
/// <param name="InitialShares">The menu's shares, one per family.</param>
public sealed record AdaptiveAgent(int AgentId, int Group, double[] InitialShares);

/// <summary>A pbt step's copy: <paramref name="AgentId"/> took <paramref name="From"/>'s shares, perturbed.</summary>
/// <param name="AgentId">The agent that copied (one of the lowest recent signals).</param>
/// <param name="From">The agent copied (one of the highest).</param>
public sealed record PbtCopy(int AgentId, int From);

/// <summary>The adaptation's whole state, as plain data for checkpoints.</summary>
/// <param name="Agents">Each adaptive agent's shares, arm estimates, signal sum and count since the last pbt step.</param>
/// <param name="Window">The population's latest signals' raw values, oldest first.</param>
/// <param name="Rng">The adaptation's stream.</param>
/// <param name="Copies">Pbt copies made so far.</param>
public sealed record AdaptationState(AgentAdaptationState[] Agents, double[] Window, Randomness.RngState Rng, long Copies);

/// <summary>One agent's part of <see cref="AdaptationState"/>.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Shares">Its current shares over its menu.</param>
/// <param name="ArmSignals">The moving average of each family's signal (bandit).</param>
/// <param name="ArmTasks">Tasks run per family.</param>
/// <param name="SignalSum">Its signals summed since the last pbt step.</param>
/// <param name="SignalCount">How many.</param>
public sealed record AgentAdaptationState(int AgentId, double[] Shares, double[] ArmSignals, long[] ArmTasks, double SignalSum, long SignalCount);
