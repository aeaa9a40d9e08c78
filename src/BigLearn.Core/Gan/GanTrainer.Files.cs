using System.Globalization;
using System.Text.Json;
using BigLearn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan;

/// <summary>
/// The GAN's state in files, with TorchSharp's own state dictionaries (<see cref="nn.Module.save(string, IList{string})"/>):
/// the generator, the discriminator and the generator's moving average each as a module, both Adam optimisers' moment buffers
/// as a module of buffers, and the few scalars (version, Adam step counts and hyper-parameters) as JSON.
/// </summary>
public sealed partial class GanTrainer : IStateFileRunner
{
    /// <summary>The files <see cref="SaveState"/> writes.</summary>
    public static IReadOnlyList<string> StateFiles { get; } =
        ["gan-generator.dat", "gan-discriminator.dat", "gan-average.dat", "gan-generator-adam.dat", "gan-discriminator-adam.dat", "gan-state.json"];

    private sealed record Scalars(long Version, long GeneratorSteps, long DiscriminatorSteps, double[] GeneratorHyper, double[] DiscriminatorHyper,
        int Height, int Width, int Channels, int NoiseDim);

    /// <inheritdoc />
    public IReadOnlyList<string> SaveState(string folder)
    {
        Directory.CreateDirectory(folder);
        _generator.save(Path.Combine(folder, StateFiles[0]));
        _discriminator.save(Path.Combine(folder, StateFiles[1]));
        _average.save(Path.Combine(folder, StateFiles[2]));
        using (var moments = new MomentBuffers(_generatorAdam, clone: true)) moments.save(Path.Combine(folder, StateFiles[3]));
        using (var moments = new MomentBuffers(_discriminatorAdam, clone: true)) moments.save(Path.Combine(folder, StateFiles[4]));
        var scalars = new Scalars(Version, _generatorAdam.Steps, _discriminatorAdam.Steps, _generatorAdam.HyperParameters, _discriminatorAdam.HyperParameters,
            Height, Width, Settings.Channels, Settings.NoiseDim);
        File.WriteAllBytes(Path.Combine(folder, StateFiles[5]), JsonSerializer.SerializeToUtf8Bytes(scalars));
        return StateFiles;
    }

    /// <inheritdoc />
    /// <remarks>Everything is read into fresh copies first and checked; only then is the trainer overwritten, so a damaged file
    /// changes nothing.</remarks>
    public void LoadState(string folder)
    {
        foreach (var name in StateFiles)
            if (!File.Exists(Path.Combine(folder, name))) throw new InvalidDataException($"{name} is missing from {folder}");
        Scalars scalars;
        try
        {
            scalars = JsonSerializer.Deserialize<Scalars>(File.ReadAllBytes(Path.Combine(folder, StateFiles[5])))
                ?? throw new InvalidDataException($"{StateFiles[5]} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{StateFiles[5]} does not parse: {e.Message.Split('\n')[0]}", e);
        }
        if ((scalars.Height, scalars.Width, scalars.Channels, scalars.NoiseDim) != (Height, Width, Settings.Channels, Settings.NoiseDim))
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"the saved GAN is {scalars.Height}x{scalars.Width} with {scalars.Channels} channels and noise {scalars.NoiseDim}, this one {Height}x{Width}, {Settings.Channels}, {Settings.NoiseDim}"));
        if (scalars.GeneratorHyper is null || scalars.DiscriminatorHyper is null
            || !scalars.GeneratorHyper.SequenceEqual(_generatorAdam.HyperParameters) || !scalars.DiscriminatorHyper.SequenceEqual(_discriminatorAdam.HyperParameters))
            throw new InvalidDataException("the saved optimisers have other hyper-parameters (lr, β1, β2, ε) than this trainer's");

        // Load into networks of the same shape, then copy: a file that does not load leaves the trainer as it was.
        using var scope = NewDisposeScope();
        using var init = new Generator(0, CPU);
        using var generator = new GanGenerator(Height, Width, Settings.Channels, Settings.NoiseDim, init);
        using var discriminator = new GanDiscriminator(Height, Width, Settings.Channels, init);
        using var average = new GanGenerator(Height, Width, Settings.Channels, Settings.NoiseDim, init);
        using var generatorMoments = new MomentBuffers(_generatorAdam, clone: true);
        using var discriminatorMoments = new MomentBuffers(_discriminatorAdam, clone: true);
        try
        {
            generator.load(Path.Combine(folder, StateFiles[0]));
            discriminator.load(Path.Combine(folder, StateFiles[1]));
            average.load(Path.Combine(folder, StateFiles[2]));
            generatorMoments.load(Path.Combine(folder, StateFiles[3]));
            discriminatorMoments.load(Path.Combine(folder, StateFiles[4]));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InvalidDataException($"a state file in {folder} does not load: {e.Message.Split('\n')[0]}", e);
        }
        using (no_grad())
        {
            Copy(_generator.parameters(), generator.parameters());
            Copy(_discriminator.parameters(), discriminator.parameters());
            Copy(_average.parameters(), average.parameters());
        }
        generatorMoments.CopyInto(_generatorAdam);
        discriminatorMoments.CopyInto(_discriminatorAdam);
        _generatorAdam.Steps = scalars.GeneratorSteps;
        _discriminatorAdam.Steps = scalars.DiscriminatorSteps;
        Version = scalars.Version;
    }

    private static void Copy(IEnumerable<Tensor> targets, IEnumerable<Tensor> sources)
    {
        foreach (var (target, source) in targets.Zip(sources)) target.copy_(source.to(target.device));
    }

    /// <summary>An optimiser's two moment buffers as a module of buffers (<c>first.i</c>, <c>second.i</c>), so that TorchSharp saves them as a state dictionary.</summary>
    private sealed class MomentBuffers : nn.Module
    {
        private readonly Tensor[] _first, _second;

        public MomentBuffers(AdamState adam, bool clone) : base("adam")
        {
            var (first, second) = adam.Moments;
            _first = first.Select(t => clone ? t.detach().clone().DetachFromDisposeScope() : t).ToArray();
            _second = second.Select(t => clone ? t.detach().clone().DetachFromDisposeScope() : t).ToArray();
            for (int i = 0; i < _first.Length; i++)
            {
                register_buffer($"first{i}", _first[i]);
                register_buffer($"second{i}", _second[i]);
            }
        }

        public void CopyInto(AdamState adam)
        {
            var (first, second) = adam.Moments;
            using var _ = no_grad();
            for (int i = 0; i < _first.Length; i++)
            {
                first[i].copy_(_first[i]);
                second[i].copy_(_second[i]);
            }
        }
    }
}
