using BigLearn.Hosting.Running;

namespace BigLearn.Dashboard.State;

/// <remarks>
/// Pictures are drawn off the subscriber actor, on the thread pool, one drawing at a time: a new evaluation while one is being
/// drawn asks for one more drawing with the newest figures, so a fast run skips pictures instead of queueing them.
/// </remarks>
public sealed partial class LiveRun
{
    private IReadOnlyList<LivePicture> _pictures = [];
    private long _drawRequested;
    private int _drawing;

    private ILivePictures? Drawer => _run.Session as ILivePictures;

    /// <summary>Asks the run's kind to prepare pictures (called once, before the run starts).</summary>
    public void EnablePictures() => Drawer?.Enable();

    /// <summary>Completes when no drawing is under way (tests, and the end of a run before its process exits).</summary>
    public async Task PicturesDrawnAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _drawing) != 0) await System.Threading.Tasks.Task.Delay(20, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override byte[]? Picture(string name)
    {
        lock (_lock) return _pictures.FirstOrDefault(p => p.Name == name)?.Png;
    }

    private PictureRef[] PictureRefs() => _pictures.Select(p => new PictureRef(p.Name, p.Title, p.Tasks,
        $"/api/runs/{Uri.EscapeDataString(Id)}/pictures/{Uri.EscapeDataString(p.Name)}?tasks={p.Tasks}")).ToArray();

    private void DrawPictures()
    {
        if (Drawer is null) return;
        Interlocked.Increment(ref _drawRequested);
        if (Interlocked.CompareExchange(ref _drawing, 1, 0) == 0) _ = System.Threading.Tasks.Task.Run(DrawLoop);
    }

    private void DrawLoop()
    {
        while (true)
        {
            long target = Interlocked.Read(ref _drawRequested);
            IReadOnlyDictionary<string, double>? values;
            long tasks;
            lock (_lock) (values, tasks) = (_latestValues, _latestTasks);
            if (values is not null)
            {
                try
                {
                    var drawn = Drawer!.Draw(tasks, values);
                    if (drawn.Count > 0) Update(() => _pictures = drawn);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A picture that cannot be drawn must not end the run; the page keeps the previous one.
                    Serilog.Log.Warning("The dashboard could not draw the model after {Tasks} tasks: {Reason}", tasks, e.Message);
                }
            }
            Volatile.Write(ref _drawing, 0);
            if (Interlocked.Read(ref _drawRequested) == target || Interlocked.CompareExchange(ref _drawing, 1, 0) != 0) return;
        }
    }
}
