using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Randomness;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;
using BigLearn.Reporting;
using BigLearn.Reporting.Ablations;
using BigLearn.Reporting.Experiments;

namespace BigLearn.Hosting.Running;

/// <summary>What to ablate.</summary>
/// <param name="ConfigPath">The population config.</param>
/// <param name="Sets">Its <c>--set</c> overrides.</param>
/// <param name="Seeds">The seeds every variant runs with.</param>
/// <param name="Groups">The groups studied (null: all of the config's).</param>
/// <param name="Replicas">Seeds run side by side within a variant (1: one after the other).</param>
/// <param name="Shapley">Also compute each studied group's Shapley value on <paramref name="Figure"/> from the coalition runs.</param>
/// <param name="ShapleySamples">With <paramref name="Shapley"/>: sampled orders of arrival instead of all 2^g coalitions (null: exact).</param>
/// <param name="Figure">The figure the Shapley values and the plot are of, by its <c>summary.json</c> name (null: the kind's first,
/// <c>modes_covered</c> or <c>classifier_fid</c>).</param>
public sealed record AblationRequest(string ConfigPath, IReadOnlyList<string> Sets, IReadOnlyList<long> Seeds, IReadOnlyList<string>? Groups,
    int Replicas = 1, bool Shapley = false, int? ShapleySamples = null, string? Figure = null);

/// <summary>
/// Counterfactual contributions (docs/contributions.md, "Ablations and Shapley values"): the population run with each studied group
/// removed (<c>groups.NAME = null</c>: its share goes to the groups active beside it, as the model's draw by share implies), everything
/// else equal, over the same seeds, against the whole population; optionally the groups' Shapley values from the coalition runs.
/// Every variant is a seed sweep in its own sub-folder of one staged folder, so a failure leaves nothing behind.
/// </summary>
public static class ExperimentAblation
{
    /// <summary>The most studied groups an exact Shapley computation takes (2^6 = 64 coalitions, each a sweep).</summary>
    public const int MaxExactShapleyGroups = 6;

    /// <summary>Runs the ablation into <paramref name="folder"/> (which must not exist or be empty).</summary>
    /// <exception cref="ConfigException">The config, a group name, the figure or the Shapley request is refused (nothing has run).</exception>
    public static AblationResult Run(AblationRequest request, string folder, Action<string>? stage = null, TextWriter? consoleLog = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Seeds.Count == 0) throw new ArgumentException("at least one seed is required", nameof(request));
        var baseConfig = ModelKinds.Load(request.ConfigPath, request.Sets);
        if (!baseConfig.Sweeps) throw new ConfigException($"{request.ConfigPath}: kind = {baseConfig.ModelKind.Name} cannot be ablated (it runs no seed sweeps)");
        string figure = request.Figure ?? baseConfig.FigureNames[0];
        if (!baseConfig.FigureNames.Contains(figure))
            throw new ConfigException($"--figure {figure}: not allowed for kind = {baseConfig.ModelKind.Name} (one of: {string.Join(", ", baseConfig.FigureNames)})");
        var all = baseConfig.Run.Population.Groups.Select(g => g.Name).ToArray();
        var studied = request.Groups ?? all;
        if (studied.Count == 0) throw new ConfigException("--groups: name at least one group");
        foreach (var name in studied)
            if (!all.Contains(name)) throw new ConfigException($"--groups {string.Join(",", studied)}: no group {name} in {request.ConfigPath} (groups: {string.Join(", ", all)})");
        if (studied.Distinct().Count() != studied.Count) throw new ConfigException($"--groups {string.Join(",", studied)}: a group is named twice");
        if (request.Shapley && studied.Count == all.Length && !baseConfig.EvaluatesUntrainedModel)
            throw new ConfigException($"--shapley over every group: kind = {baseConfig.ModelKind.Name} does not evaluate an untrained model, the coalition without any group; name fewer with --groups (the others then always take part)");
        if (request.Shapley && request.ShapleySamples is null && studied.Count > MaxExactShapleyGroups)
            throw new ConfigException($"--shapley with {studied.Count} groups: at most {MaxExactShapleyGroups} for exact values (2^{studied.Count} coalition runs); add --samples N for permutation sampling, or name fewer with --groups");

