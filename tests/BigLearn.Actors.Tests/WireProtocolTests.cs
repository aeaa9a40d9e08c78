using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Checkpoints;
using BigLearn.Actors.Messages;
using BigLearn.Actors.Model;
using BigLearn.Actors.Population;
using BigLearn.Core.Evaluation.Contributions;
using BigLearn.Core.Training;
using Xunit.Abstractions;
using static BigLearn.Actors.Agents.TaskAgentProtocol;
using static BigLearn.Actors.Model.ModelProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>The wire protocol: every message has a manifest and round-trips exactly; whatever is not a message of ours is refused.</summary>
public sealed partial class WireProtocolTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(BigLearnSerializer.Config)
        .WithFallback(ModelActor.DispatcherConfig), output: output)
{
    // An independent structural view of a record (reflection, every public property, computed ones included): two records with
    // the same view hold the same numbers, arrays and dictionaries included.
    private static readonly JsonSerializerOptions Structural = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private BigLearnSerializer Serializer => (BigLearnSerializer)Sys.Serialization.FindSerializerForType(typeof(IBigLearnMessage));

    private static IEnumerable<Type> MessageTypes() =>
        typeof(IBigLearnMessage).Assembly.GetTypes()
            .Where(t => typeof(IBigLearnMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });

    public static TheoryData<string> Manifests() => [.. WireManifests.All.Select(e => e.Manifest)];

    [GeneratedRegex("^[a-z][a-z-]*\\.v[1-9][0-9]*$")]
    private static partial Regex ManifestShape();

    [Fact]
    public void Every_message_type_has_one_versioned_manifest_and_a_sample()
    {
        var types = MessageTypes().ToList();
        Assert.True(types.Count >= 30, $"found only {types.Count} message types");
        var missing = types.Where(t => WireManifests.OfType(t) is null).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, $"no manifest for: {string.Join(", ", missing)}");
        Assert.Equal(types.OrderBy(t => t.FullName), WireManifests.All.Select(e => e.Type).OrderBy(t => t.FullName));
        Assert.Equal(WireManifests.All.Count, WireManifests.All.Select(e => e.Manifest).Distinct(StringComparer.Ordinal).Count());
        Assert.All(WireManifests.All, e => Assert.Matches(ManifestShape(), e.Manifest));
        Assert.All(WireManifests.All, e => Assert.Same(e, WireManifests.OfManifest(e.Manifest)));
        var samples = WireSamples.Every();
        Assert.All(types, t => Assert.True(samples.ContainsKey(t), $"no sample of {t.FullName}"));

        // Every type is sealed (so the manifest of an instance is the manifest of its declared type), and a singleton
        // is exactly a type with no public constructor.
        Assert.All(types, t => Assert.True(t.IsSealed, $"{t.FullName} is not sealed"));
        Assert.All(WireManifests.All, e => Assert.Equal(e.Singleton is not null, e.Type.GetConstructors().Length == 0));
    }

    [Fact]
    public void The_system_binds_every_message_to_the_project_serializer()
    {
        foreach (var message in WireSamples.Every().Values)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<BigLearnSerializer>(serializer);
            Assert.Equal(BigLearnSerializer.SerializerId, serializer.Identifier);
            Assert.Equal(WireManifests.OfType(message.GetType())!.Manifest, Akka.Serialization.Serialization.ManifestFor(serializer, message));
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_message_round_trips_exactly(string manifest)
    {
        var entry = WireManifests.OfManifest(manifest)!;
        var sample = WireSamples.Every()[entry.Type];
        byte[] bytes = Serializer.ToBinary(sample);
        Assert.Equal(manifest, Serializer.Manifest(sample));

        var back = Serializer.FromBinary(bytes, manifest);

        Assert.IsType(entry.Type, back);
        Assert.Equal(bytes, Serializer.ToBinary(back));
        Assert.Equal(JsonSerializer.Serialize(sample, entry.Type, Structural), JsonSerializer.Serialize(back, entry.Type, Structural));
        if (entry.Singleton is not null)
        {
            Assert.Empty(bytes);
            Assert.Same(entry.Singleton, back);
        }
        else
        {
            Assert.NotEmpty(bytes);
            Assert.False(ReferenceEquals(sample, back));
        }
        // The same through Akka's extension, as a node does it.
        var viaAkka = Sys.Serialization.Deserialize(Sys.Serialization.Serialize(sample), BigLearnSerializer.SerializerId, manifest);
        Assert.Equal(bytes, Serializer.ToBinary(viaAkka));
    }

    [Fact]
    public void Records_without_arrays_compare_equal_after_the_trip()
    {
        foreach (var sample in WireSamples.Every().Values.Where(m => m is ModelStats or ProposalRefused or ProposalWithdrawn or AgentStats or TaskResult
                     or CheckpointProtocol.CheckpointPlan or CheckpointProtocol.CheckpointNow or CheckpointProtocol.AgentStopped or CheckpointProtocol.Interrupt
                     or TaskDescriptor or Propose))
            Assert.Equal(sample, Serializer.FromBinary(Serializer.ToBinary(sample), Serializer.Manifest(sample)));
    }

    [Fact]
    public void Doubles_round_trip_bit_for_bit_NaN_and_infinities_included()
    {
        double[] awkward = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, -double.Epsilon,
            double.MaxValue, double.MinValue, 0.1, 1.0 / 3, Math.PI, 2.8372610940328253, 1e-308, 5e-324, 123456789.123456789];
        var values = awkward.Select((v, i) => (Key: $"v{i}", Value: v)).ToDictionary(p => p.Key, p => p.Value);
        var evaluation = new Evaluation(1, 2, values);
        var back = (Evaluation)Serializer.FromBinary(Serializer.ToBinary(evaluation), "evaluation.v1");
        Assert.Equal(values.Keys.Order(), back.Values.Keys.Order());
        foreach (var (key, value) in values)
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(back.Values[key]));

        var outcome = new TaskOutcome(double.NaN, double.NegativeInfinity, -0.0, 0, "nan", 1);
        var result = (TaskResult)Serializer.FromBinary(Serializer.ToBinary(new TaskResult(1, outcome)), "task-result.v1");
        Assert.True(double.IsNaN(result.Outcome.FirstLoss));
        Assert.Equal(double.NegativeInfinity, result.Outcome.LastLoss);
        Assert.True(double.IsNegative(result.Outcome.GradientNorm));

        var stats = new AgentStats(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, double.PositiveInfinity, null);
        var statsBack = (AgentStats)Serializer.FromBinary(Serializer.ToBinary(stats), "agent-stats.v1");
        Assert.Equal(stats, statsBack);
        Assert.Null(statsBack.LastOwnLoss);

        var alignment = new TaskContribution(false, double.NaN, double.NaN, 1, [new AgentAlignment(1, 0, double.NaN)]);
        var completed = new TaskCompleted(1, 1, 0, 1, WireSamples.TransformedMarginal(), 1, 1, outcome, alignment);
        var completedBack = (TaskCompleted)Serializer.FromBinary(Serializer.ToBinary(completed), "task-completed.v1");
        Assert.True(double.IsNaN(completedBack.Contribution!.Audit[0].Cosine));
        Assert.Equal(completed.Task, completedBack.Task);
    }

    [Fact]
    public void Computed_properties_stay_off_the_wire()
    {
        string json = Encoding.UTF8.GetString(Serializer.ToBinary(new TaskResult(1, WireSamples.TypicalOutcome())));
        Assert.DoesNotContain("Rejected\"", json);
        string completed = Encoding.UTF8.GetString(Serializer.ToBinary(WireSamples.Every()[typeof(TaskCompleted)]));
        Assert.DoesNotContain("Credit", completed);
        Assert.DoesNotContain("Delta", completed);
    }

    [Fact]
    public void Singletons_come_back_as_the_same_instance_and_refuse_a_body()
    {
        foreach (var entry in WireManifests.All.Where(e => e.Singleton is not null))
        {
            Assert.Same(entry.Singleton, Serializer.FromBinary(Serializer.ToBinary(entry.Singleton!), entry.Manifest));
            Refused(entry.Manifest, "{}"u8.ToArray());
        }
        Assert.Same(Evaluate.Instance, Sys.Serialization.Deserialize([], BigLearnSerializer.SerializerId, "evaluate.v1"));
    }

    [Theory]
    [InlineData("propose.v999")]
    [InlineData("propose")]
    [InlineData("Propose")]
    [InlineData("BigLearn.Actors.Model.ModelProtocol+Propose, BigLearn.Actors")]
    [InlineData("")]
    public void An_unknown_manifest_is_refused(string manifest)
    {
        var bytes = Serializer.ToBinary(WireSamples.TypicalPropose());
        var e = Refused(manifest, bytes);
        Assert.Contains("unknown manifest", e.Message);
    }

    [Fact]
    public void Malformed_truncated_and_mistyped_payloads_are_refused()
    {
        byte[] propose = Serializer.ToBinary(WireSamples.TypicalPropose());
        string json = Encoding.UTF8.GetString(propose);

        Refused("propose.v1", "{not json"u8.ToArray());
        Refused("propose.v1", []);
        Refused("propose.v1", "null"u8.ToArray());
        Refused("propose.v1", "[]"u8.ToArray());
        Refused("propose.v1", "42"u8.ToArray());
        Refused("propose.v1", [0xFF, 0xFE, 0x00, 0x7B]);
        foreach (int cut in new[] { 1, propose.Length / 3, propose.Length / 2, propose.Length - 1 })
            Refused("propose.v1", propose[..cut]);
        // Another record's body under this manifest, a member too many, one missing, a null where the record has none.
        Refused("propose.v1", Serializer.ToBinary(new ProposalRefused(1, "credit exceeded")));
        string result = Encoding.UTF8.GetString(Serializer.ToBinary(new TaskResult(1, WireSamples.TypicalOutcome())));
        Refused("task-result.v1", Encoding.UTF8.GetBytes(result.Replace("\"ProposalId\"", "\"Id\"")));
        Refused("propose.v1", Encoding.UTF8.GetBytes(json.Replace("{\"AgentId\"", "{\"Extra\":1,\"AgentId\"")));
        Refused("propose.v1", Encoding.UTF8.GetBytes(json.Replace("\"InnerSteps\":5,", "")));
        Refused("propose.v1", Encoding.UTF8.GetBytes(json[..json.IndexOf("\"Task\":", StringComparison.Ordinal)] + "\"Task\":null," +
            json[(json.IndexOf(",\"InnerSteps\"", StringComparison.Ordinal) + 1)..]));
        Refused("proposal-refused.v1", "{\"ProposalId\":1,\"Reason\":null}"u8.ToArray());
        Refused("proposal-refused.v1", "{\"ProposalId\":\"1\",\"Reason\":\"x\"}"u8.ToArray());
        Refused("proposal-refused.v1", "{\"ProposalId\":1e400,\"Reason\":\"x\"}"u8.ToArray());
        Refused("set-active.v1", "{\"AgentIds\":[1,2.5],\"RunUntil\":1}"u8.ToArray());
        // Sanity: the untouched body reads.
        Assert.IsType<Propose>(Serializer.FromBinary(propose, "propose.v1"));
    }

    [Fact]
    public void Payloads_over_the_cap_and_nesting_over_the_depth_are_refused()
    {
        var huge = new byte[BigLearnSerializer.MaxPayloadBytes + 1];
        Assert.Contains("exceed the cap", Refused("evaluation.v1", huge).Message);

        // A well-formed evaluation just over the cap is refused on reading and on writing alike.
        var values = Enumerable.Range(0, BigLearnSerializer.MaxPayloadBytes / 20).ToDictionary(i => $"k{i}", i => i + 0.123456789012345);
        var big = new Evaluation(1, 1, values);
        var write = Assert.Throws<SerializationException>(() => Serializer.ToBinary(big));
        Assert.Contains("evaluation.v1", write.Message);

        Assert.Equal(BigLearnSerializer.MaxDepth, WireJsonContext.Default.Options.MaxDepth);
        string deep = "{\"TasksRun\":1,\"Version\":1,\"Values\":" + new string('[', 64) + new string(']', 64) + "}";
        Refused("evaluation.v1", Encoding.UTF8.GetBytes(deep));
        string deepUnknown = "{\"Reason\":\"x\",\"ProposalId\":1,\"X\":" + new string('[', 64) + new string(']', 64) + "}";
        Refused("proposal-refused.v1", Encoding.UTF8.GetBytes(deepUnknown));
    }

    [Fact]
    public void What_is_not_a_message_of_ours_is_not_written()
    {
        var e = Assert.Throws<SerializationException>(() => Serializer.ToBinary("a string"));
        Assert.Contains("System.String", e.Message);
        Assert.Throws<SerializationException>(() => Serializer.Manifest(new PopulationOptions()));
    }

    [Fact]
    public void Theta_rides_only_in_the_checkpoint_records()
    {
        // θ (a runner's parameter vector) is a RunnerState; it may appear only in the checkpoint's records, never in the
        // messages of a training step (proposals, results, evaluations, stats).
        var carrying = MessageTypes().Where(t => Reaches(t, typeof(RunnerState), [])).Select(t => t.Name).Order().ToArray();
        Assert.Equal(["CheckpointPoint", "CheckpointTaken", "ModelSnapshot", "PopulationCheckpoint"], carrying);
    }

    [Fact]
    public void The_bytes_of_a_proposal_and_of_a_result()
    {
        var propose = WireSamples.TypicalPropose();
        var outcome = WireSamples.TypicalOutcome();
        var completed = new TaskCompleted(Sequence: 1_204_311, propose.AgentId, propose.Group, propose.ProposalId, propose.Task, propose.InnerSteps,
            propose.BatchSeed, outcome);
        var measured = completed with { Contribution = new TaskContribution(true, 2.4180339887498949, 2.4172901137610584, 4, []) };
        var result = new TaskResult(propose.ProposalId, outcome);
        int Size(object m) => Serializer.ToBinary(m).Length;

        Output!.WriteLine($"task: {propose.Task.Description}; transform {string.Join(", ", propose.Task.Transform!)}");
        Output!.WriteLine($"Propose (1-D marginal, 2x2 transform): {Size(propose)} bytes");
        Output!.WriteLine($"Propose (same task, data domain): {Size(propose with { Task = propose.Task with { Transform = null, TransformName = null } })} bytes");
        Output!.WriteLine($"TaskCompleted (no contribution): {Size(completed)} bytes");
        Output!.WriteLine($"TaskCompleted (measured, no audit): {Size(measured)} bytes");
        Output!.WriteLine($"TaskResult: {Size(result)} bytes");
        Output!.WriteLine(Encoding.UTF8.GetString(Serializer.ToBinary(propose)));
        Output!.WriteLine(Encoding.UTF8.GetString(Serializer.ToBinary(result)));
        Output!.WriteLine("every sample:");
        foreach (var entry in WireManifests.All)
            Output!.WriteLine($"  {entry.Manifest,-28} {Size(WireSamples.Every()[entry.Type]),6} bytes");

        // A proposal is a few hundred bytes, a result less (the budget of the wire; a regression here is a design change).
        Assert.InRange(Size(propose), 100, 512);
        Assert.InRange(Size(result), 50, 256);
        Assert.InRange(Size(completed), Size(propose), 1024);
    }

    [Fact]
    public async Task A_node_refuses_junk_from_another_node_logs_it_and_keeps_running()
    {
        // Two actor systems over Akka.Remote on loopback. The node binds the project's serializer and runs a small population;
        // the peer's serializer (same identifier) writes junk under real and unknown manifests for a Junk message, and the
        // project's format for everything else.
        const string remote = "akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }\n" +
                              "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\n";
        var timeout = TimeSpan.FromSeconds(60);
        var node = ActorSystem.Create("node", ConfigurationFactory.ParseString(remote).WithFallback(BigLearnSerializer.Config).WithFallback(ModelActor.DispatcherConfig));
        var peer = ActorSystem.Create("peer", ConfigurationFactory.ParseString(remote + JunkSerializer.Hocon));
        try
        {
            var warnings = new ConcurrentQueue<string>();
            node.EventStream.Subscribe(node.ActorOf(Props.Create(() => new WarningCollector(warnings))), typeof(Akka.Event.Warning));
            var received = new ConcurrentQueue<object>();
            node.ActorOf(Props.Create(() => new Echo(received)), "echo");
            var spec = new PopulationSpec(5, budgetTasks: 200, [new GroupSpec("g", 4, new RandomMarginals(2, transformProbability: 0.5), innerSteps: 2)],
                SchedulingMode.Lockstep, credits: 2);
            var supervisor = node.ActorOf(Population.PopulationSupervisor.Props(spec, () => new ModelRuntime(new HashingRunner())));
            var run = supervisor.Ask<Population.PopulationProtocol.RunCompleted>(Population.PopulationProtocol.StartRun.Instance, timeout);

            var address = ((ExtendedActorSystem)node).Provider.DefaultAddress;
            var echo = await peer.ActorSelection($"{address}/user/echo").ResolveOne(timeout);
            string[] junkManifests = ["propose.v1", "propose.v7", "evaluate.v1", "task-result.v1"];
            echo.Tell(new Junk("propose.v1", "{\"AgentId\":1,\"Gro"u8.ToArray()));             // truncated
            echo.Tell(new Junk("propose.v7", "{}"u8.ToArray()));                                // unknown version
            echo.Tell(new Junk("evaluate.v1", [0xFF]));                                          // a body on a singleton
            echo.Tell(new Junk("task-result.v1", "{\"ProposalId\":1,\"Outcome\":null}"u8.ToArray())); // a null where none may be
            var sent = new ProposalWithdrawn(5, "after the junk");
            var reply = await echo.Ask<ProposalWithdrawn>(sent, timeout);

            // The association survived (one connection, in order: the good message came after the junk), the echo got only
            // the good message, the population ran to its budget, and each refusal was logged with its manifest.
            Assert.Equal(sent, reply);
            Assert.Equal([sent], received.ToArray());
            Assert.Equal(200, (await run).TotalTasks);
            await AwaitConditionAsync(() => Task.FromResult(junkManifests.All(m => warnings.Any(w => w.Contains($"[{m}]", StringComparison.Ordinal)))), timeout);
            foreach (string warning in warnings) Output!.WriteLine(warning);
            Assert.False(node.WhenTerminated.IsCompleted);
        }
        finally
        {
            await peer.Terminate();
            await node.Terminate();
        }
    }

    private SerializationException Refused(string manifest, byte[] bytes)
    {
        var e = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, manifest));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"[{manifest}]", e.Message);
        // Akka's extension passes the refusal on as the same exception type (what Akka.Remote catches, logs and drops).
        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(bytes, BigLearnSerializer.SerializerId, manifest));
        return e;
    }

    private static bool Reaches(Type type, Type target, HashSet<Type> seen)
    {
        if (type == target) return true;
        if (type.IsPrimitive || type == typeof(string) || !seen.Add(type)) return false;
        if (type.IsArray) return Reaches(type.GetElementType()!, target, seen);
        if (type.IsGenericType) return type.GetGenericArguments().Any(a => Reaches(a, target, seen));
        if (type.Namespace?.StartsWith("BigLearn", StringComparison.Ordinal) != true) return false;
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => Reaches(p.PropertyType, target, seen));
    }
}

