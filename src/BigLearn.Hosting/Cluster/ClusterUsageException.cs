namespace BigLearn.Hosting.Cluster;

/// <summary>
/// A user mistake about a cluster node or client (a bad role, port, seed node or host, a refused non-loopback binding, an
/// unreachable cluster): the CLI prints its message as one line and exits with 2.
/// </summary>
public sealed class ClusterUsageException(string message) : Exception(message);
