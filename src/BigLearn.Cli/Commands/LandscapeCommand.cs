using System.CommandLine;
using System.Globalization;
using BigLearn.Core;
using BigLearn.Core.Landscapes;
using BigLearn.Hosting.Configuration;
using BigLearn.Reporting.Landscapes;
using TorchSharp;

namespace BigLearn.Cli.Commands;

/// <summary><c>biglearn landscape CONFIG [--set key=value ...] [--out DIR]</c>: the §3.3 2-GMM loss landscapes.</summary>
internal static class LandscapeCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Argument<string>("CONFIG") { Description = "HOCON experiment file with kind = landscape (e.g. configs/gmm2-landscape.conf)" };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key, repeatable: --set grid.points=50 --set marginal.angles-deg=[0,45,90]",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string?>("--out")
        {
            Description = "Run folder to create (default: runs/<experiment>/<utc-timestamp>/); must not exist or be empty",
            HelpName = "DIR",
        };
        var command = new Command("landscape",
            "Compute the 2-GMM reverse-KL landscapes (joint, rotated marginals, rotated conditionals and their sums) over a (μ1, μ2) grid; " +
            "write config.conf, landscape.csv, plots/*.png and report.md")
        {
            config, sets, output,
        };
        command.SetAction((parsed, cancellationToken) =>
            Task.FromResult(Run(console, parsed.GetValue(config)!, parsed.GetValue(sets) ?? [], parsed.GetValue(output), cancellationToken)));
        return command;
    }

    private static int Run(CliConsole console, string configPath, string[] sets, string? outDir, CancellationToken cancellationToken)
    {
        var settings = LandscapeConfig.Load(configPath, sets);
        // Refuse an occupied output folder before spending minutes computing.
        var folder = RunCommand.NewFolder(outDir, () => Path.Combine("runs", settings.Experiment,
            DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)));

        var device = ConfigureTorch(settings);
        var spec = settings.Spec;
        var views = 1 + spec.MarginalAnglesDeg.Length + spec.ConditionalAnglesDeg.Length * spec.ConditionalValues;
        console.Output.WriteLine(
            $"landscape {settings.Experiment}: {spec.GridPoints}×{spec.GridPoints} grid on [{spec.GridMin}, {spec.GridMax}], {spec.Samples} samples, " +
            $"{views} views, device {device.type.ToString().ToLowerInvariant()}, {settings.Threads} thread(s)");

        var written = StageProgress.Run(console, ["computing landscapes", "writing outputs"], progress =>
        {
            var result = GmmLandscape.Compute(spec, progress[0], cancellationToken);
            progress[0].Report(1);
            var notes = new[]
            {
                $"config: {settings.Source.Origin}" + (sets.Length > 0 ? $" with --set {string.Join(" --set ", sets)}" : ""),
                $"device: {device.type.ToString().ToLowerInvariant()}, libtorch threads: {settings.Threads}",
            };
            return LandscapeRunWriter.Write(result, folder, settings.Experiment, settings.Source.ResolvedText, notes, progress[1], cancellationToken);
        });

        console.Output.WriteLine($"wrote {written.Files.Count} files to {written.Folder}");
        console.Output.WriteLine($"  report: {Path.Combine(written.Folder, "report.md")}");
        foreach (var view in written.Summary.Views)
        {
            var minima = view.Minima.Count == 0
                ? "none"
                : string.Join(", ", view.Minima.Select(m => $"{LandscapeSummary.Where(m)} KL {m.Kl.ToString("0.###", CultureInfo.InvariantCulture)}"));
            console.Output.WriteLine($"  {view.View} minima: {minima}");
        }
        foreach (var sentence in written.Summary.Sentences) console.Output.WriteLine(sentence);
        return 0;
    }

    private static torch.Device ConfigureTorch(LandscapeConfig settings)
    {
        TorchRuntime.Configure(settings.Threads);
        torch.Device device;
        try
        {
            device = TorchRuntime.Resolve(settings.Device);
        }
        catch (InvalidOperationException e)
        {
            // Asking for CUDA where there is none is a configuration mistake, not a crash.
            throw new ConfigException($"{settings.Source.Where("device")}: {e.Message}", e);
        }
        torch.set_default_device(device);
        return device;
    }
}
