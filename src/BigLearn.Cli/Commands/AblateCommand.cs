using System.CommandLine;
using System.Globalization;
using BigLearn.Hosting.Kinds;
using BigLearn.Hosting.Running;
using BigLearn.Reporting.Ablations;

namespace BigLearn.Cli.Commands;

/// <summary>
/// <c>biglearn ablate CONFIG [--groups all|a,b] [--seeds ...] [--replicas auto|R] [--shapley [--samples N] [--figure F]] [--set k=v ...] [--out DIR]</c>:
/// what the population would lose without each group (the same seeds, everything else equal), with 95 % intervals over the seeds, and
/// optionally the groups' Shapley values; writes <c>ablation.json</c>, <c>ablation.md</c> and <c>ablation.png</c> beside the variants' sweeps.
/// </summary>
internal static class AblateCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Argument<string>("CONFIG") { Description = "A population config (configs/gmm25-*.conf)" };
        var groups = new Option<string?>("--groups") { Description = "The groups to remove one at a time (default all)", HelpName = "all|a,b" };
        var seeds = new Option<string?>("--seeds") { Description = "The seeds every variant runs with (default: the config's seed)", HelpName = "888,5079,..." };
        var replicas = new Option<string?>("--replicas") { Description = "Run up to R seeds of a variant at the same time (auto: one per core)", HelpName = "auto|R" };
        var shapley = new Option<bool>("--shapley") { Description = $"Also the groups' Shapley values, from every coalition (2^g runs; at most {ExperimentAblation.MaxExactShapleyGroups} groups without --samples)" };
        var samples = new Option<int?>("--samples") { Description = "With --shapley: estimate from N random orders of arrival instead", HelpName = "N" };
        var figure = new Option<string?>("--figure")
        {
            Description = "The figure of the Shapley values and the plot (default the kind's first): modes_covered, high_quality_fraction, reverse_kl, " +
                          "forward_kl; for a samples target held_out_nll, modes_covered, high_quality_fraction; for GAN configs classifier_fid, completion_top_half, completion_left_half, completion_random_25",
        };
        var sets = new Option<string[]>("--set") { Description = "Override a config key, repeatable", HelpName = "key=value", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--out") { Description = "Folder to create (default: runs/<experiment>/ablation-<utc-timestamp>/)", HelpName = "DIR" };
        var command = new Command("ablate", "Run the population without each group (same seeds) and report the effect on every summary figure; optionally Shapley values")
        {
            config, groups, seeds, replicas, shapley, samples, figure, sets, output,
        };
        command.SetAction((parsed, cancellationToken) => Task.FromResult(Ablate(console, parsed.GetValue(config)!, parsed.GetValue(groups),
            parsed.GetValue(seeds), parsed.GetValue(replicas), parsed.GetValue(shapley), parsed.GetValue(samples), parsed.GetValue(figure),
            parsed.GetValue(sets) ?? [], parsed.GetValue(output), cancellationToken)));
        return command;
    }

    private static int Ablate(CliConsole console, string configPath, string? groupText, string? seedText, string? replicaText, bool shapley,
        int? samples, string? figureText, string[] sets, string? outDir, CancellationToken cancellationToken)
    {
        var experiment = ModelKinds.Load(configPath, sets);
        if (!experiment.Sweeps)
            throw new CliUsageException($"{configPath}: kind = {experiment.ModelKind.Name} cannot be ablated (it runs no seed sweeps)");
        var seeds = seedText is null ? [experiment.Run.Population.Seed] : RunCommand.ParseSeeds(seedText);
        int replicaCount = RunCommand.ParseReplicas(replicaText, seeds, cluster: false);
        if (figureText is not null && !experiment.FigureNames.Contains(figureText))
            throw new CliUsageException($"--figure {figureText}: not allowed (one of: {string.Join(", ", experiment.FigureNames)})");
        if (samples is not null && !shapley) throw new CliUsageException($"--samples {samples}: only with --shapley");
        if (samples is < 2) throw new CliUsageException($"--samples {samples}: not allowed (at least 2 orders of arrival)");
        IReadOnlyList<string>? groups = groupText is null or "all" ? null : groupText.Split(',', StringSplitOptions.TrimEntries);
        var folder = RunCommand.NewFolder(outDir, () => Path.Combine("runs", experiment.Run.Experiment,
            "ablation-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)));

        console.Output.WriteLine($"ablate {experiment.Run.Experiment}: seeds {string.Join(",", seeds)}{(shapley ? ", with Shapley values" : "")}");
        using var signals = InterruptSignals.Listen(cancellationToken);
        var request = new AblationRequest(configPath, sets, seeds, groups, replicaCount, shapley, samples, figureText);
        var result = ExperimentAblation.Run(request, folder, stage => console.Output.WriteLine($"  running {stage}"), console.Error, signals.Token);
        console.Output.WriteLine($"wrote ablation.json, ablation.md and ablation.png, and {result.Variants} variants' sweeps, to {result.Folder}");
        InspectCommand.PrintAblation(console, result.Folder);
        return 0;
    }
}