/// <summary>A message the peer sends to put junk on the wire: its serializer writes <paramref name="Payload"/> under <paramref name="Manifest"/>.</summary>
public sealed record Junk(string Manifest, byte[] Payload);

/// <summary>
/// A peer's serializer with <see cref="BigLearnSerializer"/>'s identifier: junk for <see cref="Junk"/>, the project's format for
/// everything else (so the peer reads the node's replies).
/// </summary>
public sealed class JunkSerializer(ExtendedActorSystem system) : Akka.Serialization.SerializerWithStringManifest(system)
{
    public const string Hocon = """
        akka.actor {
          serializers { junk = "BigLearn.Actors.Tests.JunkSerializer, BigLearn.Actors.Tests" }
          serialization-bindings {
            "BigLearn.Actors.Tests.Junk, BigLearn.Actors.Tests" = junk
            "BigLearn.Actors.Messages.IBigLearnMessage, BigLearn.Actors" = junk
          }
        }
        """;

    private readonly BigLearnSerializer _wire = new(system);

    public override int Identifier => BigLearnSerializer.SerializerId;

    public override string Manifest(object o) => o is Junk junk ? junk.Manifest : _wire.Manifest(o);

    public override byte[] ToBinary(object obj) => obj is Junk junk ? junk.Payload : _wire.ToBinary(obj);

    public override object FromBinary(byte[] bytes, string manifest) => _wire.FromBinary(bytes, manifest);
}

internal sealed class Echo(ConcurrentQueue<object> received) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        received.Enqueue(message);
        Sender.Tell(message);
    }
}

internal sealed class WarningCollector(ConcurrentQueue<string> warnings) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is Akka.Event.Warning warning) warnings.Enqueue(warning.Message?.ToString() ?? "");
    }
}
