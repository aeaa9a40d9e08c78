namespace BigLearn.Actors.Messages;

/// <summary>
/// Marker of every protocol record of BigLearn's actors: what the project's serializer binds to (and the only
/// types it will accept from the wire). Messages carry numbers, arrays and strings, never tensors.
/// </summary>
public interface IBigLearnMessage;
