using Akka.Actor;
using Akka.Configuration;
using BigLearn.Actors.Cluster;
using Xunit.Abstractions;
using static BigLearn.Actors.Cluster.ClusterStatusProtocol;

namespace BigLearn.Actors.Tests;

/// <summary>The status actor on a one-node cluster (loopback, an ephemeral port): what it answers before and after joining.</summary>
public sealed class ClusterStatusActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(OneNodeClusterHocon), output: output)
{
    /// <summary>A cluster node on loopback with an ephemeral port and both roles, not yet joined (the TestKit specs' system).</summary>
    internal const string OneNodeClusterHocon = """
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.roles = [model, agents]
        """;

    [Fact]
    public void Before_joining_it_lists_no_member_and_after_joining_itself_it_lists_the_node_up_with_its_roles()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var status = Sys.ActorOf(ClusterStatusActor.Props(), ClusterRoles.StatusActorName);

        status.Tell(GetClusterStatus.Instance);
        var before = ExpectMsg<ClusterStatus>();
        Assert.Equal(cluster.SelfAddress.ToString(), before.Node);
        Assert.Empty(before.Members);
        Assert.Null(before.Leader);

        cluster.Join(cluster.SelfAddress);
        AwaitAssert(() =>
        {
            status.Tell(GetClusterStatus.Instance);
            var after = ExpectMsg<ClusterStatus>();
            var member = Assert.Single(after.Members);
            Assert.Equal((cluster.SelfAddress.ToString(), "Up", true), (member.Address, member.Status, member.Reachable));
            Assert.Equal(["agents", "model"], member.Roles);
            Assert.Equal(cluster.SelfAddress.ToString(), after.Leader);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));
    }
}
