using BigLearn.Core.Gan.Evaluation;
using BigLearn.Core.Randomness;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests.Gan.Evaluation;

[Collection(TorchCollection.Name)]
public class CompletionBaselinesTests
{
    [Fact]
    public void No_completion_keeps_the_observed_pixels_and_zeros_the_others()
    {
        using var scope = NewDisposeScope();
        var images = ImageTensors.Images(SyntheticImages.Uniform("u", 5, 6, 6, 1));
        var masks = EvaluationMasks.RandomPixels(5, 6, 6, 0.4, new Rng(2));
        var result = CompletionBaselines.NoCompletion(images, masks);
        var x = images.data<float>().ToArray();
        var m = masks.data<float>().ToArray();
        var y = result.data<float>().ToArray();
        for (int i = 0; i < x.Length; i++) Assert.Equal(m[i] == 1f ? x[i] : 0f, y[i]);
    }

    [Fact]
    public void Nearest_neighbour_completion_returns_the_training_image_when_the_input_is_one()
    {
        using var scope = NewDisposeScope();
        var train = SyntheticImages.Uniform("train", 50, 6, 6, 3);
        var pool = ImageTensors.Images(train);
        int[] chosen = [7, 23, 41, 49];
        var images = ImageTensors.Images(train, chosen);
        foreach (var masks in new[] { EvaluationMasks.Halves(4, 6, 6, top: true), EvaluationMasks.RandomPixels(4, 6, 6, 0.25, new Rng(4)) })
        {
            // A chunk size that does not divide 50 exercises the carry-over between chunks.
            var completed = CompletionBaselines.NearestNeighbour(images, masks, pool, chunkSize: 16);
            Assert.True(completed.SameAs(images));
        }
    }

    [Fact]
    public void Nearest_neighbour_completion_matches_a_brute_force_search_on_the_observed_pixels()
    {
        using var scope = NewDisposeScope();
        const int side = 5, pixels = side * side;
        var train = SyntheticImages.Uniform("train", 40, side, side, 5);
        var test = SyntheticImages.Uniform("test", 6, side, side, 6);
        var masks = EvaluationMasks.RandomPixels(6, side, side, 0.5, new Rng(7));
        var completed = CompletionBaselines.NearestNeighbour(ImageTensors.Images(test), masks, ImageTensors.Images(train), chunkSize: 7)
            .data<float>().ToArray();
        var m = masks.data<float>().ToArray();
        for (int n = 0; n < test.Count; n++)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int t = 0; t < train.Count; t++)
            {
                double d = 0;
                for (int p = 0; p < pixels; p++)
                    if (m[n * pixels + p] == 1f) d += Math.Pow(test.Image(n)[p] - train.Image(t)[p], 2);
                if (d < bestDistance) (best, bestDistance) = (t, d);
            }
            for (int p = 0; p < pixels; p++)
            {
                float expected = m[n * pixels + p] == 1f ? test.Image(n)[p] : train.Image(best)[p];
                Assert.Equal(expected, completed[n * pixels + p], 5);
            }
        }
    }
}