        // Which coalitions run, each checked before anything runs: the whole population, each group removed, and for Shapley all
        // (or the sampled) subsets of the studied groups, the others always present.
        int n = studied.Count, whole = (1 << n) - 1;
        var removedNames = (int coalition) => Enumerable.Range(0, n).Where(i => (coalition & (1 << i)) == 0).Select(i => studied[i]).ToArray();
        string? Refusal(int coalition) => Variant.Check(request, removedNames(coalition));
        if (Refusal(whole) is { } broken) throw new ConfigException(broken);
        if (request.Shapley && request.ShapleySamples is null)
            for (int s = 0; s < whole; s++)
                if (s != 0 || studied.Count < all.Length)
                    if (Refusal(s) is { } why) throw new ConfigException($"--shapley: the coalition without {string.Join(", ", removedNames(s))} cannot run ({why})");

        using var staged = StagedFolder.Create(folder);
        var cache = new Dictionary<int, Variant.Outcome>();
        Variant.Outcome RunCoalition(int coalition)
        {
            if (cache.TryGetValue(coalition, out var known)) return known;
            cancellationToken.ThrowIfCancellationRequested();
            var removed = removedNames(coalition);
            string name = removed.Length == 0 ? "all" : "without-" + string.Join("-", removed);
            stage?.Invoke(removed.Length == 0 ? "the whole population" : $"without {string.Join(", ", removed)}");
            var outcome = Variant.Run(request, removed, Path.Combine(staged.StagingPath, name), name, consoleLog, cancellationToken);
            return cache[coalition] = outcome;
        }

        var baseline = RunCoalition(whole);
        var effects = new List<AblationEffect>();
        for (int i = 0; i < n; i++)
        {
            int without = whole & ~(1 << i);
            if (Refusal(without) is { } why)
            {
                effects.Add(new AblationEffect(studied[i], null, why));
                continue;
            }
            var variant = RunCoalition(without);
            effects.Add(new AblationEffect(studied[i], variant.Folder, null, AblationStatistics.Paired(baseline.Rows, variant.Rows)));
        }

        ShapleyValue[]? shapley = null;
        if (request.Shapley)
        {
            // v(∅) with every group studied removed is the untrained model when no other group is left: its initial evaluation.
            double Value(int coalition)
            {
                if (coalition == 0 && studied.Count == all.Length) return baseline.Initial!.Average(r => r.Value(figure));
                if (request.ShapleySamples is not null && Refusal(coalition) is { } why)
                    throw new ConfigException($"--shapley: the coalition without {string.Join(", ", removedNames(coalition))} cannot run ({why})");
                return RunCoalition(coalition).Rows.Average(r => r.Value(figure));
            }
            shapley = request.ShapleySamples is { } samples
                ? ShapleyValues.Sampled(n, Value, samples, Rng.ForStream(request.Seeds[0], -4))
                : ShapleyValues.Exact(n, Value);
        }

        var result = new AblationResult(baseConfig.Run.Experiment, request.Seeds, studied, figure, baseline.Rows, effects, shapley,
            request.ShapleySamples, cache.Count);
        AblationWriter.Write(staged.StagingPath, result);
        cancellationToken.ThrowIfCancellationRequested();
        staged.Commit();
        return result with { Folder = staged.FinalPath };
    }

    /// <summary>One coalition: its config (the studied groups outside it removed) and its sweep.</summary>
    private static class Variant
    {
        public sealed record Outcome(string Folder, IReadOnlyList<FigureRow> Rows, IReadOnlyList<FigureRow>? Initial);

        public static IReadOnlyList<string> Sets(AblationRequest request, IEnumerable<string> removed, long seed) =>
            [.. request.Sets, .. removed.Select(g => $"groups.{g}=null"), $"seed={seed}"];

        /// <summary>Why the config without <paramref name="removed"/> cannot run, or null.</summary>
        public static string? Check(AblationRequest request, IReadOnlyList<string> removed)
        {
            try
            {
                ModelKinds.Load(request.ConfigPath, Sets(request, removed, request.Seeds[0]));
                return null;
            }
            catch (ConfigException e)
            {
                return removed.Count == 0 ? e.Message : e.Message.Replace(request.ConfigPath + ": ", "", StringComparison.Ordinal);
            }
        }

        public static Outcome Run(AblationRequest request, IReadOnlyList<string> removed, string folder, string name, TextWriter? consoleLog,
            CancellationToken cancellationToken)
        {
            var sweep = ExperimentSweep.Run(seed => ModelKinds.Load(request.ConfigPath, Sets(request, removed, seed)), request.Seeds, folder,
                consoleLog: consoleLog, cancellationToken: cancellationToken, replicas: request.Replicas);
            var initial = sweep.Runs.All(r => r.Outcome.InitialFigures is not null)
                ? sweep.Runs.Select(r => new FigureRow(r.Outcome.Seed, "", r.Outcome.InitialFigures!)).ToArray()
                : null;
            return new Outcome(name, sweep.FigureRows, initial);
        }
    }
}
