using System.Globalization;
using System.Text.RegularExpressions;
using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Hosting.Configuration;

/// <summary>What a kind's ledger allows and what it defaults to (docs/contributions.md).</summary>
/// <param name="Kind">The kind's <c>kind</c> value, for messages.</param>
/// <param name="Objectives">The objectives J it can measure, the default first.</param>
/// <param name="DefaultEvery">Default of <c>ledger.every</c>.</param>
/// <param name="Audits">Whether alignment audits are available (they need ∇J); without them <c>ledger.audit-every</c> must be 0.</param>
/// <param name="DefaultSamples">Default of <c>ledger.samples</c>.</param>
/// <param name="MinSamples">The fewest samples J accepts.</param>
public sealed record LedgerRules(string Kind, IReadOnlyList<ContributionObjectiveKind> Objectives, long DefaultEvery, bool Audits, int DefaultSamples, int MinSamples)
{
    /// <summary>Gaussian-mixture runs: the exact ledger, audits every budget/20 tasks, 1000 samples of the joint reverse KL.</summary>
    public static LedgerRules Mixture { get; } = new("population", [ContributionObjectiveKind.JointReverseKl, ContributionObjectiveKind.JointNll], 1, true, 1000, 1);

    /// <summary>
    /// GAN runs: completion-fid (of the generator's moving average; completion-fid-trained judges the trained generator) on 256
    /// held-out images, no audits (J is measured without a gradient), and every 25th task measured: one J costs about 1.5
    /// adversarial steps and a measured task needs two, so the ledger adds about 12 % to the training (8 % measured on 400 tasks);
    /// measuring every task (one J per task) would more than double it.
    /// </summary>
    public static LedgerRules Gan { get; } = new("gan", [ContributionObjectiveKind.CompletionFid, ContributionObjectiveKind.CompletionFidTrained], 25, false, Core.Gan.Evaluation.CompletionObjective.DefaultSamples, 2);
}

/// <summary>
/// The <c>ledger</c> keys of a population config (per-agent contributions, docs/contributions.md): <c>ledger.every</c> (1: every task,
/// the exact ledger; k: every k-th task, credits scaled by k; 0: off), <c>ledger.audit-every</c> (tasks between alignment
/// audits; 0: none), <c>ledger.objective</c> (<c>joint-reverse-kl</c> | <c>joint-nll</c> for mixtures, <c>completion-fid</c> for
/// GANs), <c>ledger.samples</c> (J's fixed batch), <c>ledger.seed</c> (its seed; default the experiment seed) and
/// <c>ledger.audit-agents</c> (agents audited at most per audit, a rotating share of a larger population; 0: all) and
/// <c>ledger.baseline-probes</c> (counterfactual tasks per measured task that estimate a typical peer's ΔJ for the corrected
/// credit; 0: none). What each
/// kind allows and defaults to is its <see cref="LedgerRules"/>.
/// </summary>
public static class LedgerSection
{
    /// <summary>The keys under <c>ledger.</c>.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["ledger.every", "ledger.audit-every", "ledger.objective", "ledger.samples", "ledger.seed", "ledger.audit-agents", "ledger.baseline-probes"];

    /// <summary>The schedule the config asks for under <paramref name="rules"/>, or null when <c>ledger.every = 0</c>.</summary>
    /// <param name="source">The config.</param>
    /// <param name="budget">The run's budget (the default audit period is a twentieth of it).</param>
    /// <param name="seed">The experiment seed (the default of <c>ledger.seed</c>).</param>
    /// <param name="rules">What the kind allows.</param>
    /// <param name="maxSamples">The most samples J can have (GAN runs: the held-out images).</param>
    /// <exception cref="ConfigException">A ledger key is malformed, out of range, or asks for what the kind cannot do.</exception>
    public static ContributionSchedule? Parse(ConfigSource source, long budget, long seed, LedgerRules rules, int maxSamples = 10_000_000)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rules);
        var every = source.GetLong("ledger.every", rules.DefaultEvery, 0, long.MaxValue);
        var auditEvery = source.GetLong("ledger.audit-every", rules.Audits ? Math.Max(1, budget / 20) : 0, 0, long.MaxValue);
        if (auditEvery != 0 && !rules.Audits)
            throw source.NotAllowed("ledger.audit-every", $"0 for a {rules.Kind} run: alignment audits need ∇J, and its J, {ContributionObjectiveSettings.NameOf(rules.Objectives[0])}, is measured without one");
        var names = rules.Objectives.Select(ContributionObjectiveSettings.NameOf).ToArray();
        var objective = source.GetString("ledger.objective", names[0], new Regex($"^({string.Join("|", names.Select(Regex.Escape))})$"),
            $"one of: {string.Join(", ", names)}{(rules.Kind == LedgerRules.Mixture.Kind ? "" : $" for a {rules.Kind} run")}");
        int defaultSamples = Math.Min(rules.DefaultSamples, maxSamples);
        var samples = source.GetInt("ledger.samples", defaultSamples, rules.MinSamples, maxSamples);
        var objectiveSeed = source.GetLong("ledger.seed", seed, 0, long.MaxValue);
        var auditAgents = source.GetInt("ledger.audit-agents", ContributionSchedule.DefaultAuditAgents, 0, int.MaxValue);
        var baselineProbes = source.GetInt("ledger.baseline-probes", ContributionSchedule.DefaultBaselineProbes, 0, 64);
        if (every == 0) return null;
        var kind = rules.Objectives.First(k => ContributionObjectiveSettings.NameOf(k) == objective);
        return new ContributionSchedule(every, auditEvery, new ContributionObjectiveSettings(kind, samples, objectiveSeed)) { AuditAgents = auditAgents, BaselineProbes = baselineProbes };
    }

    /// <summary>
    /// Refuses a schedule whose J needs more samples than <paramref name="available"/> (known only once the data is loaded) in the
    /// project's one line, naming <c>ledger.samples</c> even when it took its default.
    /// </summary>
    /// <exception cref="ConfigException">The schedule asks for more samples than there are.</exception>
    public static void CheckSamples(ConfigSource source, ContributionSchedule? schedule, int available, string what)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (schedule is null || schedule.Objective.Samples <= available) return;
        string value = source.Has("ledger.samples") ? source.RawText("ledger.samples")
            : schedule.Objective.Samples.ToString(CultureInfo.InvariantCulture) + " (the default)";
        throw new ConfigException($"{source.Where("ledger.samples")}: ledger.samples = {value} is not allowed (at most the {available} {what})");
    }
}
