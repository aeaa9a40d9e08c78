using System.Text.Json;
using BigLearn.Actors.Population;
using BigLearn.Core.Adaptation;
using BigLearn.Hosting.Checkpoints;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Hosting.Running;

/// <summary>
/// Records how a population's menu agents shifted their shares (docs/adaptation.md) from the model's <see cref="TaskCompleted"/>
/// notifications, on the observer's thread. It is the checkpoint section <c>"adaptation"</c>, so a resumed run's history is that
/// of an uninterrupted run. Made only for a population with a menu group.
/// </summary>
internal sealed class AdaptationFeed : ICheckpointSection
{
    /// <summary>The section's name in a checkpoint's <c>state.json</c>.</summary>
    public const string SectionName = "adaptation";

    private readonly AdaptationRecorder _recorder;

    private AdaptationFeed(AdaptationRecorder recorder) => _recorder = recorder;

    /// <summary>A feed for <paramref name="spec"/>, or null when none of its groups has a menu.</summary>
    public static AdaptationFeed? For(PopulationSpec spec)
    {
        var menus = new List<MenuRecord>();
        int first = 0;
        for (int g = 0; g < spec.Groups.Count; g++)
        {
            var group = spec.Groups[g];
            if (group.Menu is { } menu)
                menus.Add(new MenuRecord(g, group.Name, menu.Components.Select(c => c.Description).ToArray(),
                    Enumerable.Range(first, group.Count).ToArray(), menu.Weights.ToArray()));
            first += group.Count;
        }
        if (menus.Count == 0) return null;
        string mode = (spec.Adaptation?.Mode ?? AdaptMode.None).ToString().ToLowerInvariant();
        return new AdaptationFeed(new AdaptationRecorder(mode, menus, Math.Max(1, spec.BudgetTasks / 100), spec.BudgetTasks));
    }

    public void Record(TaskCompleted completed) => _recorder.Record(completed.Sequence, completed.AgentId, completed.Group, completed.Arm,
        completed.Shares, completed.Copies?.Select(c => new CopyEvent(completed.Sequence, c.AgentId, c.From)).ToArray());

    /// <summary>The history so far.</summary>
    public AdaptationHistory History() => _recorder.History();

    public string Name => SectionName;

    public JsonElement Capture() => JsonSerializer.SerializeToElement(_recorder.Capture(), CheckpointStore.Json);

    /// <exception cref="InvalidDataException">The section does not parse or does not fit this run's menus.</exception>
    public void Restore(JsonElement saved)
    {
        try
        {
            _recorder.Restore(saved.Deserialize<AdaptationRecorderState>(CheckpointStore.Json) ?? throw new InvalidDataException("the section is empty"));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException(e.Message.Split('\n')[0], e);
        }
    }
}
