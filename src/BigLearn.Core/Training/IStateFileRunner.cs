namespace BigLearn.Core.Training;

/// <summary>
/// A runner whose learning state is too large to travel as numbers in a message or a JSON file (the GAN's networks and
/// optimisers): it writes its state into files of a folder with TorchSharp's own state dictionaries and reads them back.
/// A checkpoint bundle carries those files; a resumed run loads them. Called on the model's thread only.
/// </summary>
public interface IStateFileRunner : ITaskRunner
{
    /// <summary>
    /// Writes the whole learning state into <paramref name="folder"/> (created if needed); returns the names of the files written.
    /// Loading them into a runner built the same way makes it continue exactly as this one would have.
    /// </summary>
    IReadOnlyList<string> SaveState(string folder);

    /// <summary>Overwrites the learning state with the files <see cref="SaveState"/> wrote into <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or damaged, or the state does not fit this runner (other sizes or
    /// settings); nothing is changed then.</exception>
    void LoadState(string folder);
}
