using System.CommandLine;
using System.Globalization;
using BigLearn.Hosting.Configuration;
using BigLearn.Hosting.Kinds;

namespace BigLearn.Cli.Commands;

/// <summary><c>biglearn validate CONFIG [--set key=value ...]</c>: checks a configuration without running anything.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Argument<string>("CONFIG") { Description = $"HOCON experiment file (kind = {ModelKinds.Names} or {LandscapeConfig.Kind})" };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key, repeatable: --set budget=1000",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("validate",
            "Check a configuration (every key's type and range, unknown keys, and the keys against each other) without running " +
            "anything; prints a one-line summary of the experiment followed by the resolved configuration (includes and overrides " +
            "applied, one key a line), or one line naming the file, key, value and what is allowed (exit code 2)")
        {
            config, sets,
        };
        command.SetAction(parsed => Validate(console, parsed.GetValue(config)!, parsed.GetValue(sets) ?? []));
        return command;
    }

    private static int Validate(CliConsole console, string path, string[] sets)
    {
        var source = ConfigSource.Load(path, sets);
        string summary;
        if (source.Has("kind") && source.RawText("kind") == LandscapeConfig.Kind)
        {
            var landscape = LandscapeConfig.From(source);
            var s = landscape.Spec;
            summary = string.Create(CultureInfo.InvariantCulture,
                $"landscape {landscape.Experiment}: {s.GridPoints}×{s.GridPoints} grid on [{s.GridMin}, {s.GridMax}]², {s.Samples} samples, seed {s.Seed}, " +
                $"{s.MarginalAnglesDeg.Length} marginal angles, {s.ConditionalAnglesDeg.Length} conditional angles × {s.ConditionalValues} values");
        }
        else
        {
            if (source.Has("kind") && ModelKinds.All.All(k => k.Name != source.RawText("kind")))
                throw source.NotAllowed("kind", $"one of: {ModelKinds.Names}, {LandscapeConfig.Kind}"); // validate also takes landscapes
            summary = ModelKinds.Parse(source).Summary();
        }
        console.Output.WriteLine($"{path}: valid; {summary}");
        // Then the configuration as the run would see it: the file with its includes and the overrides, one key a line.
        console.Output.Write(source.ResolvedText);
        return 0;
    }
}
