using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace BigLearn.Actors.Messages;

/// <summary>
/// The project's serializer of every <see cref="IBigLearnMessage"/>: UTF-8 JSON written and read by System.Text.Json with the
/// source-generated <see cref="WireJsonContext"/> (no reflection, no type names on the wire), under the manifests of
/// <see cref="WireManifests"/>. A body-less singleton (<c>Evaluate.Instance</c>) travels as an empty payload and comes back as
/// the same instance. Identifier <see cref="SerializerId"/> (4711) is fixed: it is written into every remote envelope, so it
/// never changes (Akka.NET reserves the low identifiers, 0 to 100, for its own serializers).
/// </summary>
/// <remarks>
/// Refusals: <see cref="FromBinary"/> throws <see cref="SerializationException"/> (one line naming the manifest) for an unknown
/// manifest, a payload over <see cref="MaxPayloadBytes"/>, malformed or truncated JSON, nesting deeper than <see cref="MaxDepth"/>,
/// an unknown or missing member, a null where the record says non-null, or a non-empty payload for a singleton. The exception
/// type matters: Akka.Remote's <c>EndpointReader</c> catches <see cref="SerializationException"/> (and
/// <see cref="ArgumentException"/>) around dispatching an inbound message, logs a warning ("Deserialization failed for message
/// with serializer id [4711] and manifest [propose.v1]. Transient association error (association remains live). ...", with our
/// message) and drops that one message; any other exception would fail the association. So a bad message from another node is
/// refused and logged and never takes the node down (<c>WireProtocolTests.A_node_refuses_junk_from_another_node_logs_it_and_keeps_running</c>
/// shows it over Akka.Remote 1.5.75). <see cref="ToBinary"/> refuses a message without a
/// manifest or over the size cap the same way, so a sender never emits what a receiver would refuse.
/// </remarks>
public sealed class BigLearnSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's fixed identifier on the wire (in the user range, above Akka's reserved 0–100).</summary>
    public const int SerializerId = 4711;

    /// <summary>The largest payload written or read: 16 MiB.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    /// <summary>The deepest JSON nesting read or written (the deepest record, a checkpoint, nests 8 levels).</summary>
    public const int MaxDepth = 16;

    /// <summary>The HOCON that registers the serializer and binds every <see cref="IBigLearnMessage"/> to it.</summary>
    public const string Hocon = """
        akka.actor {
          serializers {
            biglearn = "BigLearn.Actors.Messages.BigLearnSerializer, BigLearn.Actors"
          }
          serialization-bindings {
            "BigLearn.Actors.Messages.IBigLearnMessage, BigLearn.Actors" = biglearn
          }
        }
        """;

    /// <summary><see cref="Hocon"/> parsed: include it in every actor system of a run (<c>config.WithFallback(BigLearnSerializer.Config)</c>).</summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString(Hocon);

    /// <summary>Made by Akka's serialization extension from <see cref="Config"/>.</summary>
    public BigLearnSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Find(o).Manifest;
    }

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var entry = Find(obj);
        if (entry.Singleton is not null) return [];
        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(obj, WireManifests.TypeInfo(entry)!);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new SerializationException($"cannot write [{entry.Manifest}]: {OneLine(e.Message)}", e);
        }
        if (bytes.Length > MaxPayloadBytes)
            throw new SerializationException($"cannot write [{entry.Manifest}]: {bytes.Length} bytes exceed the cap of {MaxPayloadBytes}");
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var entry = WireManifests.OfManifest(manifest ?? "")
            ?? throw new SerializationException($"unknown manifest [{manifest}] ({bytes.Length} bytes refused)");
        if (bytes.Length > MaxPayloadBytes)
            throw new SerializationException($"refused [{entry.Manifest}]: {bytes.Length} bytes exceed the cap of {MaxPayloadBytes}");
        if (entry.Singleton is not null)
            return bytes.Length == 0 ? entry.Singleton
                : throw new SerializationException($"refused [{entry.Manifest}]: a singleton has an empty payload, not {bytes.Length} bytes");
        try
        {
            return JsonSerializer.Deserialize(bytes, WireManifests.TypeInfo(entry)!)
                ?? throw new SerializationException($"refused [{entry.Manifest}]: the payload is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new SerializationException($"malformed [{entry.Manifest}] ({bytes.Length} bytes): {OneLine(e.Message)}", e);
        }
    }

    private static WireManifests.Entry Find(object o) =>
        WireManifests.OfType(o.GetType())
        ?? throw new SerializationException($"no manifest for {o.GetType().FullName}: add it to {nameof(WireManifests)}");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
