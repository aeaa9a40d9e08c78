using System.Text.RegularExpressions;
using BigLearn.Core.Evaluation.Contributions;

namespace BigLearn.Hosting.Configuration;

/// <summary>
/// The <c>ledger</c> keys of a population config (per-agent contributions, docs/contributions.md): <c>ledger.every</c> (1: every task,
/// the exact ledger; k: every k-th task, credits scaled by k; 0: off), <c>ledger.audit-every</c> (tasks between alignment
/// audits; 0: none), <c>ledger.objective</c> (<c>joint-reverse-kl</c> | <c>joint-nll</c>), <c>ledger.samples</c> (J's fixed
/// batch), <c>ledger.seed</c> (its seed; default the experiment seed) and <c>ledger.audit-agents</c> (agents audited at most per
/// audit, a rotating share of a larger population; 0: all) and <c>ledger.baseline-probes</c> (counterfactual tasks per measured task
/// that estimate a typical peer's ΔJ for the corrected credit; 0: none).
/// </summary>
public static partial class LedgerSection
{
    /// <summary>The keys under <c>ledger.</c>.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["ledger.every", "ledger.audit-every", "ledger.objective", "ledger.samples", "ledger.seed", "ledger.audit-agents", "ledger.baseline-probes"];

    /// <summary>The schedule the config asks for, or null when <c>ledger.every = 0</c>.</summary>
    /// <exception cref="ConfigException">A ledger key is malformed or out of range.</exception>
    public static ContributionSchedule? Parse(ConfigSource source, long budget, long seed)
    {
        var every = source.GetLong("ledger.every", 1, 0, long.MaxValue);
        var auditEvery = source.GetLong("ledger.audit-every", Math.Max(1, budget / 20), 0, long.MaxValue);
        var objective = source.GetString("ledger.objective", "joint-reverse-kl", ObjectivePattern(), "one of: joint-reverse-kl, joint-nll");
        var samples = source.GetInt("ledger.samples", 1000, 1, 10_000_000);
        var objectiveSeed = source.GetLong("ledger.seed", seed, 0, long.MaxValue);
        var auditAgents = source.GetInt("ledger.audit-agents", ContributionSchedule.DefaultAuditAgents, 0, int.MaxValue);
        var baselineProbes = source.GetInt("ledger.baseline-probes", ContributionSchedule.DefaultBaselineProbes, 0, 64);
        if (every == 0) return null;
        var kind = objective == "joint-nll" ? ContributionObjectiveKind.JointNll : ContributionObjectiveKind.JointReverseKl;
        return new ContributionSchedule(every, auditEvery, new ContributionObjectiveSettings(kind, samples, objectiveSeed)) { AuditAgents = auditAgents, BaselineProbes = baselineProbes };
    }

    [GeneratedRegex("^(joint-reverse-kl|joint-nll)$")]
    private static partial Regex ObjectivePattern();
}
