using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace BigLearn.Hosting.Cluster;

/// <summary>
/// Mutual TLS between nodes: every node (and <c>cluster status</c>) presents the cluster's certificate, a PKCS#12 file
/// given by path with its password in the environment variable <see cref="PasswordVariable"/>, and accepts a peer only
/// when the peer presents that same certificate (pinned by thumbprint). A node without it cannot join or be asked.
/// </summary>
public sealed class NodeTls
{
    /// <summary>The environment variable holding the certificate file's password (empty when unset).</summary>
    public const string PasswordVariable = "BIGLEARN_TLS_PASSWORD";

    private NodeTls(string path, X509Certificate2 certificate) => (Path, Certificate) = (path, certificate);

    /// <summary>The certificate file as given.</summary>
    public string Path { get; }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Accepts exactly the peers that present <see cref="Certificate"/>.</summary>
    public CertificateValidationCallback Validator => CertificateValidation.PinnedCertificate(Certificate.Thumbprint);

    /// <summary>Loads <paramref name="path"/> with the password from <see cref="PasswordVariable"/>.</summary>
    /// <exception cref="ClusterUsageException">The file is missing, not PKCS#12, the password is wrong, or it holds no private key (one line).</exception>
    public static NodeTls Load(string path)
    {
        if (!File.Exists(path)) throw new ClusterUsageException($"--tls-cert {path}: no such file (a PKCS#12 .pfx with the cluster's certificate and private key)");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Environment.GetEnvironmentVariable(PasswordVariable) ?? "");
        }
        catch (CryptographicException e)
        {
            throw new ClusterUsageException($"--tls-cert {path}: cannot be read as PKCS#12 with the password in {PasswordVariable} ({e.Message.Trim()})");
        }
        if (!certificate.HasPrivateKey)
            throw new ClusterUsageException($"--tls-cert {path}: holds no private key (a node must prove it owns the certificate)");
        return new NodeTls(path, certificate);
    }
}
