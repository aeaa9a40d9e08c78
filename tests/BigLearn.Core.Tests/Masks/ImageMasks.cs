namespace BigLearn.Core.Tasks.Masks;

/// <summary>
/// Test helper: conversions between image tasks and the float masks the adversarial model and the figures work with:
/// one float per pixel, row-major, 1 = observed (in S), 0 = to be generated.
/// </summary>
internal static class ImageMasks
{
    /// <summary>
    /// The observed mask of <paramref name="task"/> on <paramref name="height"/>×<paramref name="width"/> images:
    /// 1 at the pixels of S, 0 elsewhere. Pixels in neither S nor T (a task with a partial target) are 0 as well:
    /// the model is never shown them.
    /// </summary>
    /// <exception cref="ArgumentException">The task's dimension is not height·width, or it lives in a transformed domain (its coordinates are not pixels).</exception>
    public static float[] ToObservedMask(LearningTask task, int height, int width)
    {
        var mask = new float[CheckTask(task, height, width)];
        foreach (int i in task.Observed) mask[i] = 1f;
        return mask;
    }

    /// <summary>
    /// The observed masks of <paramref name="tasks"/>, concatenated: [N · height · width], mask n at offset n · height · width
    /// (the layout of an [N, 1, H, W] tensor).
    /// </summary>
    public static float[] ToObservedMasks(IReadOnlyList<LearningTask> tasks, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        int pixels = height * width;
        var masks = new float[tasks.Count * pixels];
        for (int n = 0; n < tasks.Count; n++)
        {
            CheckTask(tasks[n], height, width);
            foreach (int i in tasks[n].Observed) masks[n * pixels + i] = 1f;
        }
        return masks;
    }

    /// <summary>
    /// The task a mask describes: S = the pixels with value ≥ 0.5, T = all the others. A mask observing every pixel has
    /// no task (T would be empty).
    /// </summary>
    /// <exception cref="ArgumentException">The mask's length is not height·width, or it observes every pixel.</exception>
    public static LearningTask FromObservedMask(ReadOnlySpan<float> mask, int height, int width)
    {
        int pixels = CheckShape(height, width);
        if (mask.Length != pixels) throw new ArgumentException($"a {height}x{width} mask has {pixels} values, got {mask.Length}");
        var s = new List<int>();
        var t = new List<int>();
        for (int i = 0; i < pixels; i++) (mask[i] >= 0.5f ? s : t).Add(i);
        if (t.Count == 0) throw new ArgumentException("the mask observes every pixel, so there is nothing to predict");
        return new LearningTask(pixels, s, t);
    }

    /// <summary>Fraction of observed pixels |S| / L of an image task.</summary>
    public static double ObservedRatio(LearningTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return (double)task.Observed.Length / task.Dim;
    }

    private static int CheckTask(LearningTask task, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(task);
        int pixels = CheckShape(height, width);
        if (task.Dim != pixels) throw new ArgumentException($"the task has dimension {task.Dim}, a {height}x{width} image has {pixels} pixels");
        if (task.IsTransformed) throw new ArgumentException($"the task lives in a transformed domain ({task.Transform!.Description}); only data-domain tasks are pixel masks");
        return pixels;
    }

    private static int CheckShape(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"an image needs at least one row and one column, got {height}x{width}");
        return height * width;
    }
}
