using BigLearn.Core.Gan;
using BigLearn.Core.Images;
using BigLearn.Core.Tasks;
using BigLearn.Core.Training;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan;

/// <summary>The GAN's state in TorchSharp state-dictionary files: a loaded trainer continues exactly as the saved one.</summary>
[Collection(TorchCollection.Name)]
public sealed class GanStateFileTests : IDisposable
{
    private const int Side = 8, Pixels = Side * Side;
    private static readonly GanSettings Tiny = new() { BatchSize = 8, Channels = 4, NoiseDim = 8, R1Interval = 2 };
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-gan-state-").FullName;

    public GanStateFileTests() => TorchRuntime.Configure(threads: 1);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ImageSet Squares()
    {
        var pixels = new float[32 * Pixels];
        for (int i = 0; i < 32; i++)
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    pixels[i * Pixels + (r + 4 * (i % 2)) * Side + c + 4 * (i / 2 % 2)] = 0.5f + i / 64f;
        return new ImageSet("squares", Side, Side, pixels, new byte[32]);
    }

    private static void Train(GanTrainer trainer, int from, int count)
    {
        for (int i = from; i < from + count; i++)
            trainer.Run(i % 2 == 0 ? LearningTask.Joint(Pixels) : new LearningTask(Pixels, Enumerable.Range(0, Pixels / 2).ToArray(),
                Enumerable.Range(Pixels / 2, Pixels / 2)), 1, 100 + i);
    }

    [Fact]
    public void A_trainer_loaded_from_the_files_continues_bit_for_bit_as_the_one_that_saved_them()
    {
        using var original = new GanTrainer(Squares(), Tiny, 3, CPU);
        Train(original, 0, 5); // R1 at even versions, Adam moments and the moving average all away from their start
        var written = original.SaveState(_folder);
        Assert.Equal(GanTrainer.StateFiles, written);
        Assert.All(written, name => Assert.True(new FileInfo(Path.Combine(_folder, name)).Length > 0, name));

        using var loaded = new GanTrainer(Squares(), Tiny, 99, CPU); // other initial weights
        Assert.NotEqual(original.CaptureState().Parameters, loaded.CaptureState().Parameters);
        loaded.LoadState(_folder);
        Assert.Equal(original.CaptureState().Parameters, loaded.CaptureState().Parameters);
        Assert.Equal(original.CaptureState().Optimizer.Select(kv => (kv.Key, kv.Value)), loaded.CaptureState().Optimizer.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(5, loaded.Version);

        Train(original, 5, 4);
        Train(loaded, 5, 4);
        Assert.Equal(original.CaptureState().Parameters, loaded.CaptureState().Parameters);
        Assert.Equal(9, loaded.Version);
    }

    [Fact]
    public void A_missing_or_damaged_file_or_another_shape_is_refused_and_changes_nothing()
    {
        using var original = new GanTrainer(Squares(), Tiny, 3, CPU);
        Train(original, 0, 2);
        original.SaveState(_folder);
        using var target = new GanTrainer(Squares(), Tiny, 7, CPU);
        var before = target.CaptureState().Parameters;

        File.WriteAllBytes(Path.Combine(_folder, "gan-discriminator.dat"), [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => target.LoadState(_folder));
        Assert.Equal(before, target.CaptureState().Parameters);

        File.Delete(Path.Combine(_folder, "gan-average.dat"));
        Assert.Contains("gan-average.dat is missing", Assert.Throws<InvalidDataException>(() => target.LoadState(_folder)).Message);

        var wider = Path.Combine(_folder, "wider");
        using (var other = new GanTrainer(Squares(), Tiny with { Channels = 8 }, 3, CPU)) other.SaveState(wider);
        Assert.Contains("8 channels", Assert.Throws<InvalidDataException>(() => target.LoadState(wider)).Message);
        Assert.Equal(before, target.CaptureState().Parameters);
    }
}
